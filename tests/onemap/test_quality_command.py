"""`onemap quality` judges a window and writes its tables, each event with its ready trace."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from click.testing import CliRunner

from etl.load import load_file
from onemap.commands.quality import quality
from onemap.database import ENV_URL, engine_for, normalise_url


def test_an_so2_hour_above_the_limit_is_an_event_with_a_trace(
    tmp_path: Path, db_url: str, engine: sa.Engine
) -> None:
    assert load_file("data/standards/gb3095.csv", "standard_limits", engine).rejected == 0
    (tmp_path / "stations.csv").write_text(
        "code,name,type,lon,lat\nAQ-01,一号站,air,120.02,32.02\n", encoding="utf-8"
    )
    assert load_file(tmp_path / "stations.csv", "stations", engine).rejected == 0
    # GB 3095-2012 class II SO₂ 1 h limit is 500 μg/m³: one hour at 620.
    rows = "\n".join(
        f"AQ-01,2025-03-01T{h:02d}:00+08:00,a21026,{620 if h == 5 else 20},μg/m³,N"
        for h in range(24)
    )
    (tmp_path / "obs.csv").write_text(
        "station_code,time,parameter,value,unit,flag\n" + rows + "\n", encoding="utf-8"
    )
    assert load_file(tmp_path / "obs.csv", "observations", engine).rejected == 0

    out = tmp_path / "out"
    result = CliRunner().invoke(
        quality,
        [
            "--start",
            "2025-03-01T00:00+08:00",
            "--end",
            "2025-03-02T00:00+08:00",
            "--output-dir",
            str(out),
            "--store",
        ],
        env={ENV_URL: db_url},
        catch_exceptions=False,
    )
    engine_for(normalise_url(db_url)).dispose()
    assert result.exit_code == 0, result.output
    events = pd.read_csv(out / "events.csv", encoding="utf-8-sig")
    hourly = events[(events["parameter"] == "a21026") & (events["period"] == "1h")]
    assert len(hourly) == 1
    event = hourly.iloc[0]
    assert event["peak"] == 620 and event["limit_value"] == 500
    assert event["trace_process"] == "wind-sector-trace"
    inputs = json.loads(event["trace_inputs"])
    assert inputs["receptor"] == "station:AQ-01" and inputs["pollutant"] == "a21026"
    assert {"daily_aqi.csv", "water_classes.csv", "status.csv"} <= {p.name for p in out.iterdir()}

    # --store: the event is in the exceedances layer at the station, the status on the station
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT e.peak, e.trace_process, ST_Equals(e.geom, s.geom) FROM exceedances e "
                "JOIN stations s ON s.code = e.station_code WHERE e.period = '1h'"
            )
        ).all()
        status = conn.execute(
            sa.text("SELECT status, latest_values FROM stations WHERE code = 'AQ-01'")
        ).one()
    assert stored == [(620.0, "wind-sector-trace", True)], result.output
    assert status.status == "normal"  # the event ended at 05:00; the latest hour, 23:00, is fine
    assert status.latest_values == "二氧化硫 20 μg/m³（小时限值 500 μg/m³）"


def test_a_window_without_zone_is_refused(db_url: str) -> None:
    result = CliRunner().invoke(
        quality,
        ["--start", "2025-03-01T00:00", "--end", "2025-03-02T00:00+08:00"],
        env={ENV_URL: db_url},
    )
    assert result.exit_code == 2 and "time zone" in result.output
