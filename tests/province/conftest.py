"""Fixtures of the province tests: two park instances (``onemap serve`` on two loopback ports,
each on a database of its own) and a provincial database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from etl.load import load_file

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def second_db(server_url: str, template_db: str) -> Iterator[str]:
    """Another fresh database at head (the second park)."""
    name = f"onemap_test_park_b_{os.getpid()}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def serve(url: str) -> tuple[str, subprocess.Popen[bytes]]:
    """``onemap serve`` on database ``url`` at a free loopback port: ``(API root, process)``."""
    onemap = str(Path(sys.executable).with_name("onemap"))
    port = free_port()
    root = f"http://127.0.0.1:{port}/ogcapi"
    env = {**os.environ, "ONEMAP_DATABASE_URL": url, "ONEMAP_PUBLIC_URL": root}
    command = [onemap, "serve", "--port", str(port), "--workers", "1", "--threads", "4"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return root, process


def wait_until_served(*roots: str) -> None:
    """Wait until every API root answers (a server starts in seconds; two minutes at most)."""
    deadline = time.monotonic() + 120
    for root in roots:
        while not answers(f"{root}/collections?f=json"):
            assert time.monotonic() < deadline, f"{root} did not start"
            time.sleep(0.1)


def stop(servers: list[subprocess.Popen[bytes]]) -> None:
    """Stop the servers this test started."""
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(60)


@pytest.fixture
def onemap_server() -> Iterator[Callable[[str], str]]:
    """Start ``onemap serve`` on a database URL and wait for it: returns its API root; every
    server started is stopped after the test."""
    servers: list[subprocess.Popen[bytes]] = []

    def start(url: str) -> str:
        root, process = serve(url)
        servers.append(process)
        wait_until_served(root)
        return root

    yield start
    stop(servers)


@pytest.fixture
def parks(db_url: str, second_db: str) -> Iterator[dict[str, tuple[str, str]]]:
    """``{code: (API root, database URL)}`` of two served parks with the demo stations; park B
    also has the demo enterprises and their hazardous chemicals (an internal layer)."""
    servers, out = [], {}
    try:
        for code, url in (("PARK-A", db_url), ("PARK-B", second_db)):
            engine = sa.create_engine(url)
            layers = ["stations"]
            if code == "PARK-B":
                layers += ["enterprises", "hazardous_chemicals"]
            for layer in layers:
                path = next(DEMO.glob(f"{layer}.*"))
                assert load_file(path, layer, engine).rejected == 0, layer
            engine.dispose()
            root, process = serve(url)
            servers.append(process)
            out[code] = (root, url)
        wait_until_served(*(root for root, _ in out.values()))
        yield out
    finally:
        stop(servers)


@pytest.fixture
def province(server_url: str, template_db: str) -> Iterator[sa.Engine]:
    """An engine on a fresh provincial database (a onemap database at head)."""
    name = f"onemap_test_province_{os.getpid()}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    engine = sa.create_engine(make_url(server_url).set(database=name))
    yield engine
    engine.dispose()
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
