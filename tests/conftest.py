"""Test fixtures: a real PostGIS, and a fresh migrated database for every test that asks.

The server is ONEMAP_DATABASE_URL's (its role needs CREATEDB) or the project's own cluster,
started here exactly as `onemap db up` starts it. A template database is migrated to head once
per session; each test gets its own copy (CREATE DATABASE ... TEMPLATE), so tests are isolated
even when the code under test commits, and CLI subprocesses can be pointed at it. When PostGIS
cannot be started the tests fail: they never skip.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from onemap import cluster, migrate
from onemap.database import ENV_URL, normalise_url

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
