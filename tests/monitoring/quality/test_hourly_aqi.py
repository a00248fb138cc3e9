"""The real-time (hourly) AQI per HJ 633 on hand-computed hours, both editions."""

from __future__ import annotations

import pandas as pd
import pytest

from monitoring.quality.aqi import HOURLY_ITEMS, HOURLY_RULES, hourly_aqi, read_breakpoints
from monitoring.quality.averaging import hourly_means
from monitoring.quality.store import latest_aqi, pollutant_names

ZONE = "Asia/Shanghai"
UNITS = {"a21005": "mg/m³"}


def one_hour(start: str, **values: float) -> pd.DataFrame:
    """The 1 h means of one hour at station A, one row per parameter."""
    return hours(start, {code: [value] for code, value in values.items()})


def hours(start: str, series: dict[str, list[float]]) -> pd.DataFrame:
    frames = [
        pd.DataFrame(
            {
                "station_code": "A",
                "time": pd.date_range(start, periods=len(values), freq="h", tz=ZONE).tz_convert(
                    "UTC"
                ),
                "parameter": code,
                "value": values,
                "unit": UNITS.get(code, "μg/m³"),
                "flag": "N",
            }
        )
        for code, values in series.items()
    ]
    return hourly_means(pd.concat(frames, ignore_index=True), ZONE)


@pytest.fixture(scope="module")
def breakpoints() -> pd.DataFrame:
    return read_breakpoints()


def test_one_hour_of_2025_hand_computed(breakpoints: pd.DataFrame) -> None:
    hour = one_hour(
        "2025-05-01 10:00",
        a21026=300,  # SO₂ 1 h: 50/350·150 + 50 = 71.4 → 72
        a21004=150,  # NO₂ 1 h: 50/100·50 + 50 = 75
        a21005=3,  # CO 1 h (mg/m³): 50/5·3 = 30
        a05024=180,  # O₃ 1 h: 50/40·20 + 50 = 75
        a34002=100,  # PM10 1 h by the 24 h table: 50/100·50 + 50 = 75
        a34004=80,  # PM2.5 1 h by the 24 h table (2012): 50/40·5 + 100 = 106.25 → 107
    )
    row = hourly_aqi(hour, breakpoints, ZONE).iloc[0]
    assert row["time"] == pd.Timestamp("2025-05-01 10:00", tz=ZONE)
    assert (row["edition"], row["aqi"], row["primary"]) == ("2012", 107, "a34004")
    assert (row["iaqi_a21026_1h"], row["iaqi_a21004_1h"], row["iaqi_a21005_1h"]) == (72, 75, 30)
    assert (row["iaqi_a05024_1h"], row["iaqi_a34002_24h"]) == (75, 75)


def test_the_2026_edition_rates_the_same_pm25_hour_higher(breakpoints: pd.DataFrame) -> None:
    before = hourly_aqi(one_hour("2026-02-28 23:00", a34004=80), breakpoints, ZONE).iloc[0]
    after = hourly_aqi(one_hour("2026-03-01 00:00", a34004=80), breakpoints, ZONE).iloc[0]
    # 2026: IAQI 100 at 60 → 50/55·20 + 100 = 118.2 → 119.
    assert (before["edition"], before["aqi"]) == ("2012", 107)
    assert (after["edition"], after["aqi"]) == ("2026", 119)


def test_equal_iaqis_are_all_primary_and_none_at_50_or_below(breakpoints: pd.DataFrame) -> None:
    tie = hourly_aqi(one_hour("2025-05-01 10:00", a21004=150, a34002=100), breakpoints, ZONE)
    assert (tie.iloc[0]["aqi"], tie.iloc[0]["primary"]) == (75, "a21004,a34002")
    clean = hourly_aqi(one_hour("2025-05-01 10:00", a21004=100, a34004=35), breakpoints, ZONE)
    assert (clean.iloc[0]["aqi"], clean.iloc[0]["primary"]) == (50, "")


def test_o3_8h_moving_mean_counts_from_its_sixth_hour(breakpoints: pd.DataFrame) -> None:
    # O₃ at 200 for 8 hours: the 1 h IAQI is 100; the 8 h moving mean ending at the hour is 200
    # once 6 hours are in it: 50/55·40 + 100 = 136.4 → 137.
    table = hourly_aqi(hours("2025-07-01 08:00", {"a05024": [200.0] * 8}), breakpoints, ZONE)
    assert table["aqi"].tolist() == [100] * 5 + [137] * 3
    assert table["primary"].tolist() == ["a05024"] * 8


def test_so2_above_800_in_one_hour_by_edition(breakpoints: pd.DataFrame) -> None:
    so2 = {"a21026": [100.0] * 23 + [900.0]}
    old = hourly_aqi(hours("2025-05-01 00:00", so2), breakpoints, ZONE)
    new = hourly_aqi(hours("2026-05-01 00:00", so2), breakpoints, ZONE)
    # 1 h at 100: 50/150·100 = 33.3 → 34. At 900, 2012 leaves the 1 h value unrated and the
    # 24 h moving mean reports: (23·100 + 900)/24 = 133.3 → 50/100·83.3 + 50 = 91.7 → 92.
    assert old["aqi"].tolist() == [34] * 23 + [92]
    assert old["iaqi_a21026_24h"].notna().sum() == 1
    assert new["aqi"].tolist() == [34] * 23 + [200]  # 2026: above 800 is IAQI 200


def test_every_hourly_item_says_whether_it_was_confirmed() -> None:
    assert {(p, period) for p, period, _ in HOURLY_ITEMS} == set(HOURLY_RULES)
    unconfirmed = {key for key, rule in HOURLY_RULES.items() if not rule.confirmed}
    assert ("a34004", "24h") in unconfirmed and ("a21004", "1h") not in unconfirmed


def test_a_station_shows_its_latest_hour_with_the_primary_pollutants_named(
    breakpoints: pd.DataFrame,
) -> None:
    table = hourly_aqi(
        hours("2025-05-01 10:00", {"a21004": [150.0, 100.0], "a34002": [100.0, 150.0]}),
        breakpoints,
        ZONE,
    )
    latest = latest_aqi(table)["A"]
    assert latest["aqi_time"] == pd.Timestamp("2025-05-01 11:00", tz=ZONE)
    assert (latest["aqi"], latest["primary_pollutant"]) == (100, "可吸入颗粒物（PM10）")
    assert pollutant_names("a21004,a34002") == "二氧化氮（NO₂）、可吸入颗粒物（PM10）"
