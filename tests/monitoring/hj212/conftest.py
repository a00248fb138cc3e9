"""Fixtures of the HJ 212 tests: a database holding the demo park's stations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from etl.load import load_file

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo"


@pytest.fixture
def station_engine(engine: Engine) -> Engine:
    """The test's database with the demo stations (AQ-01 has MN 32128322918873)."""
    report = load_file(DEMO / "stations.csv", "stations", engine)
    assert report.rejected == 0
    return engine
