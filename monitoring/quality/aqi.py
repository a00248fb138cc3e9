"""AQI and the primary pollutant per HJ 633 (2012 and 2026 editions, chosen by date).

IAQI_P = (IAQI_Hi − IAQI_Lo)/(BP_Hi − BP_Lo)·(C_P − BP_Lo) + IAQI_Lo (HJ 633 formula 1), rounded
up to an integer as the reference implementation does; AQI = max IAQI_P; the primary
pollutant(s) are those whose IAQI equals the AQI, named only when AQI > 50 (HJ 633 5.x).

The breakpoints are data: data/standards/hj633_iaqi.csv, whose class ``IAQI n`` holds the
concentration at IAQI n (the same rows are loaded into ``standard_limits``). The daily AQI uses
the 24 h means of SO₂, NO₂, CO, PM10, PM2.5, the daily maximum 1 h O₃ and the maximum daily
8 h O₃. The real-time (hourly) AQI (:func:`hourly_aqi`) rates each hour by the items of
:data:`HOURLY_ITEMS`; the choices not confirmed against the standard's text are marked in
:data:`HOURLY_RULES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from monitoring.quality.averaging import MIN_HOURS_PER_8H, MIN_HOURS_PER_DAY, moving_means
from monitoring.quality.limits import unit_factors

DEFAULT_BREAKPOINTS = Path(__file__).resolve().parents[2] / "data" / "standards" / "hj633_iaqi.csv"
TOP_IAQI = 500


@dataclass(frozen=True)
class BeyondTop:
    """What a concentration above a table's highest breakpoint gives.

    ``iaqi`` a fixed IAQI, or ``None`` for "not rated by this period: the other period of the
    pollutant decides".
    """

    iaqi: int | None
    clause: str
    confirmed: bool


#: (edition, parameter, period) → rule above the table's last breakpoint. Tables running to
#: IAQI 500 are capped at 500 (✖: HJ 633 gives no IAQI above 500; treated as 500).
BEYOND_TOP: Mapping[tuple[str, str, str], BeyondTop] = {
    ("2012", "a21026", "1h"): BeyondTop(
        None,
        "HJ 633-2012 表1注：SO2 1小时浓度高于800按24小时计 / above 800: use the 24 h value",
        False,
    ),
    ("2012", "a05024", "8h"): BeyondTop(
        None,
        "HJ 633-2012 表1注：O3 8小时浓度高于800按1小时计 / above 800: use the 1 h value",
        False,
    ),
    ("2026", "a21026", "1h"): BeyondTop(
        200, "HJ 633-2026：SO2 1小时高于800时IAQI为200 / above 800: IAQI 200 (✔ aqi-hub)", True
    ),
    ("2026", "a05024", "8h"): BeyondTop(
        300, "HJ 633-2026：O3 8小时高于800时IAQI为300 / above 800: IAQI 300 (✔ aqi-hub)", True
    ),
}

#: The daily AQI's items: (parameter, period of the breakpoints, input series name).
DAILY_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("a21026", "24h", "daily"),
    ("a21004", "24h", "daily"),
    ("a21005", "24h", "daily"),
    ("a34002", "24h", "daily"),
    ("a34004", "24h", "daily"),
    ("a05024", "1h", "max_1h"),
    ("a05024", "8h", "max_8h"),
)

#: The real-time (hourly) AQI's items (HJ 633 实时报): the 1 h means of SO₂, NO₂, CO and O₃ by
#: their 1 h tables, O₃'s 8 h moving mean ending at the hour by the 8 h table, and the 1 h means
#: of PM10 and PM2.5 by the 24 h tables (they have no 1 h table). The 24 h SO₂ item is a
#: fallback only (:data:`HOURLY_FALLBACK`). What could not be confirmed: :data:`HOURLY_RULES`.
HOURLY_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("a21026", "1h", "hourly"),
    ("a21004", "1h", "hourly"),
    ("a21005", "1h", "hourly"),
    ("a05024", "1h", "hourly"),
    ("a05024", "8h", "moving_8h"),
    ("a34002", "24h", "hourly"),
    ("a34004", "24h", "hourly"),
    ("a21026", "24h", "moving_24h"),
)

#: (parameter, period) unrated above its table → (period, series) that reports instead.
HOURLY_FALLBACK: Mapping[tuple[str, str], tuple[str, str]] = {
    ("a21026", "1h"): ("24h", "moving_24h"),
}


@dataclass(frozen=True)
class HourlyRule:
    """How an hourly AQI item is rated, where it comes from, and whether it was confirmed."""

    clause: str
    confirmed: bool


#: (parameter, period of the breakpoints) → the source of the hourly AQI's choice for it.
HOURLY_RULES: Mapping[tuple[str, str], HourlyRule] = {
    ("a21026", "1h"): HourlyRule("HJ 633 表1 SO2 1小时 / 1 h table (✔ aqi-hub hourly AQI)", True),
    ("a21004", "1h"): HourlyRule("HJ 633 表1 NO2 1小时 / 1 h table (✔ aqi-hub hourly AQI)", True),
    ("a21005", "1h"): HourlyRule("HJ 633 表1 CO 1小时 / 1 h table (✔ aqi-hub hourly AQI)", True),
    ("a05024", "1h"): HourlyRule("HJ 633 表1 O3 1小时 / 1 h table (✔ aqi-hub hourly AQI)", True),
    ("a05024", "8h"): HourlyRule(
        "HJ 633 实时报含O3 8小时滑动平均 / the real-time report includes O3's 8 h moving mean "
        "(✖ from recall; aqi-hub's hourly AQI uses O3 1 h only)",
        False,
    ),
    ("a34002", "24h"): HourlyRule(
        "PM10 1小时浓度按24小时断点计 / PM10 1 h value by the 24 h table (◐ aqi-hub: "
        "'PM2.5 和 PM10 无逐小时的 IAQI 计算方法'; not read in HJ 633's text)",
        False,
    ),
    ("a34004", "24h"): HourlyRule(
        "PM2.5 1小时浓度按24小时断点计 / PM2.5 1 h value by the 24 h table (◐ aqi-hub, as PM10; "
        "not read in HJ 633's text)",
        False,
    ),
    ("a21026", "24h"): HourlyRule(
        "HJ 633-2012 表1注：SO2 1小时高于800按24小时计；实时报取截至该小时的24小时滑动平均 / "
        "above 800 the 24 h value reports, here the 24 h moving mean ending at the hour (✖)",
        False,
    ),
}


def read_breakpoints(path: str | Path = DEFAULT_BREAKPOINTS) -> pd.DataFrame:
    """edition, parameter, period, iaqi, concentration, unit, valid_from, valid_to."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "edition": raw["edition"],
            "parameter": raw["parameter"],
            "period": raw["period"],
            "iaqi": raw["quality_class"].str.removeprefix("IAQI ").astype(int),
            "concentration": raw["limit_value"].astype(float),
            "unit": raw["unit"],
            "valid_from": pd.to_datetime(raw["valid_from"]),
            "valid_to": pd.to_datetime(raw["valid_to"].replace("", None)).fillna(
                pd.Timestamp.max.normalize()
            ),
        }
    )


