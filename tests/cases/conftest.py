"""Fixtures of the case tests: the session's live app on the demo park (tests/conftest.py).
Each test creates the cases it works on and touches no other rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from onemap.database import engine_for


@pytest.fixture
def client(live_site: tuple[str, Flask]) -> FlaskClient:
    """Flask's test client on the live app."""
    return live_site[1].test_client()


@pytest.fixture
def demo_engine(demo_db_url: str) -> sa.Engine:
    """The pooled engine on the demo database, for checking what the API stored."""
    return engine_for(demo_db_url)
