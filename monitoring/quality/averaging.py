"""Averages per GB 3095 (3.x definitions and Table 4 data validity).

Input is a long frame of observations (station_code, time as tz-aware timestamps, parameter,
value, unit, flag). Only valid data is averaged: flag ``N`` (or none), as HJ 212-2017 marks
every other state (maintenance, calibration, fault ...) as not normal. Hours are stamped with
the start of the hour they average; days are local calendar days in ``zone`` (Beijing time).

Minimum counts (GB 3095-2012 Table 4, "数据统计的有效性规定"; ✖ from recall, set as
parameters): a 24 h mean needs 20 hourly values, an 8 h mean 6 of its 8 hours, the daily
maximum 8 h mean 14 valid 8 h means, an annual mean 324 daily means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_HOURS_PER_DAY = 20
MIN_HOURS_PER_8H = 6
MIN_8H_MEANS_PER_DAY = 14
MIN_DAYS_PER_YEAR = 324
KEY = ["station_code", "parameter"]


def valid(observations: pd.DataFrame) -> pd.DataFrame:
    """The rows with a value and a normal (or no) data flag."""
    flag = observations["flag"]
    ok = observations["value"].notna() & (flag.isna() | flag.eq("N"))
    return observations[ok.to_numpy()]


def _no_unit_as_empty(units: pd.Series) -> pd.Series:
    """Units with a missing one as ``""`` (dimensionless); categories kept."""
    if isinstance(units.dtype, pd.CategoricalDtype):
        if "" not in units.cat.categories:
            units = units.cat.add_categories("")
    elif units.dtype != object:  # no unit at all (pH samples): a float column of NaN
        units = units.astype(object)
    return units.fillna("")


def hourly_means(observations: pd.DataFrame, zone: str) -> pd.DataFrame:
    """1 h means: valid values averaged per station, parameter and local clock hour.

    Returns station_code, parameter, unit, time (local, tz-aware, start of hour), value.
    Hourly data passes through unchanged; real-time or minute data is averaged.
    """
    data = valid(observations)
    local = data["time"].dt.tz_convert(zone).dt.floor("h")
    frame = pd.DataFrame(
        {
            "station_code": data["station_code"].array,  # categories stay categories
            "parameter": data["parameter"].array,
            "unit": _no_unit_as_empty(data["unit"]).array,
            "time": local.array,
            "value": data["value"].to_numpy(dtype=float),
        }
    )
    once = _one_value_per_hour(frame)
    if once is not None:  # hourly data (HJ 212 2061, the usual): every mean is its one value
        return frame.iloc[once].reset_index(drop=True)
    out = frame.groupby([*KEY, "unit", "time"], sort=True, observed=True)["value"].mean()
    return out.reset_index()


def _one_value_per_hour(frame: pd.DataFrame) -> np.ndarray | None:
    """The order :meth:`~pandas.DataFrame.groupby` would give the rows of ``frame`` (station,
    parameter, unit, hour), when no two rows share an hour; else ``None``. One sort of the
    category codes (the frame's own order of groups) instead of hashing four columns."""
    columns = [*KEY, "unit"]
    if len(frame) < 2 or not all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in columns):
        return None
    codes = [frame[c].cat.codes.to_numpy() for c in columns]
    hours = frame["time"].array.asi8
    order = np.lexsort((hours, *reversed(codes)))
    same = np.ones(len(frame) - 1, dtype=bool)
    for key in (*codes, hours):
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    return None if same.any() else order


def daily_means(hourly: pd.DataFrame, min_hours: int = MIN_HOURS_PER_DAY) -> pd.DataFrame:
    """24 h means per local calendar day, where at least ``min_hours`` hours are valid.

    Returns station_code, parameter, unit, date (naive local midnight), value, n_hours.
    """
    days = hourly.assign(date=hourly["time"].dt.tz_localize(None).dt.normalize())
    grouped = days.groupby([*KEY, "unit", "date"], sort=True)["value"]
    out = grouped.agg(value="mean", n_hours="count").reset_index()
    return out[out["n_hours"] >= min_hours].reset_index(drop=True)


def daily_max_hourly(hourly: pd.DataFrame) -> pd.DataFrame:
    """The highest 1 h mean of each local day (the O₃ 1 h value of the daily AQI)."""
    days = hourly.assign(date=hourly["time"].dt.tz_localize(None).dt.normalize())
    out = days.groupby([*KEY, "unit", "date"], sort=True)["value"].max()
    return out.reset_index()


