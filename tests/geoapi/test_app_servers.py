"""Two app servers (``onemap serve``: gunicorn, on two loopback ports) on one database serve the
same users: a session made on one is known to the other and ended on both by one sign-out,
failed sign-ins count on both, and the /events stream of either carries what any process
announces (state in PostgreSQL, LISTEN/NOTIFY for the stream)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from accounts import store
from etl.load import load_file
from monitoring.events import notify

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
PASSWORD = "correct-horse-battery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(condition, what: str, timeout_s: float = 120):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


def _request(
    root: str,
    path: str,
    body: dict[str, str] | None = None,
    cookie: str | None = None,
    csrf: str | None = None,
) -> tuple[int, dict[str, object], str | None]:
    """(status, JSON body, the onemap_session cookie set) of one request."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(root + path, data=data, method="POST" if data else "GET")
    if data:
        request.add_header("Content-Type", "application/json")
    if cookie:
        request.add_header("Cookie", f"onemap_session={cookie}")
    if csrf:
        request.add_header("X-CSRF-Token", csrf)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, text, headers = error.code, error.read(), error.headers
    except OSError:
        return 0, {}, None
    session = None
    for header in headers.get_all("Set-Cookie") or []:
        if header.startswith("onemap_session="):
            session = header.split(";")[0].split("=", 1)[1]
    return status, json.loads(text or b"{}"), session


@pytest.fixture
def two_servers(db_url: str) -> Iterator[tuple[str, str]]:
    """The roots of two `onemap serve` processes on the test's database, with the demo
    stations and a staff user."""
    engine = sa.create_engine(db_url)
    assert load_file(DEMO / "stations.csv", "stations", engine).rejected == 0
    store.add_user(engine, "staff1", "staff", [], PASSWORD)
    engine.dispose()
    onemap = str(Path(sys.executable).with_name("onemap"))
    servers, roots = [], []
    try:
        for _ in range(2):
            port = _free_port()
            root = f"http://127.0.0.1:{port}"
            env = {
                **os.environ,
                "ONEMAP_DATABASE_URL": db_url,
                "ONEMAP_PUBLIC_URL": f"{root}/ogcapi",
            }
            servers.append(
                subprocess.Popen(
                    [onemap, "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            roots.append(root)
        for root in roots:
            _wait_for(lambda r=root: _request(r, "/healthz")[0] == 200, f"{root} to start")
        yield roots[0], roots[1]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(60)


def test_a_session_is_everyone_s(two_servers: tuple[str, str]) -> None:
    a, b = two_servers
    status, body, cookie = _request(a, "/login", {"login": "staff1", "password": PASSWORD})
    assert status == 200 and cookie
    assert _request(b, "/me", cookie=cookie)[1]["login"] == "staff1"
    assert _request(a, "/me", cookie=cookie)[1]["login"] == "staff1"
    # signed out on B: A (which has the session cached) refuses it at once, as B does
    assert _request(b, "/logout", {}, cookie, str(body["csrf_token"]))[0] == 200
    _wait_for(lambda: _request(a, "/me", cookie=cookie)[0] == 401, "A to forget", 2)
    assert _request(b, "/me", cookie=cookie)[0] == 401


def test_failed_sign_ins_count_on_every_server(two_servers: tuple[str, str]) -> None:
    a, b = two_servers
    statuses = [
        _request(root, "/login", {"login": "staff1", "password": "wrong"})[0] for root in (a, b, a)
    ]
    assert statuses == [401, 401, 401]
    # the fourth failure in a row must wait, whichever server is asked
    status, body, _ = _request(b, "/login", {"login": "staff1", "password": PASSWORD})
    assert status == 429, body


def test_the_event_stream_of_either_server_carries_a_notice(
    two_servers: tuple[str, str], db_url: str
) -> None:
    streams = []
    for root in two_servers:
        connection = http.client.HTTPConnection(root.removeprefix("http://"), timeout=30)
        connection.request("GET", "/events")
        response = connection.getresponse()
        assert response.status == 200
        # the snapshot comes once the hub LISTENs
        _wait_for(lambda r=response: b"event: snapshot" in r.readline(), "a snapshot", 30)
        streams.append((connection, response))
    engine = sa.create_engine(db_url)
    values = pd.DataFrame(
        {
            "station_code": ["AQ-01"],
            "time": [pd.Timestamp("2026-12-03T08:00:00Z")],
            "parameter": ["a21026"],
            "value": [12.5],
            "unit": ["ug/m3"],
            "flag": ["N"],
        }
    )
    with engine.begin() as connection:  # as the HJ 212 listener, a third process, does
        assert notify(connection, [], values) == 1
    engine.dispose()
    try:
        for _, response in streams:
            _wait_for(lambda r=response: b"event: values" in r.readline(), "the values", 30)
            data = response.readline()
            assert b"AQ-01" in data and b"12.5" in data
    finally:
        for connection, _ in streams:
            connection.close()
