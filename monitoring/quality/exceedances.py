"""Exceedance events: runs of consecutive averages beyond the limit in force.

Each station is judged by the standard and class of its type (:data:`.limits.DEFAULT_STANDARDS`),
or, at an outfall, by the outfall's own standard, class and permit limits, for every period
that standard has a limit for: 1 h means, 24 h means, the maximum daily 8 h mean (O₃), annual
means, or single samples. Consecutive values beyond the limit (the next hour,
the next day, the next sample) form one event, split where the limit row changes (a new edition). A
parameter with a range (pH 6-9) has a lower and an upper limit row; each is judged on its own,
so a value below 6 and one above 9 are separate events. An event has its station, parameter,
period, start and end (end exclusive for averages; for samples the last sample's time), peak
value and time, the number of values beyond, and the limit with its standard, edition, class,
clause and ``confirmed``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from monitoring.quality.limits import (
    DEFAULT_STANDARDS,
    limits_by_date,
    station_limits,
    unit_factors,
)

EVENT_COLUMNS = [
    "station_code",
    "parameter",
    "period",
    "start",
    "end",
    "peak",
    "peak_time",
    "n_values",
    "limit_value",
    "unit",
    "bound",
    "standard",
    "edition",
    "quality_class",
    "clause",
    "confirmed",
]
#: The columns that name the series a value is judged in: one limit row of one station.
SERIES_KEY = [
    "station_code",
    "parameter",
    "period",
    "standard",
    "edition",
    "quality_class",
    "bound",
    "valid_from",
]
#: The limit rows' text columns (a few dozen distinct values for 10⁵ judged values).
LIMIT_TEXT = ("standard", "edition", "title", "quality_class", "period", "bound", "unit", "clause")
#: Time step between consecutive values of a period ("sample": any next sample).
STEP = {
    "1h": pd.Timedelta(hours=1),
    "8h": pd.Timedelta(days=1),
    "24h": pd.Timedelta(days=1),
    "annual": None,
    "sample": None,
}


def judged_values(
    series: Mapping[str, pd.DataFrame],
    stations: pd.DataFrame,
    limits: pd.DataFrame,
    standards: Mapping[str, tuple[str, str]] = DEFAULT_STANDARDS,
    outfall_stations: pd.DataFrame | None = None,
    permits: pd.DataFrame | None = None,
    conditions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every average (or sample) beside the limit in force on its date, with ``beyond``.

    ``series`` maps a period (``1h``, ``24h``, ``8h``, ``annual``, ``sample``) to a frame of
    station_code, parameter, unit, time (tz-aware start), date (naive local date), value.
    ``stations``: code, type. Stations at an outfall are judged by the outfall's standard and
    its permit limits (``outfall_stations``, ``permits``: see :func:`.limits.station_limits`),
    and operating-condition points by their thresholds (``conditions``).
    """
    every = station_limits(stations, limits, standards, outfall_stations, permits, conditions)
    # Each limit row's series number, for the events to group by without hashing eight
    # columns of every value; the rows' text as categories, merged as codes.
    every["series"] = every.groupby(SERIES_KEY, sort=False).ngroup()
    every = every.astype({c: "category" for c in LIMIT_TEXT})
    parts = []
    for period, frame in series.items():
        # The limit rows each station's parameter is judged by, then one merge of the values
        # with them (rows of parameters without a limit for the period drop out here).
        candidates = every[(every["period"] == period).to_numpy()]
        if frame.empty or candidates.empty:
            continue
        for column in ("station_code", "parameter"):  # merge on the values' categories' codes
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                known = candidates[column].isin(frame[column].cat.categories).to_numpy()
                candidates = candidates[known].astype({column: frame[column].dtype})
        parts.append(limits_by_date(frame, candidates, on=["station_code", "parameter"]))
    if not parts:
        return pd.DataFrame()
    judged = pd.concat(parts, ignore_index=True)
    factor = unit_factors(judged["unit"], judged["limit_unit"])
    value = judged["value"].to_numpy(dtype=float) * factor
    limit = judged["limit_value"].to_numpy(dtype=float)
    lower = judged["bound"].to_numpy() == "lower"
    judged["value"] = value
    judged["beyond"] = np.where(lower, value < limit, value > limit)
    return judged


def exceedance_events(judged: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive ``beyond`` values (from :func:`judged_values`) as events (columns
    :data:`EVENT_COLUMNS`)."""
    if judged.empty or not judged["beyond"].any():
        return pd.DataFrame(columns=EVENT_COLUMNS)
    # the series numbered in the order they first appear, as grouping by SERIES_KEY would
    group = pd.factorize(judged["series"].to_numpy())[0]
    times = judged["time"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    order = np.lexsort((times, group))
    beyond = judged["beyond"].to_numpy()[order]
    position = np.flatnonzero(beyond)  # places in the sorted series of the values beyond
    hits = judged.iloc[order[position]].reset_index(drop=True)
    hit_group = group[order[position]]
    hit_time = times[order[position]]
    periods = hits["period"].astype(object)  # a category's map would keep categories
    step = periods.map(STEP).to_numpy(dtype="timedelta64[ns]")
    gap = np.diff(hit_time, prepend=hit_time[:1])
    # One event while the hits are neighbours in their own series, a step apart.
    continues = (
        (np.diff(position, prepend=-2) == 1)
        & (np.diff(hit_group, prepend=-1) == 0)
        & (np.isnat(step) | (gap == step))
    )
    hits["event"] = np.cumsum(~continues)
    lower = hits["bound"] == "lower"
    rank = hits["value"].where(~lower, -hits["value"])
    peak_rows = hits.loc[rank.groupby(hits["event"]).idxmax()]
    first = hits.groupby("event").first()
    last_time = hits.groupby("event")["time"].last()
    events = pd.DataFrame(
        {
            "station_code": first["station_code"],
            "parameter": first["parameter"],
            "period": first["period"],
            "start": first["time"],
            "end": last_time,
            "peak": peak_rows.set_index("event")["value"],
            "peak_time": peak_rows.set_index("event")["time"],
            "n_values": hits.groupby("event").size(),
            "limit_value": first["limit_value"],
            "unit": first["limit_unit"],
            "bound": first["bound"],
            "standard": first["standard"],
            "edition": first["edition"],
            "quality_class": first["quality_class"],
            "clause": first["clause"],
            "confirmed": first["confirmed"].astype(bool),
        }
    )
    end_step = (
        events["period"].astype(object).map(STEP).astype("timedelta64[ns]").fillna(pd.Timedelta(0))
    )
    events["end"] = events["end"] + end_step
    annual = events["period"] == "annual"
    if annual.any():  # the year after the annual mean's 1 January
        events.loc[annual, "end"] = events.loc[annual, "start"].map(
            lambda t: t + pd.DateOffset(years=1)
        )
    events = events.reset_index(drop=True)[EVENT_COLUMNS]
    return events.astype({c: str for c in events.select_dtypes("category").columns})