def daily_max_8h(
    hourly: pd.DataFrame,
    min_hours: int = MIN_HOURS_PER_8H,
    min_means: int = MIN_8H_MEANS_PER_DAY,
) -> pd.DataFrame:
    """The maximum daily 8 h moving average (O₃, GB 3095 3.11).

    The 8 h means of a day are those ending at 08:00 ... 24:00 (windows starting at 00:00 ...
    16:00 of the day, 17 windows), each over the hour and the 7 following, valid with at least
    ``min_hours`` of its 8 hours; the day is valid with at least ``min_means`` valid means.
    """
    frames = []
    for (station, parameter, unit), series in hourly.groupby([*KEY, "unit"], sort=True):
        local = series["time"].dt.tz_localize(None)
        full = pd.Series(series["value"].to_numpy(), index=pd.DatetimeIndex(local))
        full = full.reindex(
            pd.date_range(local.min(), local.max() + pd.Timedelta(hours=7), freq="h")
        )
        # Forward window over [t, t+7h]: reverse, trailing rolling, reverse back.
        reversed_values = full.iloc[::-1]
        means = reversed_values.rolling(8, min_periods=min_hours).mean().iloc[::-1]
        starts = means.index
        in_day = starts.hour <= 16
        windows = pd.DataFrame({"date": starts.normalize(), "value": means.to_numpy()})[in_day]
        per_day = windows.groupby("date")["value"].agg(value="max", n_means="count")
        per_day = per_day[per_day["n_means"] >= min_means].reset_index()
        per_day.insert(0, "unit", unit)
        per_day.insert(0, "parameter", parameter)
        per_day.insert(0, "station_code", station)
        frames.append(per_day)
    if not frames:
        return pd.DataFrame(columns=[*KEY, "unit", "date", "value", "n_means"])
    return pd.concat(frames, ignore_index=True)


def annual_means(daily: pd.DataFrame, min_days: int = MIN_DAYS_PER_YEAR) -> pd.DataFrame:
    """Annual means of the daily means, for years with at least ``min_days`` valid days.

    Returns station_code, parameter, unit, date (1 January), value, n_days.
    """
    years = daily.assign(date=daily["date"].dt.to_period("Y").dt.to_timestamp())
    grouped = years.groupby([*KEY, "unit", "date"], sort=True)["value"]
    out = grouped.agg(value="mean", n_days="count").reset_index()
    return out[out["n_days"] >= min_days].reset_index(drop=True)


def moving_means(hourly: pd.DataFrame, hours: int, min_hours: int) -> pd.DataFrame:
    """Trailing moving means of ``hours`` clock hours, stamped with their last hour.

    The mean at hour t covers t-(hours-1) ... t (the real-time 8 h O₃ sliding mean of HJ 633:
    the hour and the 7 before it), valid with at least ``min_hours`` valid hours in it; gaps
    count as missing hours. Returns station_code, parameter, unit, time, value at every hour of
    ``hourly`` whose window is valid.
    """
    if hourly.empty:
        return hourly[[*KEY, "unit", "time", "value"]].copy()
    ordered = hourly.sort_values([*KEY, "unit", "time"])
    indexed = ordered.set_index(ordered["time"].dt.tz_convert("UTC").rename("utc"))
    rolled = indexed.groupby([*KEY, "unit"], sort=False)["value"].rolling(
        f"{hours}h", min_periods=min_hours
    )
    means = rolled.mean().to_numpy()
    out = ordered[[*KEY, "unit", "time"]].assign(value=means)
    return out[out["value"].notna().to_numpy()].reset_index(drop=True)


#: The wastewater flow (HJ 212-2017 w00000) that weights a station's daily means.
WASTEWATER_FLOW = "w00000"


def flow_weighted_daily_means(
    hourly: pd.DataFrame, daily: pd.DataFrame, flow: str = WASTEWATER_FLOW
) -> pd.DataFrame:
    """``daily`` (from :func:`daily_means`) with each concentration's 24 h mean weighted by
    the station's flow of the same hours where the station measures one: Σ cᵢqᵢ / Σ qᵢ over
    the hours with both (HJ 355-2019 daily mean of a wastewater source; ✖ from recall,
    verify). A day without flow keeps its plain mean; the flow's own mean is left plain.
    Adds ``weighted`` (True where the mean is flow-weighted)."""
    out = daily.assign(weighted=False)
    flows = hourly[(hourly["parameter"] == flow).to_numpy()]
    if flows.empty or daily.empty:
        return out
    q = pd.DataFrame(
        {
            "station_code": flows["station_code"].astype(str).to_numpy(),
            "time": flows["time"].array.asi8,  # ns since the epoch: no objects made
            "q": flows["value"].to_numpy(dtype=float),
        }
    )
    rest = hourly[(hourly["parameter"] != flow).to_numpy()]
    c = pd.DataFrame(
        {
            "station_code": rest["station_code"].astype(str).to_numpy(),
            "parameter": rest["parameter"].astype(str).to_numpy(),
            "unit": rest["unit"].astype(str).to_numpy(),
            "time": rest["time"].array.asi8,
            "date": rest["date"].to_numpy(),
            "value": rest["value"].to_numpy(dtype=float),
        }
    )
    both = c.merge(q, on=["station_code", "time"], how="inner")
    both = both[(both["q"] > 0).to_numpy()]
    if both.empty:
        return out
    both["cq"] = both["value"] * both["q"]
    sums = both.groupby(["station_code", "parameter", "unit", "date"], sort=False)[
        ["cq", "q"]
    ].sum()
    weighted = (sums["cq"] / sums["q"]).rename("weighted_value").reset_index()
    key = pd.DataFrame(
        {
            "station_code": out["station_code"].astype(str).to_numpy(),
            "parameter": out["parameter"].astype(str).to_numpy(),
            "unit": out["unit"].astype(str).to_numpy(),
            "date": out["date"].to_numpy(),
        }
    )
    found = key.merge(weighted, on=["station_code", "parameter", "unit", "date"], how="left")
    has = found["weighted_value"].notna().to_numpy()
    out.loc[has, "value"] = found["weighted_value"].to_numpy()[has]
    out.loc[has, "weighted"] = True
    return out
