"""Fixtures of the report tests: the session's demo park (tests/conftest.py), the ``onemap``
command pointed at it, and a clean runs table around each test (the tests own the runs and
notices they make; nothing else in the demo database is written)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from onemap.database import ENV_URL, engine_for

ONEMAP = str(Path(sys.executable).with_name("onemap"))


@pytest.fixture
def demo_engine(demo_db_url: str) -> sa.Engine:
    """The pooled engine on the demo database."""
    return engine_for(demo_db_url)


@pytest.fixture
def clean_runs(demo_engine: sa.Engine) -> Iterator[None]:
    """No report run before or after the test."""
    with demo_engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM report_runs")
    yield
    with demo_engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM report_runs")


@pytest.fixture
def onemap(demo_db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``onemap ARGS`` on the demo database; the completed process."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, ENV_URL: demo_db_url, "ONEMAP_REPORTS_DIR": str(tmp_path)}
        return subprocess.run(
            [ONEMAP, *args],
            capture_output=True,
            text=True,
            env={**environment, **(env or {})},
            timeout=600,
            check=False,
        )

    return run
