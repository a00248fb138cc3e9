"""Loads per outfall, checked by hand: concentration × flow, the device's Cou first,
flow-weighted means, local days and months."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from monitoring.quality.judge import read_observations
from sources.errors import SourceError
from sources.loads import discharge_loads, hourly_loads, period_loads
from sources.store import store_sources


def hour_rows(rows: list[tuple[str, str, str, float, str, float | None]]) -> pd.DataFrame:
    """(station, parameter, local hour, value, unit, cou) rows as the hourly query returns them."""
    frame = pd.DataFrame(
        rows, columns=["station_code", "parameter", "hour", "value", "unit", "cou"]
    )
    frame["hour"] = pd.to_datetime(frame["hour"])
    frame["cou"] = frame["cou"].astype(float)
    return frame


def test_water_load_is_concentration_times_flow() -> None:
    # 100 mg/L × 10 L/s × 3600 s = 3.6 kg in the hour
    hourly = hour_rows(
        [
            ("D", "w01018", "2025-05-01 10:00", 100.0, "mg/L", None),
            ("D", "w00000", "2025-05-01 10:00", 10.0, "L/s", None),
        ]
    )
    loads = hourly_loads(hourly)
    assert len(loads) == 1
    assert loads.iloc[0]["load_kg"] == pytest.approx(3.6)
    assert loads.iloc[0]["volume_m3"] == pytest.approx(36.0)
    assert not loads.iloc[0]["from_cou"]


def test_exhaust_load_and_the_devices_cou_comes_first() -> None:
    # NMHC 50 mg/m³ × 20 000 m³/h = 1 kg; the second hour the device says 0.8 kg (Cou)
    hourly = hour_rows(
        [
            ("S", "a24088", "2025-05-01 10:00", 50.0, "mg/m³", None),
            ("S", "a00000", "2025-05-01 10:00", 20000.0, "m³/h", None),
            ("S", "a24088", "2025-05-01 11:00", 50.0, "mg/m³", 0.8),
            ("S", "a00000", "2025-05-01 11:00", 20000.0, "m³/h", None),
        ]
    )
    loads = hourly_loads(hourly).sort_values("hour")
    assert list(loads["load_kg"]) == pytest.approx([1.0, 0.8])
    assert list(loads["from_cou"]) == [False, True]


def test_an_hour_without_flow_and_ph_have_no_load() -> None:
    hourly = hour_rows(
        [
            ("D", "w01018", "2025-05-01 10:00", 100.0, "mg/L", None),
            ("D", "w01001", "2025-05-01 11:00", 7.2, "", None),
            ("D", "w00000", "2025-05-01 11:00", 10.0, "L/s", None),
        ]
    )
    assert hourly_loads(hourly).empty


def test_daily_sums_split_at_local_midnight_with_a_flow_weighted_mean() -> None:
    # 1 May 22:00 100 mg/L at 10 L/s (3.6 kg, 36 m³), 23:00 200 mg/L at 30 L/s (21.6 kg, 108 m³):
    # 25.2 kg over 144 m³ = 175 mg/L (the plain mean would be 150); 2 May 00:00 goes to 2 May.
    hourly = hour_rows(
        [
            ("D", "w01018", "2025-05-01 22:00", 100.0, "mg/L", None),
            ("D", "w00000", "2025-05-01 22:00", 10.0, "L/s", None),
            ("D", "w01018", "2025-05-01 23:00", 200.0, "mg/L", None),
            ("D", "w00000", "2025-05-01 23:00", 30.0, "L/s", None),
            ("D", "w01018", "2025-05-02 00:00", 100.0, "mg/L", None),
            ("D", "w00000", "2025-05-02 00:00", 10.0, "L/s", None),
        ]
    )
    days = period_loads(hourly_loads(hourly), "day").set_index("period_start")
    first = days.loc[pd.Timestamp("2025-05-01").date()]
    assert first["load_kg"] == pytest.approx(25.2) and first["volume_m3"] == pytest.approx(144.0)
    assert first["mean_concentration"] == pytest.approx(175.0) and first["hours"] == 2
    assert days.loc[pd.Timestamp("2025-05-02").date()]["load_kg"] == pytest.approx(3.6)
    month = period_loads(hourly_loads(hourly), "month")
    assert len(month) == 1 and month.iloc[0]["load_kg"] == pytest.approx(28.8)
    assert month.iloc[0]["period_start"] == pd.Timestamp("2025-05-01").date()


def test_an_unknown_interval_is_refused() -> None:
    with pytest.raises(SourceError, match="unknown interval"):
        period_loads(hourly_loads(hour_rows([])), "week")


def test_stored_loads_are_a_collection_and_the_outfall_popup_lines(
    park: Any, engine: sa.Engine
) -> None:
    credit = park.enterprise("化工甲", park.at(0, 0))
    park.outfall(
        "X-DW001",
        credit,
        park.at(0, 0),
        kind="wastewater",
        pollutants=["w01018", "w00000"],
        standard="GB 8978",
        standard_class="三级",
    )
    park.station("D", park.at(90, 20), kind="source_online")
    park.insert(
        "standard_limits",
        standard="GB 8978",
        edition="1996",
        parameter="w01018",
        quality_class="三级",
        period="24h",
        bound="upper",
        limit_value=500.0,
        unit="mg/L",
        valid_from=datetime(1998, 1, 1).date(),
    )
    park.hourly("D", "w01018", [100.0] * 48, park.DAY, "mg/L")
    park.hourly("D", "w00000", [10.0] * 48, park.DAY, "L/s")
    park.conn.commit()
    start = pd.Timestamp(park.DAY)
    stored = store_sources(engine, start, start + pd.Timedelta(days=2))
    assert stored.loads == 4  # two days, one month, one year of COD
    with engine.connect() as c:
        days = c.execute(
            sa.text(
                "SELECT period_start, load_kg FROM discharge_loads WHERE interval = 'day'"
                " ORDER BY period_start"
            )
        ).all()
        limits, latest = c.execute(
            sa.text("SELECT limits, latest_load FROM outfalls WHERE code = 'X-DW001'")
        ).one()
    # 100 mg/L × 10 L/s × 86 400 s = 86.4 kg a day
    assert [round(kg, 6) for _, kg in days] == [86.4, 86.4]
    assert str(days[-1][0]) == "2024-06-02"
    assert limits == "化学需氧量 24小时平均 ≤ 500 mg/L（GB 8978-1996 三级）"
    assert latest == "2024-06-02：化学需氧量 86.4 kg"


def test_a_range_that_ends_before_it_starts_is_refused(engine: sa.Engine) -> None:
    t = pd.Timestamp("2025-01-01T00:00+08:00")
    with pytest.raises(SourceError):
        store_sources(engine, t, t)


def test_a_park_without_online_outfalls_stores_no_loads(park: Any, engine: sa.Engine) -> None:
    park.station("AQ", park.at(0, 0), kind="air")
    park.hourly("AQ", "a21026", [10.0] * 3, park.DAY, "μg/m³")
    park.conn.commit()
    start = pd.Timestamp(park.DAY)
    stored = store_sources(engine, start, start + pd.Timedelta(days=1))
    assert stored.loads == 0 and stored.totals.empty and stored.park.empty


def test_loads_from_the_judgements_observations_equal_those_read_for_them(
    park: Any, engine: sa.Engine
) -> None:
    credit = park.enterprise("化工甲", park.at(0, 0))
    park.outfall("X-DW001", credit, park.at(0, 0), kind="wastewater", pollutants=["w01018"])
    park.station("D", park.at(90, 20), kind="source_online")
    park.hourly("D", "w01018", [100.0, 120.0, 80.0] * 10, park.DAY, "mg/L")
    park.hourly("D", "w00000", [10.0, 12.0] * 15, park.DAY, "L/s")
    park.conn.commit()
    start = pd.Timestamp(park.DAY)
    end = start + pd.Timedelta(days=2)
    with engine.connect() as connection:
        observations = read_observations(connection, start, end)
    read_here = discharge_loads(engine, start, end)
    from_judgement = discharge_loads(engine, start, end, observations=observations)
    key = ["outfall_code", "parameter", "interval", "period_start"]
    pd.testing.assert_frame_equal(
        read_here.sort_values(key).reset_index(drop=True),
        from_judgement.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    assert len(read_here) == 4  # 1 and 2 June, June, 2024
