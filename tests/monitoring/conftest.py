"""Fixtures of the monitoring tests: a database holding the demo park's stations."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from etl.load import load_file

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture
def station_engine(engine: Engine) -> Engine:
    """The test's database with the demo stations (AQ-01 has MN 32128322918873)."""
    report = load_file(DEMO / "stations.csv", "stations", engine)
    assert report.rejected == 0
    return engine


STANDARDS = Path(__file__).resolve().parents[2] / "data" / "standards"


@pytest.fixture
def park_engine(engine: Engine) -> Engine:
    """The test's database with the demo enterprises, rivers, sewers, outfalls, stations and
    the standards' limits (what judging reads)."""
    for layer_id, name in (
        ("enterprises", "enterprises.csv"),
        ("rivers", "rivers.geojson"),
        ("sewer_nodes", "sewer_nodes.geojson"),
        ("outfalls", "outfalls.csv"),
        ("stations", "stations.csv"),
    ):
        report = load_file(DEMO / name, layer_id, engine)
        assert report.rejected == 0, (layer_id, report.rejected)
    for path in sorted(STANDARDS.glob("*.csv")):
        report = load_file(path, "standard_limits", engine)
        assert report.rejected == 0, path.name
    return engine
