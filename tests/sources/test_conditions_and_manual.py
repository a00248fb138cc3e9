"""Operating-condition alarms (Jiangsu 7.4.7) and the manual and fugitive results enterprises
enter (7.4.2, 7.4.3), by hand: an hourly mean just inside and just beyond a threshold, a sample
just under and just over its limit, a permit limit replacing the standard's, a unit that does
not fit, and only accepted declarations judged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from monitoring.quality.judge import judge
from monitoring.quality.limits import CONDITION_STANDARD, LIMIT_COLUMNS, _typed
from sources.manual import judge_manual, store_manual_verdicts

T0 = pd.Timestamp("2025-03-10T10:00+08:00")


def _limits() -> pd.DataFrame:
    rows = [
        ("GB 8978", "1996", "", "w01018", "三级", "24h", "upper", 500.0, "mg/L"),
        ("GB 8978", "1996", "", "w01001", "三级", "24h", "lower", 6.0, "无量纲"),
        ("GB 8978", "1996", "", "w01001", "三级", "24h", "upper", 9.0, "无量纲"),
        ("GB 8978", "1996", "", "w21003", "三级", "annual", "upper", 1.0, "mg/L"),
    ]
    frame = pd.DataFrame(
        [(*r, date(1998, 1, 1), None, "", True) for r in rows], columns=LIMIT_COLUMNS
    )
    return _typed(frame)


def _results(*rows: tuple[int, str, str, float, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [(i, outfall, p, T0, v, u) for i, outfall, p, v, u in rows],
        columns=["id", "outfall_code", "parameter", "sampled_at", "value", "unit"],
    )


OUTFALLS = pd.DataFrame(
    [("A-DW001", "GB 8978", "三级"), ("B-DW001", "GB 8978", "三级")],
    columns=["code", "standard", "standard_class"],
)
PERMIT_COLUMNS = [
    "outfall_code", "permit_no", "parameter", "period", "bound", "limit_value", "unit",
    "valid_from", "valid_to",
]  # fmt: skip
NO_PERMITS = pd.DataFrame(columns=PERMIT_COLUMNS)


def test_a_sample_just_under_and_just_over_its_standards_limit() -> None:
    results = _results(
        (1, "A-DW001", "w01018", 499.0, "mg/L"),
        (2, "A-DW001", "w01018", 501.0, "mg/L"),
        (3, "A-DW001", "w01001", 5.9, None),  # pH below 6
        (4, "A-DW001", "w01001", 7.0, None),
        (5, "A-DW001", "w21003", 9.0, "mg/L"),  # only an annual limit: not judged by a sample
    )
    verdicts = judge_manual(results, OUTFALLS, _limits(), NO_PERMITS).set_index("id")
    assert list(verdicts["exceeded"]) == [False, True, True, False]
    assert verdicts.loc[2, "limit_value"] == 500.0
    assert verdicts.loc[2, "limit_source"] == "GB 8978-1996 三级 24小时平均"
    assert verdicts.loc[3, "limit_value"] == 9.0  # the upper bound shown, both judged
    assert 5 not in verdicts.index


def test_a_permit_limit_replaces_the_standards_and_a_wrong_unit_is_not_judged() -> None:
    permits = pd.DataFrame(
        [("B-DW001", "P-001", "w01018", "24h", "upper", 300.0, "mg/L", date(2024, 1, 1), None)],
        columns=PERMIT_COLUMNS,
    )
    results = _results(
        (1, "B-DW001", "w01018", 350.0, "mg/L"),
        (2, "A-DW001", "w01018", 350.0, "mg/L"),
        (3, "A-DW001", "w01018", 350.0, "mg/m³"),  # an exhaust unit for a water parameter
    )
    verdicts = judge_manual(results, OUTFALLS, _limits(), permits).set_index("id")
    assert verdicts.loc[1, "exceeded"] and verdicts.loc[1, "limit_value"] == 300.0
    assert verdicts.loc[1, "limit_source"].startswith("排污许可证 / permit P-001")
    assert not verdicts.loc[2, "exceeded"]
    assert pd.isna(verdicts.loc[3, "exceeded"])
    assert "单位不符" in verdicts.loc[3, "limit_source"]


def test_only_accepted_manual_results_are_judged_and_stored(park: Any, engine: sa.Engine) -> None:
    credit = park.enterprise("化工甲", park.at(0, 0))
    park.outfall(
        "X-DW001", credit, park.at(0, 0), kind="wastewater", standard="GB 8978",
        standard_class="三级",
    )  # fmt: skip
    park.insert(
        "standard_limits", standard="GB 8978", edition="1996", parameter="w01018",
        quality_class="三级", period="24h", bound="upper", limit_value=500.0, unit="mg/L",
        valid_from=date(1998, 1, 1),
    )  # fmt: skip
    for k, (status, value) in enumerate((("accepted", 520.0), ("submitted", 530.0))):
        park.insert(
            "manual_monitoring", credit_code=credit, outfall_code="X-DW001", kind="manual",
            sampled_at=T0.to_pydatetime() + timedelta(days=k), parameter="w01018",
            value=value, unit="mg/L", review_status=status,
        )  # fmt: skip
    park.conn.commit()
    with engine.begin() as connection:
        verdicts = store_manual_verdicts(connection)
    assert len(verdicts) == 1
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT review_status, exceeded FROM manual_monitoring ORDER BY sampled_at")
        ).all()
    assert [tuple(r) for r in rows] == [("accepted", True), ("submitted", None)]


def test_an_hourly_mean_beyond_an_operating_threshold_is_an_event_of_its_point(
    park: Any, engine: sa.Engine
) -> None:
    credit = park.enterprise("化工乙", park.at(0, 0))
    park.station("GK", park.at(90, 500), kind="source_online")
    # a fan's flue-gas flow must stay at or above 5 000 m³/h while the facility runs; the
    # same point submitted but not yet accepted would alarm above 5 500 m³/h: not judged
    for code, status, lower, upper in (
        ("GK-01", "accepted", 5000.0, None),
        ("GK-02", "submitted", None, 5500.0),
    ):
        park.insert(
            "operating_conditions", park.at(90, 500), credit_code=credit, code=code,
            facility="RTO", facility_type="vocs_treatment", quantity="风机风量",
            station_code="GK", parameter="a00000", lower_limit=lower, upper_limit=upper,
            review_status=status,
        )  # fmt: skip
    start = datetime(2025, 3, 9, 16, tzinfo=UTC)  # 00:00 local
    park.hourly("GK", "a00000", [5000.0, 4999.0, 6000.0, 4000.0, 4100.0], start, "m³/h")
    park.conn.commit()
    begin = pd.Timestamp(start)
    events = judge(engine, begin, begin + pd.Timedelta(hours=5)).events
    mine = events[events["standard"] == CONDITION_STANDARD]
    assert len(mine) == 2  # 4 999 alone; 4 000 and 4 100 in one run
    first, second = mine.sort_values("start").itertuples(index=False)
    assert (first.peak, first.n_values, first.quality_class) == (4999.0, 1, "GK-01")
    assert (second.peak, second.n_values, second.bound) == (4000.0, 2, "lower")
    assert set(mine["quality_class"]) == {"GK-01"}
