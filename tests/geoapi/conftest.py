"""Fixtures of the OGC API tests, on the session's demo-park database and live app
(``demo_db_url`` and ``live_site`` in tests/conftest.py): loading the demo takes about 15 s, so
it is made once and every API test only reads it. The app is served over real HTTP on
127.0.0.1, so GDAL and OWSLib talk to it as to any server.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from onemap.database import engine_for


@pytest.fixture(scope="session")
def live_api(live_site: tuple[str, Flask]) -> tuple[str, Flask]:
    """``(landing page URL, app)`` of the API served on 127.0.0.1 in a thread."""
    root, app = live_site
    return root + "/ogcapi", app


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
