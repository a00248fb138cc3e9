"""The judgement of the demo year as `make demo` stores it (tests/conftest.py's demo database):
the SO₂ episode is an event with its trace, air stations carry their hourly AQI, and 4-hourly
water sections are not offline between samples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

EPISODES = json.loads(
    (Path(__file__).resolve().parents[3] / "data" / "demo" / "episodes.json").read_text(
        encoding="utf-8"
    )
)["episodes"]


def test_the_so2_episode_at_aq01_is_a_1h_exceedance_with_a_wind_sector_trace(
    demo_db_url: str,
) -> None:
    episode = next(e for e in EPISODES if e["id"] == "EP-AIR-01")
    engine = sa.create_engine(demo_db_url)
    with engine.connect() as conn:
        events = conn.execute(
            sa.text(
                "SELECT start_time, end_time, peak, limit_value, trace_process, trace_inputs "
                "FROM exceedances WHERE station_code = 'AQ-01' AND parameter = 'a21026' "
                "AND period = '1h'"
            )
        ).all()
    engine.dispose()
    assert len(events) == 1
    event = events[0]
    start, end = datetime.fromisoformat(episode["start"]), datetime.fromisoformat(episode["end"])
    assert start <= event.start_time < event.end_time <= end  # within the injected hours
    assert event.limit_value == 500 and event.peak > 500
    assert event.trace_process == "wind-sector-trace"
    assert json.loads(event.trace_inputs)["pollutant"] == "a21026"


def test_air_stations_show_the_last_hours_aqi_and_water_sections_are_online(
    demo_db_url: str,
) -> None:
    engine = sa.create_engine(demo_db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT code, type, status, aqi, aqi_time FROM stations ORDER BY code")
        ).all()
    engine.dispose()
    air = [r for r in rows if r.type == "air"]
    assert len(air) == 4
    last_hour = datetime.fromisoformat("2025-12-31T23:00:00+08:00")
    assert all(r.aqi is not None and r.aqi >= 0 and r.aqi_time == last_hour for r in air)
    assert all(r.aqi is None for r in rows if r.type != "air")
    water = [r.status for r in rows if r.type == "surface_water"]
    assert len(water) == 3 and "offline" not in water  # last sample 20:00, judged at 24:00


def test_every_event_names_the_bound_it_crossed(demo_db_url: str) -> None:
    engine = sa.create_engine(demo_db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT parameter, bound, peak, limit_value FROM exceedances"))
        events = rows.all()
    engine.dispose()
    assert events
    for event in events:
        assert event.bound == ("lower" if event.peak < event.limit_value else "upper"), event
