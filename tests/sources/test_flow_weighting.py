"""An outfall's daily mean weighted by its flow where its station measures one, by hand:
12 hours of 100 mg/L at 10 L/s and 12 of 200 mg/L at 30 L/s are a plain mean of 150 mg/L and a
flow-weighted one of (100·10 + 200·30) / 40 = 175 mg/L; against a limit of 160 only the
weighted mean is beyond it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from monitoring.quality.averaging import daily_means, flow_weighted_daily_means, hourly_means
from monitoring.quality.judge import judge


def _outfall(park: Any, flow: bool) -> None:
    credit = park.enterprise("化工丙", park.at(0, 0))
    park.outfall(
        "F-DW001", credit, park.at(0, 0), kind="wastewater", standard="GB 8978",
        standard_class="三级", pollutants=["w01018", "w00000"],
    )  # fmt: skip
    park.station("F", park.at(90, 20), kind="source_online")
    park.insert(
        "standard_limits", standard="GB 8978", edition="1996", parameter="w01018",
        quality_class="三级", period="24h", bound="upper", limit_value=160.0, unit="mg/L",
        valid_from=date(1998, 1, 1),
    )  # fmt: skip
    park.hourly("F", "w01018", [100.0] * 12 + [200.0] * 12, park.DAY, "mg/L")
    if flow:
        park.hourly("F", "w00000", [10.0] * 12 + [30.0] * 12, park.DAY, "L/s")
    park.conn.commit()


def _cod_days(park: Any, engine: sa.Engine) -> pd.DataFrame:
    start = pd.Timestamp(park.DAY)
    events = judge(engine, start, start + pd.Timedelta(days=1)).events
    return events[(events["parameter"] == "w01018") & (events["period"] == "24h")]


def test_the_weighted_daily_mean_is_175_where_the_plain_one_is_150() -> None:
    hours = pd.date_range("2024-06-01", periods=24, freq="h", tz="Asia/Shanghai")
    observations = pd.DataFrame(
        {
            "station_code": ["F"] * 48,
            "time": list(hours) * 2,
            "parameter": ["w01018"] * 24 + ["w00000"] * 24,
            "value": [100.0] * 12 + [200.0] * 12 + [10.0] * 12 + [30.0] * 12,
            "unit": ["mg/L"] * 24 + ["L/s"] * 24,
            "flag": ["N"] * 48,
        }
    )
    hourly = hourly_means(observations, "Asia/Shanghai")
    hourly["date"] = hourly["time"].dt.tz_localize(None).dt.normalize()
    plain = daily_means(hourly)
    weighted = flow_weighted_daily_means(hourly, plain).set_index("parameter")
    assert plain.set_index("parameter").loc["w01018", "value"] == 150.0
    assert weighted.loc["w01018", "value"] == 175.0 and weighted.loc["w01018", "weighted"]
    assert weighted.loc["w00000", "value"] == 20.0 and not weighted.loc["w00000", "weighted"]


def test_a_day_is_judged_by_its_flow_weighted_mean(park: Any, engine: sa.Engine) -> None:
    _outfall(park, flow=True)
    days = _cod_days(park, engine)
    assert len(days) == 1 and days["peak"].iloc[0] == 175.0


def test_without_a_flow_the_plain_mean_is_judged(park: Any, engine: sa.Engine) -> None:
    _outfall(park, flow=False)
    assert _cod_days(park, engine).empty  # 150 mg/L ≤ 160