def edition_on(breakpoints: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """The HJ 633 edition in force on each (naive local) date; empty string where none is."""
    editions = breakpoints.drop_duplicates("edition")[["edition", "valid_from", "valid_to"]]
    out = pd.Series("", index=dates.index, dtype=object)
    for row in editions.itertuples(index=False):
        out[((dates >= row.valid_from) & (dates <= row.valid_to)).to_numpy()] = row.edition
    return out


def iaqi(
    breakpoints: pd.DataFrame,
    edition: str,
    parameter: str,
    period: str,
    concentration: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    """IAQI of concentrations (in the table's unit) by one edition's table; NaN where the
    concentration is missing or the period does not rate it (see :data:`BEYOND_TOP`)."""
    table = breakpoints[
        (breakpoints["edition"] == edition)
        & (breakpoints["parameter"] == parameter)
        & (breakpoints["period"] == period)
    ].sort_values("iaqi")
    c = np.asarray(concentration, dtype=float)
    if table.empty:
        return np.full(c.shape, np.nan)
    bp = np.concatenate([[0.0], table["concentration"].to_numpy(dtype=float)])
    levels = np.concatenate([[0.0], table["iaqi"].to_numpy(dtype=float)])
    segment = np.clip(np.searchsorted(bp, c, side="left"), 1, len(bp) - 1)
    lo, hi = segment - 1, segment
    value = (levels[hi] - levels[lo]) / (bp[hi] - bp[lo]) * (c - bp[lo]) + levels[lo]
    # Round up, keeping exact breakpoints exact against floating-point noise.
    result: npt.NDArray[np.float64] = np.ceil(np.round(value, 9))
    result[c <= 0] = 0.0
    above = c > bp[-1]
    if above.any():
        rule = BEYOND_TOP.get((edition, parameter, period))
        if rule is not None:
            result[above] = np.nan if rule.iaqi is None else float(rule.iaqi)
        else:
            result[above] = float(TOP_IAQI) if levels[-1] >= TOP_IAQI else np.nan
    result[np.isnan(c)] = np.nan
    return result


def _iaqi_columns(
    series: Mapping[str, pd.DataFrame],
    breakpoints: pd.DataFrame,
    items: tuple[tuple[str, str, str], ...],
    key: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One ``iaqi_<code>_<period>`` column per item (in ``items`` order), indexed by ``key``;
    and the concentrations (in the table's unit) under the same names. Each row is rated by
    the edition in force on its ``date`` (naive local)."""
    parts: list[pd.DataFrame] = []
    order: list[str] = []
    for parameter, period, name in items:
        frame = series.get(name)
        rows = frame[(frame["parameter"] == parameter).to_numpy()] if frame is not None else None
        if rows is None or rows.empty:
            continue
        editions = edition_on(breakpoints, rows["date"]).to_numpy()
        out = np.full(len(rows), np.nan)
        used = np.full(len(rows), np.nan)
        values = rows["value"].to_numpy(dtype=float)
        for edition in pd.unique(editions):
            if not edition:
                continue
            mask = editions == edition
            table_unit = breakpoints.loc[
                (breakpoints["edition"] == edition) & (breakpoints["parameter"] == parameter),
                "unit",
            ].iloc[0]
            units = rows["unit"].to_numpy()[mask]
            factors = unit_factors(units, np.full(len(units), table_unit, dtype=object))
            used[mask] = values[mask] * factors
            out[mask] = iaqi(breakpoints, edition, parameter, period, used[mask])
        column = f"iaqi_{parameter}_{period}"
        order.append(column)
        part = {k: rows[k].array for k in key}  # .array keeps tz-aware times typed
        parts.append(pd.DataFrame({**part, "item": column, "iaqi": out, "concentration": used}))
    if not parts:
        return pd.DataFrame(), pd.DataFrame()
    # One reshape of the long rows, far cheaper than aligning a Series per item.
    wide = pd.concat(parts, ignore_index=True).set_index([*key, "item"]).unstack("item")
    return (
        wide["iaqi"].reindex(columns=order).rename_axis(columns=None),
        wide["concentration"].reindex(columns=order).rename_axis(columns=None),
    )


def _aqi_of(table: pd.DataFrame) -> tuple[npt.NDArray[np.float64], list[str]]:
    """AQI = the highest IAQI of each row; the primary pollutant(s): the codes whose IAQI is
    the AQI, when AQI > 50 (HJ 633 5.x)."""
    items = table.to_numpy(dtype=float)
    aqi = np.nanmax(np.where(np.isnan(items), -1.0, items), axis=1)
    aqi[aqi < 0] = np.nan
    names = np.array([c.removeprefix("iaqi_").split("_")[0] for c in table.columns])
    is_max = (items == aqi[:, None]) & (aqi[:, None] > 50)
    # Name each distinct pattern of maxima once (a year has a handful, not one per row): a
    # pattern is the bit mask of its items.
    masks = is_max.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
    patterns, inverse = np.unique(masks, return_inverse=True)
    text = [
        ",".join(dict.fromkeys(names[(int(m) >> np.arange(len(names))) & 1 == 1])) for m in patterns
    ]
    return aqi, [text[k] for k in inverse]


def daily_aqi(
    series: Mapping[str, pd.DataFrame],
    breakpoints: pd.DataFrame,
    unit_factors: Mapping[tuple[str, str], float] | None = None,
) -> pd.DataFrame:
    """The daily AQI per station and day.

    ``series`` maps ``daily`` (24 h means), ``max_1h`` (daily maximum 1 h means) and ``max_8h``
    (maximum daily 8 h means) to frames of station_code, parameter, unit, date, value.

    Returns station_code, date, edition, aqi, primary (comma-separated HJ 212 codes, empty when
    AQI ≤ 50) and one ``iaqi_<code>_<period>`` column per item.
    """
    table, _ = _iaqi_columns(series, breakpoints, DAILY_ITEMS, ["station_code", "date"])
    if table.empty:
        return pd.DataFrame(columns=["station_code", "date", "edition", "aqi", "primary"])
    aqi, primary = _aqi_of(table)
    result = table.reset_index()
    result.insert(2, "aqi", pd.array(aqi, dtype="Int64"))  # IAQIs are whole numbers
    result.insert(3, "primary", primary)
    result.insert(2, "edition", edition_on(breakpoints, result["date"]).to_numpy())
    return result


def _hourly_concentrations(hourly: pd.DataFrame, breakpoints: pd.DataFrame) -> pd.DataFrame:
    """The hourly AQI's inputs in the tables' units, one column per (series, parameter) of
    :data:`HOURLY_ITEMS`, indexed by station_code and time: the 1 h means and the moving
    means ending at each hour that has a 1 h mean."""
    parameters = sorted({parameter for parameter, _, _ in HOURLY_ITEMS})
    rows = hourly[hourly["parameter"].isin(parameters).to_numpy()]
    if rows.empty:
        return pd.DataFrame()
    # Both editions' tables share each pollutant's unit (CO in mg/m³, the rest in μg/m³).
    table_units = breakpoints.drop_duplicates("parameter").set_index("parameter")["unit"]
    factors = unit_factors(rows["unit"], rows["parameter"].map(table_units))
    long = pd.DataFrame(
        {
            "station_code": rows["station_code"].array,
            "parameter": rows["parameter"].array,
            "unit": rows["parameter"].map(table_units).array,
            "time": rows["time"].array,  # .array keeps tz-aware times typed
            "value": rows["value"].to_numpy(dtype=float) * factors,
        }
    )
    wide = long.set_index(["station_code", "time", "parameter"])["value"].unstack("parameter")
    columns = {("hourly", str(parameter)): wide[parameter] for parameter in wide.columns}
    for name, parameter, hours, min_hours in (
        ("moving_8h", "a05024", 8, MIN_HOURS_PER_8H),
        ("moving_24h", "a21026", 24, MIN_HOURS_PER_DAY),
    ):
        means = moving_means(long[(long["parameter"] == parameter).to_numpy()], hours, min_hours)
        if not means.empty:
            by_hour = means.set_index(["station_code", "time"])["value"]
            columns[(name, parameter)] = by_hour.reindex(wide.index)
    return pd.DataFrame(columns, index=wide.index)


def hourly_aqi(hourly: pd.DataFrame, breakpoints: pd.DataFrame, zone: str) -> pd.DataFrame:
    """The real-time (hourly) AQI per station and hour, items :data:`HOURLY_ITEMS`.

    ``hourly``: the 1 h means (station_code, parameter, unit, time as tz-aware hour start,
    value). O₃'s 8 h and SO₂'s 24 h moving means ending at each hour are taken from them
    (:func:`.averaging.moving_means`, valid with 6 of 8 and 20 of 24 hours). An hour is rated by
    the edition in force on its local date. The 24 h SO₂ item counts only where the 1 h value is
    above the 1 h table and the edition leaves it unrated (2012: :data:`BEYOND_TOP`).

    Returns station_code, time, edition, aqi, primary and one ``iaqi_<code>_<period>`` column
    per item rated.
    """
    wide = _hourly_concentrations(hourly, breakpoints)
    if wide.empty:
        return pd.DataFrame(columns=["station_code", "time", "edition", "aqi", "primary"])
    times = wide.index.get_level_values("time")
    dates = pd.Series(times.tz_convert(zone).tz_localize(None).floor("D"))
    editions = edition_on(breakpoints, dates).to_numpy()
    iaqis: dict[str, npt.NDArray[np.float64]] = {}
    for parameter, period, name in HOURLY_ITEMS:
        if (name, parameter) not in wide:
            continue
        concentration = wide[(name, parameter)].to_numpy(dtype=float)
        out = np.full(len(wide), np.nan)
        for edition in pd.unique(editions):
            mask = editions == edition
            if edition:
                out[mask] = iaqi(breakpoints, edition, parameter, period, concentration[mask])
        iaqis[f"iaqi_{parameter}_{period}"] = out
    for (parameter, period), (fallback_period, _) in HOURLY_FALLBACK.items():
        rated, fallback = f"iaqi_{parameter}_{period}", f"iaqi_{parameter}_{fallback_period}"
        if fallback in iaqis:
            # only where the 1 h value exists and its table leaves it unrated
            unrated = np.zeros(len(wide), dtype=bool)
            if rated in iaqis:
                measured = ~np.isnan(wide[("hourly", parameter)].to_numpy(dtype=float))
                unrated = np.isnan(iaqis[rated]) & measured
            iaqis[fallback] = np.where(unrated, iaqis[fallback], np.nan)
    table = pd.DataFrame(iaqis, index=wide.index).dropna(axis=1, how="all")
    aqi, primary = _aqi_of(table)
    result = table.reset_index()
    result.insert(2, "aqi", pd.array(aqi, dtype="Int64"))  # IAQIs are whole numbers
    result.insert(3, "primary", primary)
    result.insert(2, "edition", editions)
    return result[result["aqi"].notna().to_numpy()].reset_index(drop=True)
