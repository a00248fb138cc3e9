"""Running totals against the permit, by hand: the warning at 80 %, the total passed at 100 %."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from sources.store import store_sources
from sources.totals import running_totals

CREDIT = "91321283MA00000011"


def permits(permitted_t: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "credit_code": [CREDIT],
            "parameter": ["w01018"],
            "year": [2025],
            "permitted_t": [permitted_t],
        }
    )


@pytest.mark.parametrize(
    ("emitted_kg", "share_pct", "status"),
    [
        (7_999.0, 80.0, "normal"),  # 79.99 %: shown rounded, still below the warning
        (8_000.0, 80.0, "warning"),
        (9_999.0, 100.0, "warning"),
        (10_000.0, 100.0, "exceeded"),
    ],
)
def test_warning_at_80_and_100_percent(emitted_kg: float, share_pct: float, status: str) -> None:
    # two outfalls of the enterprise share the year's load; the permit allows 10 t
    loads = pd.DataFrame(
        {
            "credit_code": [CREDIT, CREDIT],
            "parameter": ["w01018", "w01018"],
            "year": [2025, 2025],
            "load_kg": [emitted_kg - 1_000.0, 1_000.0],
        }
    )
    out = running_totals(permits(10.0), loads).iloc[0]
    assert out["emitted_t"] == pytest.approx(emitted_kg / 1000)
    assert out["share_pct"] == share_pct and out["total_status"] == status


def test_other_years_and_pollutants_do_not_count() -> None:
    loads = pd.DataFrame(
        {
            "credit_code": [CREDIT, CREDIT],
            "parameter": ["w01018", "w21003"],
            "year": [2024, 2025],
            "load_kg": [50_000.0, 50_000.0],
        }
    )
    out = running_totals(permits(10.0), loads).iloc[0]
    assert out["emitted_t"] == 0 and out["total_status"] == "normal"


def test_store_writes_the_running_total_and_the_outfall_line(park: Any, engine: sa.Engine) -> None:
    credit = park.enterprise("化工甲", park.at(0, 0))
    park.outfall(
        "X-DW001", credit, park.at(0, 0), kind="wastewater", pollutants=["w01018", "w00000"]
    )
    park.station("D", park.at(90, 20), kind="source_online")
    park.insert(
        "permit_totals",
        credit_code=credit,
        parameter="w01018",
        year=2024,
        permitted_t=0.2,
    )
    # 100 mg/L × 10 L/s: 86.4 kg a day, 172.8 kg in two days = 86.4 % of 0.2 t
    park.hourly("D", "w01018", [100.0] * 48, park.DAY, "mg/L")
    park.hourly("D", "w00000", [10.0] * 48, park.DAY, "L/s")
    park.conn.commit()
    start = pd.Timestamp(park.DAY)
    stored = store_sources(engine, start, start + pd.Timedelta(days=2))
    assert list(stored.totals["total_status"]) == ["warning"]
    with engine.connect() as c:
        emitted, share, status, as_of = c.execute(
            sa.text("SELECT emitted_t, share_pct, total_status, as_of FROM permit_totals")
        ).one()
        line = c.execute(sa.text("SELECT permit_totals FROM outfalls")).scalar_one()
    assert (round(emitted, 4), share, status) == (0.1728, 86.4, "warning")
    assert as_of == datetime(2024, 6, 2).date()
    assert line == "2024 化学需氧量 0.173 / 0.2 t（86.4 %，预警）"


def test_the_park_counts_its_stacks_and_what_reaches_the_river_once(
    park: Any, engine: sa.Engine
) -> None:
    # a plant discharges to the sewer (its load reaches the river through the WWTP) and the
    # WWTP to the river: only the WWTP's load counts for the park's COD target
    plant = park.enterprise("化工甲", park.at(0, 0))
    wwtp = park.enterprise("污水处理厂", park.at(180, 500))
    park.conn.execute(
        sa.text(
            "INSERT INTO rivers (name, reach_code, geom) VALUES ('夹江', 'R1',"
            " ST_SetSRID(ST_MakeLine(ST_MakePoint(120, 31.99), ST_MakePoint(120.01, 31.99)), 4326))"
        )
    )
    park.outfall("P-DW001", plant, park.at(0, 0), kind="wastewater", pollutants=["w01018"])
    park.outfall(
        "T-DW001", wwtp, park.at(180, 500), kind="wastewater", pollutants=["w01018"],
        river_reach="R1",
    )  # fmt: skip
    park.station("P", park.at(90, 10), kind="source_online")
    park.station("T", park.at(180, 505), kind="source_online")
    park.insert("park_targets", year=2024, parameter="w01018", target_t=0.1)
    for station, cod_mgl in (("P", 300.0), ("T", 50.0)):
        park.hourly(station, "w01018", [cod_mgl] * 24, park.DAY, "mg/L")
        park.hourly(station, "w00000", [10.0] * 24, park.DAY, "L/s")
    park.conn.commit()
    start = pd.Timestamp(park.DAY)
    stored = store_sources(engine, start, start + pd.Timedelta(days=1))
    # the WWTP: 50 mg/L × 10 L/s × 86 400 s = 43.2 kg = 43.2 % of 0.1 t (the plant's 259.2 kg
    # would have made it an exceedance)
    row = stored.park.iloc[0]
    assert (round(row["emitted_t"], 4), row["share_pct"], row["total_status"]) == (
        0.0432,
        43.2,
        "normal",
    )
    with engine.connect() as c:
        status = c.execute(sa.text("SELECT total_status, share_pct FROM park_targets")).one()
    assert tuple(status) == ("normal", 43.2)
