"""The analyses on the demo park (data/demo): the injected episodes' true sources are found.

The demo is loaded once for this module into a database of its own, with all layers but only
the observations the tracings read: the met station's wind and, around each air episode, the
affected station's record.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from analytics.registry import run_analysis
from etl.load import load_file

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
LAYERS = ("park", "zones", "enterprises", "rivers", "sewer_nodes", "sewer_pipes", "outfalls",
          "receptors", "stations", "hazard_sources", "emergency_supplies", "shelters",
          "emergency_teams", "risk_control_points", "cameras")  # fmt: skip
SUFFIXES = (".geojson", ".csv")
EPISODES: list[dict[str, Any]] = (
    json.loads((DEMO / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    if (DEMO / "episodes.json").is_file()
    else []
)
AIR = [e for e in EPISODES if e["medium"] == "air"]
WATER = [e for e in EPISODES if e["medium"] == "water"]


def _libpq(url: str, database: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql", database=database)
        .render_as_string(hide_password=False)
    )


def _observations(target: Path) -> None:
    """The met station's wind, and each air episode's station a day either side of it."""
    windows = [
        (
            e["affected"]["station_code"],
            datetime.fromisoformat(e["start"]) - timedelta(days=1),
            datetime.fromisoformat(e["end"]) + timedelta(days=1),
        )
        for e in AIR
    ]
    with gzip.open(DEMO / "observations.csv.gz", "rt", encoding="utf-8") as source:
        rows = csv.DictReader(source)
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=rows.fieldnames or [])
            writer.writeheader()
            for row in rows:
                if row["parameter"] in ("a01007", "a01008"):
                    writer.writerow(row)
                    continue
                time = datetime.fromisoformat(row["time"])
                if any(row["station_code"] == s and a <= time < b for s, a, b in windows):
                    writer.writerow(row)


@pytest.fixture(scope="module")
def demo(
    server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    assert (DEMO / "episodes.json").is_file(), f"the demo park is missing: {DEMO}"
    # Not tests/conftest.py's demo database name: that one lives for the whole session.
    name = f"onemap_test_demo_traces_{os.getpid()}"
    with psycopg.connect(_libpq(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    engine = create_engine(make_url(server_url).set(database=name))
    for layer in LAYERS:
        path = next(DEMO / f"{layer}{s}" for s in SUFFIXES if (DEMO / f"{layer}{s}").is_file())
        assert load_file(path, layer, engine).rejected == 0
    observations = tmp_path_factory.mktemp("demo") / "observations.csv"
    _observations(observations)
    assert load_file(observations, "observations", engine).rejected == 0
    yield engine
    engine.dispose()
    with psycopg.connect(_libpq(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _features(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f["properties"] for f in result["features"] if f["properties"].get("kind") == kind]


def _rank(candidates: list[dict[str, Any]], outfall_code: str) -> int | None:
    return next((c["rank"] for c in candidates if c["outfall_code"] == outfall_code), None)


def test_the_demo_has_air_and_water_episodes() -> None:
    assert len(AIR) >= 2 and len(WATER) >= 1


@pytest.mark.parametrize("episode", AIR, ids=lambda e: e["id"])
def test_wind_sector_trace_ranks_the_true_stack_near_the_top(
    demo: Engine, episode: dict[str, Any]
) -> None:
    params = {
        "receptor": f"station:{episode['affected']['station_code']}",
        "start": episode["start"],
        "end": episode["end"],
        "pollutant": episode["pollutant"],
    }
    result = run_analysis("wind-sector-trace", params, demo)
    candidates = _features(result, "candidate")

    rank = _rank(candidates, episode["source"]["outfall_code"])
    assert rank is not None and rank <= 5, [c["outfall_code"] for c in candidates[:8]]
    assert result["missing_hours"] == []


@pytest.mark.parametrize("episode", AIR, ids=lambda e: e["id"])
def test_back_trajectory_passes_the_true_stack(demo: Engine, episode: dict[str, Any]) -> None:
    arrival = datetime.fromisoformat(episode["start"]) + timedelta(hours=1)
    params = {
        "receptor": f"station:{episode['affected']['station_code']}",
        "arrival_time": arrival.isoformat(),
        "hours": 2,
        "pollutant": episode["pollutant"],
    }
    candidates = _features(run_analysis("back-trajectory", params, demo), "candidate")

    rank = _rank(candidates, episode["source"]["outfall_code"])
    assert rank is not None and rank <= 5, [c["outfall_code"] for c in candidates[:8]]


@pytest.mark.parametrize("episode", WATER, ids=lambda e: e["id"])
def test_upstream_of_the_monitoring_well_lists_the_dumping_enterprise(
    demo: Engine, episode: dict[str, Any]
) -> None:
    expected = episode["expected"]
    params = {
        "network": "sewer",
        "start": f"node:{expected['sewer_node']}",
        "max_distance_m": 50000,
    }
    result = run_analysis("network-trace", params, demo)
    enterprises = {e["credit_code"]: e for e in _features(result, "enterprise")}

    source = enterprises[episode["source"]["credit_code"]]
    assert source["distance_m"] == pytest.approx(expected["network_distance_m"], abs=1.0)
    # The generator counts every enterprise with a connection well upstream; some of them
    # have no registered wastewater outfall, so only the wells are compared one to one.
    wells = [n for n in _features(result, "node") if n["node_kind"] == "connection_well"]
    assert len(wells) == expected["enterprises_upstream"]
    assert len(enterprises) <= len(wells)
    assert result["network_summary"]["loops"]["count"] == 0


def test_upstream_of_the_wwtp_inlet_sees_the_whole_sewage_network(demo: Engine) -> None:
    with demo.connect() as conn:
        inlet = conn.exec_driver_sql(
            "SELECT code FROM sewer_nodes WHERE kind = 'wwtp_inlet'"
        ).scalar_one()
    result = run_analysis(
        "network-trace", {"network": "sewer", "start": inlet, "max_distance_m": 50000}, demo
    )

    assert len(_features(result, "enterprise")) >= 50
    assert result["network_summary"]["disconnected_pieces"] == 0


def test_receptor_screening_of_the_park(demo: Engine) -> None:
    result = run_analysis("receptor-screening", {"site": "park"}, demo)

    distances = [f["properties"]["distance_m"] for f in result["features"]]
    assert distances and distances == sorted(distances) and max(distances) <= 5000
    assert result["population"]["available"] is True
    assert result["population"]["raster"].endswith("population.tif")
    assert result["population"]["population"] > 0
    assert result["protection_zones"]["nearest"] is not None


def test_emergency_response_at_the_most_severe_installation(demo: Engine) -> None:
    """At the demo's level-1 installation, in a windy hour: people downwind, the spill's way
    down the rain sewer and its gates, help and cameras, and a summary in both languages."""
    sources = json.loads((DEMO / "hazard_sources.geojson").read_text(encoding="utf-8"))
    worst = min(
        sources["features"], key=lambda f: (f["properties"]["level"], f["properties"]["code"])
    )
    site = json.dumps(worst["geometry"])
    result = run_analysis(
        "emergency-response", {"site": site, "time": "2025-07-15T10:20:00+08:00"}, demo
    )
    assert result["wind"]["hour"] == "2025-07-15T10:00:00+08:00" and not result["wind"]["calm"]
    assert result["water"]["systems"] and result["water"]["systems"][0]["nodes_reached"] > 0
    for kind in ("shelter", "depot", "team", "camera", "hazard_source"):
        assert _features(result, kind), kind
    codes = [h["code"] for h in _features(result, "hazard_source")]
    assert worst["properties"]["code"] in codes
    assert "下风向" in result["summary_zh"] and "downwind" in result["summary_en"]
