"""Starting and stopping the three servers: ours, stock pygeoapi and tipg."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks.ogcapi import WORK
from benchmarks.ogcapi.cases import Server
from benchmarks.ogcapi.data import libpq_url

PEER_PYTHON = "/root/.pyenv/versions/3.12.1/bin/python3.12"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(server: Server, path: str, timeout_s: float = 90) -> None:
    """Wait until ``path`` answers 200; on failure stop the server and raise."""
    try:
        _wait_up(server, path, timeout_s)
    except RuntimeError:
        stop(server)
        raise


def _wait_up(server: Server, path: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with status {server.process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{server.name} did not answer {path} within {timeout_s:.0f} s")


def stop(server: Server) -> None:
    if server.process is None or server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(5)


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped by its id
        cwd=WORK,
    )


# ---------------------------------------------------------------- peers


def peer_venv(name: str, packages: list[str]) -> Path:
    """A throwaway venv under WORK with ``packages``; reused when already complete."""
    venv = WORK / f"{name}-venv"
    marker = venv / ".installed"
    wanted = " ".join(packages)
    if marker.exists() and marker.read_text() == wanted:
        return venv
    if not Path(PEER_PYTHON).exists():
        raise RuntimeError(f"no Python 3.12 at {PEER_PYTHON} (pygeoapi >= 0.22 and tipg need it)")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([PEER_PYTHON, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", *packages], capture_output=True, text=True
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if "is ignored" not in line]
        raise RuntimeError("pip install failed: " + " | ".join(lines[-3:]))
    marker.write_text(wanted)
    return venv


def pygeoapi_config(url: str, port: int) -> tuple[Path, Path]:
    u = make_url(url)
    resources = {}
    for table, title in (("enterprises", "Enterprises"), ("sewer_pipes", "Sewer pipes")):
        resources[table] = {
            "type": "collection",
            "title": title,
            "description": title,
            "keywords": [table],
            "extents": {
                "spatial": {
                    "bbox": [110.2, 25.0, 110.4, 25.2],
                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                }
            },
            "providers": [
                {
                    "type": "feature",
                    "name": "PostgreSQL",
                    "data": {
                        "host": u.host,
                        "port": u.port,
                        "dbname": u.database,
                        "user": u.username,
                        "password": u.password,
                        "search_path": ["public"],
                    },
                    "id_field": "id",
                    "table": table,
                    "geom_field": "geom",
                }
            ],
        }
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": False,
            "languages": ["en-US"],
            "pretty_print": False,
            "limits": {"default_items": 10, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OSM"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "bench",
                "description": "bench",
                "keywords": ["bench"],
                "keywords_type": "theme",
                "terms_of_service": "https://example.org",
                "url": "https://example.org",
            },
            "license": {"name": "CC-BY 4.0", "url": "https://example.org"},
            "provider": {"name": "bench", "url": "https://example.org"},
            "contact": {"name": "bench", "position": "bench", "url": "https://example.org"},
        },
        "resources": resources,
    }
    config_path = WORK / f"pygeoapi-{port}.yml"
    openapi_path = WORK / f"pygeoapi-openapi-{port}.yml"
    # JSON is YAML: no yaml dependency needed for the peer's config.
    config_path.write_text(json.dumps(config, ensure_ascii=False))
    return config_path, openapi_path


PYGEOAPI_PACKAGES = [
    "pygeoapi==0.24.0", "gunicorn", "psycopg2-binary", "sqlalchemy", "geoalchemy2",
    "pygeofilter", "pyproj", "shapely",
]  # fmt: skip


def serve_pygeoapi(server: Server, config: Path, openapi: Path, log: str, ready: str) -> Server:
    """Stock pygeoapi 0.24 (gunicorn, 2 workers) on ``config``, up when ``ready`` answers."""
    venv = peer_venv("pygeoapi", PYGEOAPI_PACKAGES)
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    generated = subprocess.run(
        [str(venv / "bin/pygeoapi"), "openapi", "generate", str(config), "--output-file",
         str(openapi)],
        env=env, capture_output=True, text=True, cwd=WORK,
    )  # fmt: skip
    if generated.returncode != 0:
        raise RuntimeError(
            f"pygeoapi openapi generate: {generated.stderr.strip().splitlines()[-1]}"
        )
    server.process = spawn(
        [str(venv / "bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{server.port}",
         "--access-logfile", "/dev/null", "--no-control-socket", "pygeoapi.flask_app:APP"],
        env, WORK / log,
    )  # fmt: skip
    wait_up(server, ready)
    return server


def start_pygeoapi(url: str) -> Server:
    server = Server("pygeoapi", free_port())
    config, openapi = pygeoapi_config(url, server.port)
    return serve_pygeoapi(
        server,
        config,
        openapi,
        "pygeoapi-server.log",
        "/collections/enterprises/items?f=json&limit=1",
    )


def start_tipg(url: str) -> Server:
    server = Server("tipg", free_port())
    venv = peer_venv("tipg", ["tipg==1.6.1", "uvicorn[standard]"])
    env = {
        **os.environ,
        "DATABASE_URL": libpq_url(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.enterprises", "public.sewer_pipes"]',
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    server.process = spawn(
        [str(venv / "bin/uvicorn"), "tipg.main:app", "--host", "127.0.0.1", "--port",
         str(server.port), "--workers", "2", "--no-access-log", "--log-level", "warning"],
        env, WORK / "tipg-server.log",
    )  # fmt: skip
    wait_up(server, "/collections/public.enterprises/items?f=geojson&limit=1")
    return server


def start_ours(url: str) -> Server:
    server = Server("ours", free_port())
    onemap = Path(sys.executable).parent / "onemap"
    env = {**os.environ, "ONEMAP_DATABASE_URL": url}
    env.pop("ONEMAP_PUBLIC_URL", None)
    server.process = spawn(
        [str(onemap), "serve", "--workers", "2", "--port", str(server.port)],
        env, WORK / "ours-server.log",
    )  # fmt: skip
    wait_up(server, "/ogcapi/collections/enterprises/items?f=json&limit=1")
    return server
