"""Capture and transmission rates and disconnections, hand-checked on one day of one hourly
station and one 4-hourly water station."""

from __future__ import annotations

import pandas as pd

from monitoring.quality.judge import Judgement
from reports.gather import PeriodData
from reports.periods import parse
from reports.sections.data_quality import disconnections, rates

DAY = parse("2025-06-01")  # 2025-05-31 16:00 UTC to 2025-06-01 16:00 UTC


def _data(observations: pd.DataFrame) -> PeriodData:
    empty = pd.DataFrame()
    judgement = Judgement(empty, empty, empty, empty, empty, observations)
    stations = pd.DataFrame(
        {"code": ["AQ-X", "SW-X"], "name": ["空气", "水"], "type": ["air", "surface_water"],
         "lon": [120.0, 120.0], "lat": [32.0, 32.0], "river": [None, None],
         "target_class": [None, None]}
    )  # fmt: skip
    return PeriodData(
        DAY, judgement, judgement, stations,
        pd.DataFrame(columns=["station_code", "outfall_code", "credit_code"]),
        pd.DataFrame(columns=["credit_code", "name"]), pd.DataFrame(), "测试园区",
    )  # fmt: skip


def _hours(start: str, hours: list[int], station: str, flag: str | None = None) -> pd.DataFrame:
    base = pd.Timestamp(start, tz="UTC")
    return pd.DataFrame(
        {"station_code": station, "time": [base + pd.Timedelta(hours=h) for h in hours],
         "parameter": "a34004", "value": 30.0, "unit": "μg/m³", "flag": flag}
    )  # fmt: skip


def test_an_hourly_station_silent_from_05_to_10_local_is_one_disconnection() -> None:
    # hourly values at every local hour but 05:00-09:00 (21:00-01:00 UTC), two of them flagged
    kept = [h for h in range(24) if h not in (5, 6, 7, 8, 9)]
    air = _hours("2025-05-31T16:00", kept, "AQ-X")
    air.loc[air.index[:2], "flag"] = "D"  # device fault: received, not valid
    water = _hours("2025-05-31T16:00", [0, 4, 8, 12, 16, 20], "SW-X")
    data = _data(pd.concat([air, water], ignore_index=True))
    table = rates(data).set_index("station_code")
    assert table.loc["AQ-X", "expected"] == 24 and table.loc["AQ-X", "received"] == 19
    assert table.loc["AQ-X", "valid"] == 17
    assert table.loc["AQ-X", "capture_pct"] == round(100 * 17 / 24, 1)
    assert table.loc["AQ-X", "transmission_pct"] == round(100 * 19 / 24, 1)
    assert table.loc["SW-X", "expected"] == 6 and table.loc["SW-X", "capture_pct"] == 100.0
    found = disconnections(data)
    # 04:00 then 10:00 local: 6 h without data, over the air threshold of 3 h; the water
    # station's 4 h cycle never exceeds its 12 h
    assert found[["station_code", "duration_h", "open"]].values.tolist() == [["AQ-X", 6.0, False]]
    local = found.iloc[0]["start"].tz_convert("Asia/Shanghai")
    assert local.hour == 4


def test_a_station_that_stops_is_disconnected_until_the_period_ends() -> None:
    data = _data(_hours("2025-05-31T16:00", list(range(12)), "AQ-X"))  # until 11:00 local
    found = disconnections(data)
    air = found[found["station_code"] == "AQ-X"]
    assert air[["duration_h", "open"]].values.tolist() == [[13.0, True]]
    # the water station sent nothing at all: silent for the whole day
    water = found[found["station_code"] == "SW-X"]
    assert water[["duration_h", "open"]].values.tolist() == [[24.0, True]]
