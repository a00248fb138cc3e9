"""Fixtures of the OGC API tests: one demo-park database and one live server per session.

Loading the demo takes about 15 s (383k observations), so the database is made once per session
from the migrated template and every API test reads it; no API test writes. The app is served by
werkzeug's threaded WSGI server on 127.0.0.1 and a free port, so GDAL and OWSLib talk real HTTP.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from etl.load import load_file
from geoapi.catalog import dispose_engines
from layers import REGISTRY
from onemap.commands.demo import layer_file
from onemap.database import engine_for

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def demo_db_url(server_url: str, template_db: str) -> Iterator[str]:
    """A database at schema head with the whole demo park loaded (read-only for the tests)."""
    name = f"onemap_geoapi_demo_{os.getpid()}"
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
def live_api(demo_db_url: str) -> Iterator[tuple[str, Flask]]:
    """``(landing page URL, app)`` of the API served on 127.0.0.1 in a thread."""
    from geoapi.app import create_app

    dispatch = _Dispatch()
    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}/ogcapi"
    dispatch.app = create_app(demo_db_url, url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, dispatch.app
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.fixture(scope="session")
def api_url(live_api: tuple[str, Flask]) -> str:
    return live_api[0]


@pytest.fixture
def client(live_api: tuple[str, Flask]) -> FlaskClient:
    """Flask's test client on the same app (no socket), for the request/response tests."""
    return live_api[1].test_client()


@pytest.fixture(scope="session")
def demo_counts(demo_db_url: str) -> dict[str, int]:
    """Row count of every collection's table, from the database itself."""
    from geoapi.query import collection_layers

    engine = engine_for(demo_db_url)
    with engine.connect() as connection:
        counts = {
            layer.id: connection.exec_driver_sql(f'SELECT count(*) FROM "{layer.id}"').scalar_one()
            for layer in collection_layers()
        }
    engine.dispose()
    return counts
