"""Test fixtures: a real PostGIS, and a fresh migrated database for every test that asks.

The server is ONEMAP_DATABASE_URL's (its role needs CREATEDB) or the project's own cluster,
started here exactly as `onemap db up` starts it. A template database is migrated to head once
per session; each test gets its own copy (CREATE DATABASE ... TEMPLATE), so tests are isolated
even when the code under test commits, and CLI subprocesses can be pointed at it. The API and
page tests share one read-only database with the demo park loaded and one live app. When PostGIS
cannot be started the tests fail: they never skip.
"""

from __future__ import annotations

import http.server
import itertools
import json
import os
import socket
import threading
import zoneinfo
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email import policy as email_policy
from email.message import Message
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from etl.load import load_file
from etl.parameter_dictionary import write_parameter_dictionary
from geoapi.catalog import dispose_engines
from layers import REGISTRY
from monitoring.campaigns import judge_stored
from monitoring.from_exceedances import alerts_from_exceedances
from monitoring.quality.judge import judge
from monitoring.quality.store import store_judgement
from onemap import cluster, migrate
from onemap.commands.demo import layer_file
from onemap.database import ENV_URL, engine_for, normalise_url
from sources.store import store_sources

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "demo"
STANDARDS_DIR = DEMO_DIR.parent / "standards"

_counter = itertools.count()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def server_url() -> str:
    """A URL on the PostGIS server the tests use (its maintenance database)."""
    if os.environ.get(ENV_URL):
        return _with_database(normalise_url(os.environ[ENV_URL]), "postgres")
    own = cluster.Cluster.default()
    own.up()
    return own.url("postgres")


@pytest.fixture(scope="session")
def template_db(server_url: str) -> Iterator[str]:
    """A database migrated to head, used as the template of every test database."""
    name = f"onemap_test_template_{os.getpid()}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(server_url, name)
    migrate.upgrade(url)
    yield name
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_url(server_url: str, template_db: str) -> Iterator[str]:
    """The URL of a fresh database at schema head, dropped after the test."""
    name = f"onemap_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield _with_database(server_url, name)
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A SQLAlchemy engine on the test's own database."""
    eng = create_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def cli_env(db_url: str) -> dict[str, str]:
    """Environment for running the `onemap` console script against the test's database."""
    return {**os.environ, ENV_URL: db_url}


@pytest.fixture(scope="session")
def demo_db_url(server_url: str, template_db: str) -> Iterator[str]:
    """A database at schema head with the whole demo park, the standards and the judgement of
    the demo year loaded, as `make demo` leaves it (read-only for the tests)."""
    name = f"onemap_test_demo_{os.getpid()}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    engine = engine_for(url)
    for layer in REGISTRY:
        path = layer_file(DEMO_DIR, layer.id)
        if path is not None:
            report = load_file(path, layer.id, engine)
            assert report.rejected == 0, f"{layer.id}: {report.rejected} demo rows rejected"
    for path in sorted(STANDARDS_DIR.glob("*.csv")):
        assert load_file(path, "standard_limits", engine).rejected == 0, path.name
    write_parameter_dictionary(engine)  # as `onemap standards load` does
    # As `make demo` does: judge the demo year, store its events and the stations' status.
    start, end = pd.Timestamp("2025-01-01T00:00+08:00"), pd.Timestamp("2026-01-01T00:00+08:00")
    judged = judge(engine, start, end)
    store_judgement(engine, judged, start, end, as_of=end)
    with engine.begin() as connection:  # as `onemap quality --store` does
        alerts_from_exceedances(
            connection, start.to_pydatetime(), end.to_pydatetime(), end.to_pydatetime()
        )
    store_sources(engine, start, end, as_of=end, observations=judged.observations)
    with engine.begin() as connection:  # as `onemap campaigns judge` does
        judge_stored(connection, zoneinfo.ZoneInfo("Asia/Shanghai"))
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    yield url
    dispose_engines()
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _Dispatch:
    """The WSGI app the server starts with; the real app is set once its port is known."""

    app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def live_site(demo_db_url: str) -> Iterator[tuple[str, Flask]]:
    """``(http://127.0.0.1:PORT, app)``: the whole app (page at /, API at /ogcapi) on the demo
    park, served by werkzeug's threaded server in a thread. One app per session: pygeoapi's
    configuration is process-global."""
    from geoapi.app import create_app

    dispatch = _Dispatch()
    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    try:
        root = f"http://127.0.0.1:{server.server_port}"
        dispatch.app = create_app(demo_db_url, root + "/ogcapi")
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield root, dispatch.app
        server.shutdown()
        thread.join(10)
    finally:
        server.server_close()


PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def demo_accounts(demo_db_url: str) -> dict[str, Any]:
    """Accounts on the demo park, with a token each: two enterprise users (A and B, the first
    two enterprises), staff and admin. ``headers[name]`` sends that user's bearer token;
    ``codes`` are A's and B's credit codes."""
    from accounts import store

    engine = engine_for(demo_db_url)
    with engine.connect() as connection:
        codes = (
            connection.exec_driver_sql("SELECT credit_code FROM enterprises ORDER BY id LIMIT 2")
            .scalars()
            .all()
        )
    users = {"ent_a": ("enterprise", [codes[0]]), "ent_b": ("enterprise", [codes[1]])}
    users |= {"staff": ("staff", []), "admin": ("admin", [])}
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    tokens: dict[str, str] = {}
    for login, (role, enterprises) in users.items():
        if not store.user_exists(engine, login):
            store.add_user(engine, login, role, enterprises, PASSWORD)
        token_id, token = store.create_token(engine, login, name="tests")
        tokens[login] = token_id
        headers[login] = {"Authorization": f"Bearer {token}"}
    return {"headers": headers, "codes": {"ent_a": codes[0], "ent_b": codes[1]}, "tokens": tokens}


# --- Real receivers for notifications: an SMTP server (aiosmtpd) and a webhook endpoint ---


def closed_port() -> int:
    """A local port nothing listens on (just released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MailInbox:
    """aiosmtpd handler keeping every message received; ``port`` is the server's."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=email_policy.default))
            self.arrived.notify_all()
        return "250 OK"

    def wait(self, count: int, timeout_s: float = 15) -> list[Message]:
        """The messages once there are ``count`` (fails after ``timeout_s``)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout_s)
            return list(self.messages)


@pytest.fixture
def mail_server() -> Iterator[MailInbox]:
    """A real SMTP server on 127.0.0.1 for the test; its inbox."""
    inbox = MailInbox()
    inbox.port = closed_port()  # aiosmtpd checks its server by connecting to the given port
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


class WebhookReceiver(http.server.ThreadingHTTPServer):
    """A webhook endpoint: keeps the JSON bodies; answers ``status`` (500: fails)."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        self.arrived = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                with receiver.arrived:
                    receiver.bodies.append(body)
                    receiver.arrived.notify_all()
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def wait(self, count: int, timeout_s: float = 15) -> list[dict[str, Any]]:
        """The bodies once there are ``count`` (fails after ``timeout_s``)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout_s)
            return list(self.bodies)


@pytest.fixture
def webhook_receiver() -> Iterator[Callable[..., WebhookReceiver]]:
    """A factory of local webhook endpoints (``webhook_receiver(status=500)``), all shut down
    after the test."""
    made: list[WebhookReceiver] = []

    def make(status: int = 200) -> WebhookReceiver:
        made.append(WebhookReceiver(status))
        return made[-1]

    yield make
    for receiver in made:
        receiver.shutdown()
        receiver.server_close()
