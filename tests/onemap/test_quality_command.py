"""`onemap quality` judges a window and writes its tables, each event with its ready trace."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from click.testing import CliRunner, Result

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
    assert {"daily_aqi.csv", "hourly_aqi.csv", "water_classes.csv", "status.csv"} <= {
        p.name for p in out.iterdir()
    }
    hourly = pd.read_csv(out / "hourly_aqi.csv", encoding="utf-8-sig")
    # SO₂ 1 h 620 (2012): 50/150·120 + 100 = 140; 20: 50/150·20 = 6.7 → 7.
    assert hourly["aqi"].tolist() == [7] * 5 + [140] + [7] * 18
    assert "AQ-01    2025-03-01 23:00 AQI    7  -" in result.output

    # --store: the event is in the exceedances layer at the station, the status on the station
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT e.peak, e.trace_process, ST_Equals(e.geom, s.geom) FROM exceedances e "
                "JOIN stations s ON s.code = e.station_code WHERE e.period = '1h'"
            )
        ).all()
        status = conn.execute(
            sa.text(
                "SELECT status, latest_values, aqi, aqi_time, primary_pollutant FROM stations "
                "WHERE code = 'AQ-01'"
            )
        ).one()
    assert stored == [(620.0, "wind-sector-trace", True)], result.output
    assert status.status == "normal"  # the event ended at 05:00; the latest hour, 23:00, is fine
    assert status.latest_values == "二氧化硫 20 μg/m³（小时限值 500 μg/m³）"
    # the latest hour's AQI: 7, no primary pollutant at AQI ≤ 50
    assert (status.aqi, status.primary_pollutant) == (7, None)
    assert status.aqi_time == pd.Timestamp("2025-03-01T23:00+08:00")


def test_a_window_without_zone_is_refused(db_url: str) -> None:
    result = CliRunner().invoke(
        quality,
        ["--start", "2025-03-01T00:00", "--end", "2025-03-02T00:00+08:00"],
        env={ENV_URL: db_url},
    )
    assert result.exit_code == 2 and "time zone" in result.output


def _water_station_with_samples(tmp_path: Path, engine: sa.Engine) -> None:
    """A surface-water section sampled every 4 h on 2025-03-01, pH 5.5 in the last sample."""
    assert load_file("data/standards/gb3838.csv", "standard_limits", engine).rejected == 0
    (tmp_path / "stations.csv").write_text(
        "code,name,type,lon,lat\nSW-01,一号断面,surface_water,120.02,32.02\n", encoding="utf-8"
    )
    assert load_file(tmp_path / "stations.csv", "stations", engine).rejected == 0
    rows = [
        f"SW-01,2025-03-01T{h:02d}:00+08:00,{code},{value},{unit},N"
        for h, ph in ((0, 7.2), (4, 7.4), (8, 5.5))
        for code, value, unit in (("w01001", ph, "无量纲"), ("w01009", 6.5, "mg/L"))
    ]
    (tmp_path / "obs.csv").write_text(
        "station_code,time,parameter,value,unit,flag\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    assert load_file(tmp_path / "obs.csv", "observations", engine).rejected == 0


def _judge_and_store(db_url: str, *extra: str) -> Result:
    result = CliRunner().invoke(
        quality,
        ["--start", "2025-03-01T00:00+08:00", "--end", "2025-03-01T16:00+08:00", "--store", *extra],
        env={ENV_URL: db_url},
    )
    engine_for(normalise_url(db_url)).dispose()
    return result


def test_ph_below_6_makes_a_4_hourly_water_station_exceeding_not_offline(
    tmp_path: Path, db_url: str, engine: sa.Engine
) -> None:
    _water_station_with_samples(tmp_path, engine)
    # The window ends 8 h after the last sample: within three 4-hourly cycles.
    result = _judge_and_store(db_url)
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        station = conn.execute(
            sa.text(
                "SELECT status, exceeding_parameters, latest_values FROM stations "
                "WHERE code = 'SW-01'"
            )
        ).one()
        event = conn.execute(
            sa.text("SELECT peak, limit_value FROM exceedances WHERE parameter = 'w01001'")
        ).one()
    assert (station.status, station.exceeding_parameters) == ("exceeding", "w01001")
    assert station.latest_values == "pH值 5.5（限值 6–9）；溶解氧 6.5 mg/L（限值 ≥5 mg/L）"
    assert tuple(event) == (5.5, 6.0)


def test_offline_after_is_set_per_station_type(
    tmp_path: Path, db_url: str, engine: sa.Engine
) -> None:
    _water_station_with_samples(tmp_path, engine)
    result = _judge_and_store(db_url, "--offline-after", "surface_water=6h")
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        status = conn.execute(sa.text("SELECT status FROM stations WHERE code = 'SW-01'"))
        assert status.scalar_one() == "offline"


def test_a_bad_offline_after_is_refused_with_the_types(db_url: str) -> None:
    for bad, message in (
        ("river=12h", "TYPE one of air,"),
        ("surface_water=12", "positive duration with a unit"),
        ("surface_water=-2h", "positive duration with a unit"),
    ):
        result = _judge_and_store(db_url, "--offline-after", bad)
        assert result.exit_code == 2 and message in result.output, result.output
        assert "Traceback" not in result.output
