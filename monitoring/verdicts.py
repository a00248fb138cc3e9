"""Which values of a batch are beyond which limit, for a whole batch at once (numpy, pandas).

:func:`monitoring.judging.judge_batch` used to judge value by value; a batch of 2,000 packets
holds 12,000 values, and that loop was a third of the listener's own CPU. Here the batch is a
frame: each value is joined to the limit rows of its station's standard and class, its
parameter and period (:func:`limit_frame`), those in force on its local date are kept, its unit
converted (:func:`monitoring.quality.limits.unit_factors`) and compared. What is left to do
value by value — open, extend or close an alert — is only for the values that can change one:
those beyond a limit, and those within it whose station and subject has an active alert or a
value beyond it in the batch (:func:`verdicts`).
"""

from __future__ import annotations

import json

import numpy as np
import numpy.typing as npt
import pandas as pd
import sqlalchemy as sa

from monitoring.quality.averaging import MIN_HOURS_PER_8H, MIN_HOURS_PER_DAY
from monitoring.quality.limits import unit_factors

_KEY = ["standard", "quality_class", "parameter", "period"]
#: Averaged periods judged when their window closes: (hours, minimum valid hours).
WINDOWS = {"8h": (8, MIN_HOURS_PER_8H), "24h": (24, MIN_HOURS_PER_DAY)}


def limit_frame(limits: pd.DataFrame) -> pd.DataFrame:
    """The limit rows (:func:`monitoring.quality.limits.read_limits`) with what a verdict
    needs: the key, value, bound, unit, validity as datetime64 dates."""
    frame = limits[[*_KEY, "limit_value", "bound", "unit", "valid_from", "valid_to"]].copy()
    frame["unit"] = frame["unit"].where(frame["unit"].map(lambda u: isinstance(u, str)), "")
    frame["limit_value"] = frame["limit_value"].astype(float)
    frame["valid_from"] = pd.to_datetime(frame["valid_from"]).to_numpy(dtype="datetime64[D]")
    frame["valid_to"] = pd.to_datetime(frame["valid_to"]).to_numpy(dtype="datetime64[D]")
    frame["limit_row"] = np.arange(len(frame))
    return frame.reset_index(drop=True)


def verdicts(
    values: pd.DataFrame, limits: pd.DataFrame, active: set[tuple[str, str]]
) -> pd.DataFrame:
    """The verdicts that can change an alert, in the order of ``values``.

    ``values``: one row per value (or window mean) to judge, with ``order`` (its place in the
    batch), ``station_code``, ``parameter``, ``period``, ``standard``, ``quality_class``,
    ``value``, ``unit`` and ``local_day`` (datetime64[D]); ``limits``: :func:`limit_frame`;
    ``active``: (station, subject) of the active exceedances. Returns those rows joined to each
    limit in force, with ``scaled`` (the value in the limit's unit), ``subject``
    (``parameter/period/bound``) and ``beyond``.
    """
    if values.empty or limits.empty:
        return values.iloc[:0]
    joined = values.merge(limits, on=_KEY, how="inner", suffixes=("", "_limit"))
    day = joined["local_day"].to_numpy(dtype="datetime64[D]")
    joined = joined[
        (joined["valid_from"].to_numpy() <= day) & (day <= joined["valid_to"].to_numpy())
    ]
    factor = unit_factors(joined["unit"].to_numpy(), joined["unit_limit"].to_numpy())
    comparable = ~np.isnan(factor)  # units the judgement cannot compare: not judged
    joined = joined[comparable]
    scaled = joined["value"].to_numpy(dtype=float) * factor[comparable]
    limit = joined["limit_value"].to_numpy(dtype=float)
    lower = (joined["bound"] == "lower").to_numpy()
    joined = joined.assign(scaled=scaled, beyond=np.where(lower, scaled < limit, scaled > limit))
    joined["subject"] = joined["parameter"] + "/" + joined["period"] + "/" + joined["bound"]
    beyond = joined["beyond"].to_numpy()
    keys = list(zip(joined["station_code"], joined["subject"], strict=True))
    watched = active | {k for k, b in zip(keys, beyond, strict=True) if b}
    matters = beyond | np.fromiter((k in watched for k in keys), dtype=bool, count=len(keys))
    return joined[matters].sort_values(["order", "limit_row"], kind="stable")


def windows_closed(rows: pd.DataFrame, limits: pd.DataFrame) -> pd.DataFrame:
    """The averaged windows the hourly values of ``rows`` close, one row each (the value's
    row with ``period`` the window's, ``start`` and ``end``): an 8 h mean at every hour, a
    24 h mean at a day's last hour (23:00 local), where the station's standard has a limit
    (``limits``: :func:`limit_frame`)."""
    hourly = rows[(rows["period"] == "1h").to_numpy()]
    limited = limits[_KEY]
    parts = []
    for rank, (averaged, (hours, _)) in enumerate(WINDOWS.items()):
        candidates = hourly if averaged != "24h" else hourly[hourly["local_hour"] == 23]
        keys = limited[limited["period"] == averaged].drop_duplicates()
        window = candidates.assign(period=averaged).merge(keys, how="inner")
        if window.empty:
            continue
        end = pd.to_datetime(window["time"], utc=True) + pd.Timedelta(hours=1)
        window["start"] = end - pd.Timedelta(hours=hours)
        window["end"] = end
        window["order"] = window["order"] * len(WINDOWS) + rank
        parts.append(window)
    if not parts:
        return rows.iloc[:0]
    return pd.concat(parts, ignore_index=True).sort_values("order", kind="stable")


def window_means(
    connection: sa.Connection, windows: pd.DataFrame
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """(valid hours, mean; NaN without one) of each window (``station_code``, ``parameter``,
    ``start``, ``end``), read from ``observations`` in one query."""
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    rows = json.dumps(
        list(
            zip(
                windows["station_code"].tolist(),
                windows["parameter"].tolist(),
                ((windows["start"] - epoch) / pd.Timedelta(seconds=1)).tolist(),
                ((windows["end"] - epoch) / pd.Timedelta(seconds=1)).tolist(),
                strict=True,
            )
        ),
        ensure_ascii=False,
    )
    found = connection.execute(
        sa.text(
            "SELECT r.i, count(o.value), avg(o.value) FROM ("
            " SELECT e ->> 0 AS s, e ->> 1 AS p, to_timestamp((e ->> 2)::float8) AS a,"
            " to_timestamp((e ->> 3)::float8) AS b, i"
            " FROM json_array_elements(CAST(:rows AS json)) WITH ORDINALITY AS r(e, i)) r"
            " LEFT JOIN observations o ON o.station_code = r.s AND o.parameter = r.p"
            " AND o.time >= r.a AND o.time < r.b AND o.value IS NOT NULL"
            " AND (o.flag IS NULL OR o.flag = 'N')"
            " GROUP BY r.i ORDER BY r.i"
        ),
        {"rows": rows},
    ).all()
    counts = np.array([int(count) for _, count, _ in found], dtype=np.int64)
    means = np.array([np.nan if m is None else float(m) for _, _, m in found], dtype=float)
    return counts, means
