"""Fixtures of the case tests: the session's live app on the demo park (tests/conftest.py).
Each test creates the cases it works on and touches no other rows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from cases.documents import ENV_DIR
from onemap.database import engine_for


@pytest.fixture
def client(live_site: tuple[str, Flask]) -> FlaskClient:
    """Flask's test client on the live app."""
    return live_site[1].test_client()


@pytest.fixture
def demo_engine(demo_db_url: str) -> sa.Engine:
    """The pooled engine on the demo database, for checking what the API stored."""
    return engine_for(demo_db_url)


@pytest.fixture(scope="session", autouse=True)
def documents_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The documents' store of the session's app: a directory of the test run's own."""
    root = tmp_path_factory.mktemp("documents")
    previous = os.environ.get(ENV_DIR)
    os.environ[ENV_DIR] = str(root)
    yield root
    if previous is None:
        os.environ.pop(ENV_DIR, None)
    else:
        os.environ[ENV_DIR] = previous
