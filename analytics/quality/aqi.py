"""AQI and the primary pollutant per HJ 633 (2012 and 2026 editions, chosen by date).

IAQI_P = (IAQI_Hi − IAQI_Lo)/(BP_Hi − BP_Lo)·(C_P − BP_Lo) + IAQI_Lo (HJ 633 formula 1), rounded
up to an integer as the reference implementation does; AQI = max IAQI_P; the primary
pollutant(s) are those whose IAQI equals the AQI, named only when AQI > 50 (HJ 633 5.x).

The breakpoints are data: data/standards/hj633_iaqi.csv, whose class ``IAQI n`` holds the
concentration at IAQI n (the same rows are loaded into ``standard_limits``). The daily AQI uses
the 24 h means of SO₂, NO₂, CO, PM10, PM2.5, the daily maximum 1 h O₃ and the maximum daily
8 h O₃.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

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
    from analytics.quality.limits import unit_factor

    columns: list[pd.Series] = []
    for parameter, period, name in DAILY_ITEMS:
        frame = series[name]
        rows = frame[frame["parameter"] == parameter]
        if rows.empty:
            continue
        editions = edition_on(breakpoints, rows["date"])
        out = pd.Series(np.nan, index=rows.index)
        for edition in editions.unique():
            if not edition:
                continue
            mask = (editions == edition).to_numpy()
            table_unit = breakpoints.loc[
                (breakpoints["edition"] == edition) & (breakpoints["parameter"] == parameter),
                "unit",
            ].iloc[0]
            factors = rows.loc[mask, "unit"].map(lambda u, t=table_unit: unit_factor(u, t))
            concentration = rows.loc[mask, "value"].to_numpy() * factors.to_numpy(dtype=float)
            out[mask] = iaqi(breakpoints, edition, parameter, period, concentration)
        key = pd.MultiIndex.from_frame(rows[["station_code", "date"]])
        columns.append(pd.Series(out.to_numpy(), index=key, name=f"iaqi_{parameter}_{period}"))
    if not columns:
        return pd.DataFrame(columns=["station_code", "date", "edition", "aqi", "primary"])
    table = pd.concat(columns, axis=1)
    items = table.to_numpy(dtype=float)
    aqi = np.nanmax(np.where(np.isnan(items), -1.0, items), axis=1)
    aqi[aqi < 0] = np.nan
    names = np.array([c.removeprefix("iaqi_").split("_")[0] for c in table.columns])
    is_max = (items == aqi[:, None]) & (aqi[:, None] > 50)
    primary = [",".join(dict.fromkeys(names[row])) for row in is_max]
    result = table.reset_index()
    result.insert(2, "aqi", aqi)
    result.insert(3, "primary", primary)
    result.insert(2, "edition", edition_on(breakpoints, result["date"]).to_numpy())
    return result
