"""`onemap serve` (gunicorn) on the test's own database: statement timeout, graceful shutdown,
JSON log lines. A table lock held by the test makes a request wait as long as the test wants,
so nothing here depends on how fast the machine is."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ONEMAP = str(Path(sys.executable).with_name("onemap"))
ITEMS = "/ogcapi/collections/enterprises/items?limit=5"
TIMEOUT_MS = 400


def wait_for(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def get(url: str, request_id: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"X-Request-Id": request_id or "t"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (ConnectionError, urllib.error.URLError):
        return 0, {}, b""


@dataclass
class Served:
    site: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[Served]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "ONEMAP_DATABASE_URL": db_url,
        "ONEMAP_STATEMENT_TIMEOUT_MS": str(TIMEOUT_MS),
        "ONEMAP_GRACEFUL_TIMEOUT_S": "30",
    }
    env.pop("ONEMAP_PUBLIC_URL", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [ONEMAP, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=out,
        )
    site = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: process.poll() is not None or get(site + "/healthz")[0] == 200, 90, "serve"
        )
        assert process.poll() is None, log.read_text()
        yield Served(site, process, log)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(60)


def _lock_enterprises(db_url: str) -> psycopg.Connection:
    """A connection holding an exclusive lock on ``enterprises`` until it is closed."""
    holder = psycopg.connect(_libpq(db_url))
    holder.execute("LOCK TABLE enterprises IN ACCESS EXCLUSIVE MODE")
    return holder


def _waiting_on_lock(db_url: str) -> bool:
    with psycopg.connect(_libpq(db_url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'onemap-geoapi' "
            "AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


def test_a_query_past_the_statement_timeout_is_a_504(served: Served, db_url: str) -> None:
    assert get(served.site + ITEMS)[0] == 200
    holder = _lock_enterprises(db_url)
    try:
        status, _, body = get(served.site + ITEMS)
    finally:
        holder.close()
    assert status == 504, body[:300]
    document = json.loads(body)
    assert document["code"] == "Timeout"
    assert "查询超时" in document["description"] and "narrow it" in document["description"]
    assert get(served.site + ITEMS)[0] == 200, "the connection is usable again"


def test_a_stop_lets_the_request_in_flight_finish(db_url: str, tmp_path: Path) -> None:
    """SIGTERM (systemctl stop/restart) while a request waits: it is answered, then the server
    exits cleanly. Here the statement timeout is long, so the request waits for the lock."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ONEMAP_DATABASE_URL": db_url, "ONEMAP_STATEMENT_TIMEOUT_MS": "60000"}
    env.pop("ONEMAP_PUBLIC_URL", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [ONEMAP, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=out,
        )
    site = f"http://127.0.0.1:{port}"
    answers: list[tuple[int, dict[str, str], bytes]] = []
    holder = None
    try:
        wait_for(lambda: process.poll() is not None or get(site + "/healthz")[0] == 200, 90, "up")
        assert process.poll() is None, log.read_text()
        holder = _lock_enterprises(db_url)
        request = threading.Thread(target=lambda: answers.append(get(site + ITEMS, "inflight")))
        request.start()
        wait_for(lambda: _waiting_on_lock(db_url), 30, "the request to wait on the lock")
        process.send_signal(signal.SIGTERM)
        wait_for(lambda: "Handling signal: term" in log.read_text(), 30, "the stop to begin")
        holder.close()
        holder = None
        request.join(60)
        assert process.wait(60) == 0
    finally:
        if holder is not None:
            holder.close()
        if process.poll() is None:
            process.kill()
            process.wait(30)
    assert answers and answers[0][0] == 200, answers
    assert answers[0][1]["X-Request-Id"] == "inflight"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    logged = [entry for entry in lines if entry.get("request_id") == "inflight"]
    assert logged and logged[0]["status"] == 200 and logged[0]["logger"] == "onemap.access"
