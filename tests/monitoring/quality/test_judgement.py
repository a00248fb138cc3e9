"""Averaging, events, water classes and status on small hand-made series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from monitoring.quality.averaging import daily_max_8h, daily_means, hourly_means
from monitoring.quality.exceedances import exceedance_events, judged_values
from monitoring.quality.judge import averaged_series
from monitoring.quality.limits import read_limit_files
from monitoring.quality.status import (
    offline_thresholds,
    reporting_intervals,
    station_status,
)
from monitoring.quality.water import water_classes

ZONE = "Asia/Shanghai"
STANDARDS = Path(__file__).resolve().parents[3] / "data" / "standards"
STATIONS = pd.DataFrame({"code": ["A", "W"], "type": ["air", "surface_water"]})


def hours(
    station: str, parameter: str, start: str, values: list[float], unit: str = "μg/m³"
) -> pd.DataFrame:
    times = pd.date_range(start, periods=len(values), freq="h", tz=ZONE)
    return pd.DataFrame(
        {
            "station_code": station,
            "time": times.tz_convert("UTC"),
            "parameter": parameter,
            "value": values,
            "unit": unit,
            "flag": "N",
        }
    )


@pytest.fixture(scope="module")
def limits() -> pd.DataFrame:
    return read_limit_files(STANDARDS)


def test_consecutive_hours_over_the_limit_are_one_event(limits: pd.DataFrame) -> None:
    # NO2 1 h class II limit 200: hours 2-4 above, 5 at the limit (not above), 7 above again.
    obs = hours("A", "a21004", "2025-05-01 00:00", [50, 60, 210, 250, 201, 200, 90, 205])
    series = averaged_series(obs, STATIONS, ZONE)
    events = exceedance_events(judged_values({"1h": series["1h"]}, STATIONS, limits))
    assert len(events) == 2
    first = events.iloc[0]
    assert first["start"] == pd.Timestamp("2025-05-01 02:00", tz=ZONE)
    assert first["end"] == pd.Timestamp("2025-05-01 05:00", tz=ZONE)
    assert (first["peak"], first["n_values"], first["limit_value"]) == (250, 3, 200)
    assert (first["standard"], first["edition"], first["quality_class"]) == (
        "GB 3095",
        "2012",
        "II",
    )


def test_the_edition_is_chosen_by_date(limits: pd.DataFrame) -> None:
    # PM2.5 24 h mean of 70: within 75 (2012) on 2026-02-28, over 60 (2026) on 2026-03-01.
    obs = hours("A", "a34004", "2026-02-28 00:00", [70.0] * 48)
    series = averaged_series(obs, STATIONS, ZONE)
    events = exceedance_events(judged_values({"24h": series["24h"]}, STATIONS, limits))
    assert len(events) == 1
    event = events.iloc[0]
    assert event["start"] == pd.Timestamp("2026-03-01", tz=ZONE)
    assert (event["edition"], event["limit_value"]) == ("2026", 60)


def test_mg_values_are_converted_to_the_limits_unit(limits: pd.DataFrame) -> None:
    obs = hours("A", "a21004", "2025-05-01 00:00", [0.25], unit="mg/m³")
    series = averaged_series(obs, STATIONS, ZONE)
    events = exceedance_events(judged_values({"1h": series["1h"]}, STATIONS, limits))
    assert events.iloc[0]["peak"] == pytest.approx(250)


def test_daily_means_need_20_hours_and_skip_flagged_values() -> None:
    obs = hours("A", "a34004", "2025-05-01 00:00", [10.0] * 24)
    obs.loc[obs.index[:4], "flag"] = "M"  # maintenance: 20 valid hours remain
    obs.loc[obs.index[4], "value"] = 50.0
    day = daily_means(hourly_means(obs, ZONE))
    assert day["value"].tolist() == [pytest.approx((50 + 19 * 10) / 20)]
    obs.loc[obs.index[5], "flag"] = "D"
    assert daily_means(hourly_means(obs, ZONE)).empty


def test_hourly_means_of_hourly_and_of_minute_data_as_read() -> None:
    # As read_observations gives them: codes as categories, in no particular order. Hourly
    # values are their own means (one sort, no grouping); two values in an hour are averaged.
    codes = ("station_code", "parameter", "unit", "flag")
    hourly = pd.concat(
        [hours("W", "w01018", "2025-05-01 00:00", [3.0, 1.0, 2.0], "mg/L"),
         hours("A", "a21004", "2025-05-01 00:00", [7.0, 5.0])],
        ignore_index=True,
    )  # fmt: skip
    shuffled = hourly.iloc[[3, 0, 4, 2, 1]].astype(dict.fromkeys(codes, "category"))
    means = hourly_means(shuffled, ZONE)
    assert list(zip(means["station_code"], means["value"], strict=True)) == [
        ("A", 7.0), ("A", 5.0), ("W", 3.0), ("W", 1.0), ("W", 2.0)
    ]  # fmt: skip
    assert means["time"].is_monotonic_increasing is False  # ordered by station first
    assert means["time"].iloc[0] == pd.Timestamp("2025-05-01 00:00", tz=ZONE)
    minute = shuffled.copy()
    minute.loc[3, "time"] = minute.loc[4, "time"] + pd.Timedelta(minutes=30)  # A: both in 01:00
    averaged = hourly_means(minute, ZONE)
    assert averaged.loc[averaged["station_code"] == "A", "value"].tolist() == [6.0]
    assert averaged.loc[averaged["station_code"] == "W", "value"].tolist() == [3.0, 1.0, 2.0]


def test_max_daily_8h_mean() -> None:
    # 8 h windows starting 00:00..16:00; the best is 10:00-17:00 (8 hours of 100).
    values = [0.0] * 10 + [100.0] * 8 + [0.0] * 6
    o3 = hourly_means(hours("A", "a05024", "2025-07-01 00:00", values), ZONE)
    result = daily_max_8h(o3)
    assert result["value"].tolist() == [100.0]
    assert result["n_means"].tolist() == [17]


def test_water_class_per_sample_with_do_as_lower_bound(limits: pd.DataFrame) -> None:
    t = pd.Timestamp("2025-03-01 08:00", tz=ZONE)
    samples = pd.DataFrame(
        {
            "station_code": "W",
            "time": [t, t, t + pd.Timedelta(hours=4), t + pd.Timedelta(hours=4)],
            "parameter": ["w01009", "w21003", "w01009", "w21003"],
            "value": [5.5, 0.4, 1.5, 0.1],
            "unit": "mg/L",
        }
    )
    classes = water_classes(samples, limits, ZONE)
    # DO 5.5 ≥ 5 → III, NH3-N 0.4 ≤ 0.5 → II: sample III by DO. DO 1.5 < 2 → 劣V.
    assert classes["water_class"].tolist() == ["III", "劣V"]
    assert classes["worst_parameters"].tolist() == ["w01009", "w01009"]


def test_station_status() -> None:
    stations = pd.DataFrame({"code": ["A", "B", "C", "D"]})
    now = pd.Timestamp("2025-06-01 12:00", tz=ZONE)
    latest = pd.DataFrame(
        {
            "station_code": ["A", "B", "C"],
            "latest_time": [now - pd.Timedelta(hours=h) for h in (1, 1, 5)],
        }
    )
    events = pd.DataFrame(
        {
            "station_code": ["B", "A"],
            "parameter": ["a21004", "a21004"],
            "period": ["1h", "1h"],
            "end": [now, now - pd.Timedelta(hours=3)],
        }
    )
    status = station_status(stations, latest, events, now)
    assert status.set_index("station_code")["status"].to_dict() == {
        "A": "normal",
        "B": "exceeding",
        "C": "offline",
        "D": "no_data",
    }
    assert np.all(status["exceeding_parameters"].to_numpy() == np.array(["", "a21004", "", ""]))


def ph_samples(values: list[float]) -> pd.DataFrame:
    """4-hourly pH samples at the water station, stored without a unit as loads store them."""
    times = pd.date_range("2025-03-01 00:00", periods=len(values), freq="4h", tz=ZONE)
    return pd.DataFrame(
        {
            "station_code": "W",
            "time": times.tz_convert("UTC"),
            "parameter": "w01001",
            "value": values,
            "unit": np.nan,
            "flag": "N",
        }
    )


def test_ph_below_6_or_above_9_is_an_exceedance_of_its_bound(limits: pd.DataFrame) -> None:
    # GB 3838-2002 pH 6-9: 6.0 and 9.0 are within, 5.9 and 5.5 a low run, 9.2 a high one.
    obs = ph_samples([7.0, 6.0, 5.9, 5.5, 9.0, 9.2, 7.5])
    series = averaged_series(obs, STATIONS, ZONE)
    events = exceedance_events(judged_values({"sample": series["sample"]}, STATIONS, limits))
    events = events.sort_values("start").reset_index(drop=True)
    assert events["bound"].tolist() == ["lower", "upper"]
    assert events["limit_value"].tolist() == [6, 9]
    assert events["n_values"].tolist() == [2, 1]
    assert events["peak"].tolist() == [5.5, 9.2]  # the lowest value is the peak of a low run
    assert events.loc[0, "start"] == pd.Timestamp("2025-03-01 08:00", tz=ZONE)
    assert events.loc[1, "start"] == pd.Timestamp("2025-03-01 20:00", tz=ZONE)


def test_a_water_section_judged_as_judge_does_has_its_sample_events(
    limits: pd.DataFrame,
) -> None:
    # Every averaging period at once, as judge() does, of a park with only a surface-water
    # section: its standard limits samples only, whose runs have no step (the periods are
    # categories of the limit rows; a period without a step must still make an event).
    water = STATIONS[STATIONS["code"] == "W"]
    series = averaged_series(ph_samples([7.0, 5.5, 7.2]), water, ZONE)
    periods = {k: v for k, v in series.items() if k != "max_1h"}
    events = exceedance_events(judged_values(periods, water, limits))
    assert events[["period", "bound", "peak"]].values.tolist() == [["sample", "lower", 5.5]]
    assert events.loc[0, "end"] == events.loc[0, "start"]  # its one sample


def test_ph_outside_6_9_makes_the_sample_worse_than_class_v(limits: pd.DataFrame) -> None:
    samples = ph_samples([7.0, 6.0, 5.9, 9.0, 9.1])
    classes = water_classes(samples, limits, ZONE)
    assert classes["water_class"].tolist() == ["I", "I", "劣V", "I", "劣V"]
    assert classes["worst_parameters"].tolist() == ["w01001"] * 5


@pytest.mark.parametrize(
    ("kind", "silent_hours", "expected"),
    [
        ("air", 3, "normal"),  # hourly: three missed hours is the threshold, not beyond it
        ("air", 3.01, "offline"),
        ("surface_water", 4, "normal"),  # 4-hourly sampling: one cycle late is fine
        ("surface_water", 12, "normal"),
        ("surface_water", 12.01, "offline"),
    ],
)
def test_offline_after_three_cycles_of_the_station_type(
    kind: str, silent_hours: float, expected: str
) -> None:
    stations = pd.DataFrame({"code": ["S"], "type": [kind]})
    now = pd.Timestamp("2025-06-01 12:00", tz=ZONE)
    latest = pd.DataFrame(
        {"station_code": ["S"], "latest_time": [now - pd.Timedelta(hours=silent_hours)]}
    )
    no_events = pd.DataFrame(columns=["station_code", "parameter", "period", "end"])
    status = station_status(stations, latest, no_events, now, offline_thresholds(stations))
    assert status["status"].tolist() == [expected]


def test_undeclared_types_use_their_own_interval_and_overrides_win() -> None:
    # A groundwater well sampled every 10 days: offline after 30 days of silence.
    times = pd.date_range("2025-01-01", periods=4, freq="10D", tz=ZONE)
    obs = pd.DataFrame({"station_code": "G", "time": list(times) * 2})  # two parameters
    intervals = reporting_intervals(obs)
    assert intervals.to_dict() == {"G": pd.Timedelta(days=10)}
    stations = pd.DataFrame(
        {"code": ["G", "N", "W"], "type": ["groundwater", "noise", "surface_water"]}
    )
    thresholds = offline_thresholds(stations, obs, {"surface_water": pd.Timedelta("6h")})
    assert thresholds.to_dict() == {
        "G": pd.Timedelta(days=30),
        "N": pd.Timedelta(hours=3),  # no data to learn from: the default
        "W": pd.Timedelta(hours=6),
    }
