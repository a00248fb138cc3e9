"""A permit's limits count only while the permit is valid: before and after its dates the
outfall's standard applies again, and an out-of-date permit is warned about (the outfall's
popup, ``onemap quality --store``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from monitoring.quality.judge import judge
from monitoring.quality.limits import PERMIT_STANDARD, outside_permits
from sources.store import expired_permits, store_sources

OPEN = pd.Timestamp.max.normalize()


def _standard_row() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station_code": ["S"],
            "parameter": ["w01018"],
            "standard": ["GB 8978"],
            "limit_value": [500.0],
            "valid_from": [pd.Timestamp("1998-01-01")],
            "valid_to": [OPEN],
        }
    )


def _permits(*windows: tuple[str, pd.Timestamp]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station_code": ["S"] * len(windows),
            "parameter": ["w01018"] * len(windows),
            "valid_from": [pd.Timestamp(start) for start, _ in windows],
            "valid_to": [end for _, end in windows],
        }
    )


def test_the_standard_holds_before_and_after_a_permits_dates() -> None:
    pieces = outside_permits(_standard_row(), _permits(("2025-01-01", pd.Timestamp("2025-06-30"))))
    assert list(zip(pieces["valid_from"], pieces["valid_to"], strict=True)) == [
        (pd.Timestamp("1998-01-01"), pd.Timestamp("2024-12-31")),
        (pd.Timestamp("2025-07-01"), OPEN),
    ]
    assert set(pieces["limit_value"]) == {500.0}
    open_permit = outside_permits(_standard_row(), _permits(("2025-01-01", OPEN)))
    assert list(open_permit["valid_to"]) == [pd.Timestamp("2024-12-31")]
    always = outside_permits(_standard_row(), _permits(("1990-01-01", OPEN)))
    assert always.empty


def test_an_expired_permit_limit_is_listed_and_a_current_one_is_not() -> None:
    permits = pd.DataFrame(
        {
            "outfall_code": ["A", "A", "B"],
            "parameter": ["w01018", "w01018", "w01018"],
            "valid_from": [date(2020, 1, 1), date(2023, 1, 1), date(2020, 1, 1)],
            "valid_to": [date(2022, 12, 31), date(2025, 6, 30), None],
        }
    )
    expired = expired_permits(permits, date(2025, 7, 1))
    assert list(zip(expired["outfall_code"], expired["valid_to"], strict=True)) == [
        ("A", date(2025, 6, 30))
    ]
    assert expired_permits(permits, date(2025, 6, 30)).empty  # its last day: still valid


def test_a_day_after_the_permit_ends_is_judged_by_the_standard(
    park: Any, engine: sa.Engine
) -> None:
    credit = park.enterprise("化工丁", park.at(0, 0))
    park.outfall(
        "P-DW001", credit, park.at(0, 0), kind="wastewater", standard="GB 8978",
        standard_class="三级", pollutants=["w01018"],
    )  # fmt: skip
    park.station("P", park.at(90, 20), kind="source_online")
    park.insert(
        "standard_limits", standard="GB 8978", edition="1996", parameter="w01018",
        quality_class="三级", period="24h", bound="upper", limit_value=500.0, unit="mg/L",
        valid_from=date(1998, 1, 1),
    )  # fmt: skip
    park.insert(
        "permit_limits", outfall_code="P-DW001", credit_code=credit, permit_no="PX-1",
        parameter="w01018", period="24h", bound="upper", limit_value=300.0, unit="mg/L",
        valid_from=date(2024, 1, 1), valid_to=date(2024, 6, 1),
    )  # fmt: skip
    # 1 June (the permit's last day): 400 > 300; 2 June: 520 > 500 of the standard
    park.hourly("P", "w01018", [400.0] * 24 + [520.0] * 24, park.DAY, "mg/L")
    park.conn.commit()
    start = pd.Timestamp(park.DAY)
    end = start + pd.Timedelta(days=2)
    events = judge(engine, start, end).events
    days = events[events["period"] == "24h"].sort_values("start")
    assert list(days["standard"]) == [PERMIT_STANDARD, "GB 8978"]
    assert list(days["limit_value"]) == [300.0, 500.0]
    stored = store_sources(engine, start, end)
    assert stored.expired_permits is not None
    assert list(stored.expired_permits["outfall_code"]) == ["P-DW001"]
    with engine.connect() as connection:
        line = connection.execute(
            sa.text("SELECT limits FROM outfalls WHERE code = 'P-DW001'")
        ).scalar_one()
    assert line.startswith("化学需氧量 24小时平均 ≤ 500 mg/L（GB 8978-1996 三级）")
    assert "许可限值已失效" in line and "化学需氧量（2024-06-01）" in line
