"""Each outfall judged by its own standard, class and permit limits (Jiangsu 7.4.1).

Hand-checkable: a daily COD mean of 499 and one of 501 mg/L against GB 8978 grade 3 (500,
daily mean); a permit limit of 300 mg/L replacing the standard's 500 for that outfall only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from monitoring.quality.exceedances import exceedance_events, judged_values
from monitoring.quality.judge import averaged_series, judge
from monitoring.quality.limits import (
    PERMIT_STANDARD,
    limit_for,
    permit_limit_rows,
    read_limit_files,
)

ZONE = "Asia/Shanghai"
STANDARDS = Path(__file__).resolve().parents[3] / "data" / "standards"
STATIONS = pd.DataFrame({"code": ["D", "E"], "type": ["source_online", "source_online"]})
#: D monitors an outfall under GB 8978 grade 3; E is a sewer station (type default GB/T 31962 B).
AT_OUTFALL = pd.DataFrame(
    {
        "station_code": ["D"],
        "outfall_code": ["X-DW001"],
        "credit_code": ["91450100MA00000011"],
        "standard": ["GB 8978"],
        "quality_class": ["三级"],
    }
)


@pytest.fixture(scope="module")
def limits() -> pd.DataFrame:
    return read_limit_files(STANDARDS)


def two_days(station: str, first_day_mgl: float, second_day_mgl: float) -> pd.DataFrame:
    """24 hourly COD values of ``first_day_mgl`` on 1 May 2025 and of ``second_day_mgl`` on 2 May
    (local days)."""
    times = pd.date_range("2025-05-01 00:00", periods=48, freq="h", tz=ZONE)
    return pd.DataFrame(
        {
            "station_code": station,
            "time": times.tz_convert("UTC"),
            "parameter": "w01018",
            "value": [first_day_mgl] * 24 + [second_day_mgl] * 24,
            "unit": "mg/L",
            "flag": "N",
        }
    )


def events_of(
    observations: pd.DataFrame, limits: pd.DataFrame, permits: pd.DataFrame | None = None
) -> pd.DataFrame:
    series = averaged_series(observations, STATIONS, ZONE)
    periods = {k: v for k, v in series.items() if k != "max_1h"}
    return exceedance_events(
        judged_values(periods, STATIONS, limits, outfall_stations=AT_OUTFALL, permits=permits)
    )


def test_the_shipped_tables_have_the_outfall_standards(limits: pd.DataFrame) -> None:
    day = pd.Timestamp("2025-05-01").date()
    cod = limit_for(
        limits, standard="GB 8978", quality_class="三级", parameter="w01018", period="24h", on=day
    )
    assert cod is not None and cod["limit_value"] == 500 and cod["confirmed"]
    a1 = limit_for(
        limits, standard="GB 18918", quality_class="一级A", parameter="w21003", period="24h", on=day
    )
    assert a1 is not None and a1["limit_value"] == 5
    for standard in ("GB 16297", "GB 31571", "GB 31572", "GB 37822", "GB 14554", "GB/T 31962"):
        assert standard in set(limits["standard"]), standard
    recalled = limits[limits["standard"] == "GB 31571"]
    assert not recalled["confirmed"].any() and recalled["clause"].str.contains("recall").all()


def test_a_daily_mean_just_below_and_just_above_the_outfalls_limit(limits: pd.DataFrame) -> None:
    events = events_of(two_days("D", 499.0, 501.0), limits)
    assert len(events) == 1
    event = events.iloc[0]
    assert (event["standard"], event["quality_class"], event["period"]) == (
        "GB 8978",
        "三级",
        "24h",
    )
    assert event["limit_value"] == 500 and event["peak"] == pytest.approx(501.0)
    assert event["start"] == pd.Timestamp("2025-05-02", tz=ZONE)


def test_a_station_not_at_an_outfall_keeps_its_types_standard(limits: pd.DataFrame) -> None:
    # E is judged per sample by GB/T 31962 grade B (500): 24 hourly samples above on 2 May.
    events = events_of(two_days("E", 499.0, 501.0), limits)
    assert list(events["standard"]) == ["GB/T 31962"]
    assert events.iloc[0]["n_values"] == 24 and events.iloc[0]["period"] == "sample"


def test_a_permit_limit_overrides_the_standard_at_its_outfall_only(limits: pd.DataFrame) -> None:
    permit = pd.DataFrame(
        {
            "outfall_code": ["X-DW001"],
            "permit_no": ["91450100MA00000011001P"],
            "parameter": ["w01018"],
            "period": ["24h"],
            "bound": ["upper"],
            "limit_value": [300.0],
            "unit": ["mg/L"],
            "valid_from": [pd.Timestamp("2025-01-01").date()],
            "valid_to": [None],
        }
    )
    permits = permit_limit_rows(permit, AT_OUTFALL)
    observations = pd.concat([two_days("D", 299.0, 301.0), two_days("E", 301.0, 301.0)])
    events = events_of(observations, limits, permits)
    at_d = events[events["station_code"] == "D"]
    assert len(at_d) == 1
    assert at_d.iloc[0]["standard"] == PERMIT_STANDARD and at_d.iloc[0]["limit_value"] == 300
    assert at_d.iloc[0]["start"] == pd.Timestamp("2025-05-02", tz=ZONE)
    # the standard's 500 no longer applies at D, and the permit does not reach E (GB/T 31962 B)
    assert not (events["station_code"] == "E").any()


def test_judge_reads_the_outfall_and_its_permit_from_the_database(
    world: object, conn: sa.Connection, engine: sa.Engine
) -> None:
    w = world
    site = w.at(0, 0)  # type: ignore[attr-defined]
    credit = w.enterprise("化工甲", site)  # type: ignore[attr-defined]
    w.outfall(  # type: ignore[attr-defined]
        "X-DW001",
        credit,
        site,
        kind="wastewater",
        pollutants=["w01018"],
        standard="GB 8978",
        standard_class="三级",
    )
    w.station("D", w.at(90, 20), kind="source_online")  # type: ignore[attr-defined]
    w.station("E", w.at(90, 400), kind="source_online")  # type: ignore[attr-defined]
    w.insert(  # type: ignore[attr-defined]
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
    w.insert(  # type: ignore[attr-defined]
        "permit_limits",
        outfall_code="X-DW001",
        credit_code=credit,
        permit_no="P-1",
        parameter="w01018",
        period="24h",
        bound="upper",
        limit_value=300.0,
        unit="mg/L",
        valid_from=datetime(2024, 1, 1).date(),
    )
    start = datetime(2024, 5, 31, 16, tzinfo=UTC)  # 1 June 2024, 00:00 in the park
    w.hourly("D", "w01018", [299.0] * 24 + [301.0] * 24, start=start)  # type: ignore[attr-defined]
    w.hourly("E", "w01018", [301.0] * 48, start=start)  # type: ignore[attr-defined]
    conn.execute(sa.text("UPDATE observations SET unit = 'mg/L'"))
    conn.commit()
    result = judge(engine, pd.Timestamp(start), pd.Timestamp(start) + pd.Timedelta(days=2))
    events = result.events
    assert list(events["station_code"]) == ["D"]
    assert events.iloc[0]["limit_value"] == 300 and events.iloc[0]["edition"] == "P-1"
