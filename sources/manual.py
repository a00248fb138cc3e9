"""Manual and fugitive monitoring results judged by their point's limit (Jiangsu 7.4.2, 7.4.3:
"列示应执行的标准名称、标准编号和管控限值").

Each accepted result of ``manual_monitoring`` is judged by the limit in force on its local
date: the point's permit limit for the pollutant where there is one, else its outfall's
standard and class. A single sample is held against the limit of the shortest period the
limit table has (a sample, else the 1 h, else the 24 h limit), each bound on its own (pH 6-9).
A unit that does not convert to the limit's (mg/m³ for a water parameter) is not judged, and
says so. The verdict, the limit and where it comes from are written on the row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from layers.declared_fields import ACCEPTED
from layers.shared_fields import AVERAGING_PERIOD
from monitoring.quality.limits import read_limits, unit_factors

#: The periods a single sample is held against, shortest first.
SAMPLE_PERIODS = ("sample", "1h", "24h")
PERIOD_ZH = {str(c.value): c.zh for c in AVERAGING_PERIOD.choices}
VERDICT_COLUMNS = ["id", "limit_value", "limit_source", "exceeded"]


def _candidates(
    results: pd.DataFrame, outfalls: pd.DataFrame, limits: pd.DataFrame, permits: pd.DataFrame
) -> pd.DataFrame:
    """Every limit row each result could be judged by, with its ``priority`` (permit 0)."""
    by_permit = results.merge(permits, on=["outfall_code", "parameter"], suffixes=("", "_limit"))
    by_permit["priority"] = 0
    by_permit["source"] = (
        "排污许可证 / permit " + by_permit["permit_no"].fillna("").astype(str)
    ).str.strip()
    with_standard = results.merge(
        outfalls.rename(columns={"code": "outfall_code", "standard_class": "quality_class"}),
        on="outfall_code",
    )
    by_standard = with_standard.merge(
        limits, on=["standard", "quality_class", "parameter"], suffixes=("", "_limit")
    )
    by_standard["priority"] = 1
    by_standard["source"] = (
        by_standard["standard"]
        + "-"
        + by_standard["edition"].astype(str)
        + " "
        + by_standard["quality_class"]
    )
    columns = [
        "id", "value", "unit", "date", "priority", "source", "period", "bound",
        "limit_value", "unit_limit", "valid_from", "valid_to",
    ]  # fmt: skip
    frame = pd.concat([by_permit[columns], by_standard[columns]], ignore_index=True)
    in_force = (frame["valid_from"] <= frame["date"]) & (frame["date"] <= frame["valid_to"])
    return frame[(in_force & frame["period"].isin(SAMPLE_PERIODS)).to_numpy()]


def judge_manual(
    results: pd.DataFrame,
    outfalls: pd.DataFrame,
    limits: pd.DataFrame,
    permits: pd.DataFrame,
    zone: str = "Asia/Shanghai",
) -> pd.DataFrame:
    """The verdict of each result (columns :data:`VERDICT_COLUMNS`; results without a limit
    are left out).

    ``results``: id, outfall_code, parameter, sampled_at (tz-aware), value, unit;
    ``outfalls``: code, standard, standard_class; ``limits``: typed standard rows
    (``read_limits``); ``permits``: outfall_code, permit_no, parameter, period, bound,
    limit_value, unit, valid_from, valid_to.
    """
    if results.empty:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    dated = results.assign(
        date=pd.to_datetime(results["sampled_at"], utc=True)
        .dt.tz_convert(zone)
        .dt.tz_localize(None)
        .dt.normalize()
    )
    typed = permits.assign(
        valid_from=pd.to_datetime(permits["valid_from"]),
        valid_to=pd.to_datetime(permits["valid_to"]).fillna(pd.Timestamp.max.normalize()),
    )
    frame = _candidates(dated, outfalls, limits, typed)
    if frame.empty:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    # the permit's rows where it has any, then the shortest period per bound
    frame = frame[(frame["priority"] == frame.groupby("id")["priority"].transform("min"))]
    rank = frame["period"].map({p: k for k, p in enumerate(SAMPLE_PERIODS)})
    frame = frame.assign(rank=rank)
    shortest = frame.groupby(["id", "bound"])["rank"].transform("min")
    frame = frame[(frame["rank"] == shortest).to_numpy()].copy()
    factor = unit_factors(frame["unit"], frame["unit_limit"])
    value = frame["value"].to_numpy(dtype=float) * factor
    limit = frame["limit_value"].to_numpy(dtype=float)
    lower = (frame["bound"] == "lower").to_numpy()
    beyond = np.where(lower, value < limit, value > limit)
    frame["beyond"] = pd.array(np.where(np.isnan(value), None, beyond), dtype="boolean")
    frame["label"] = frame["source"] + " " + frame["period"].map(PERIOD_ZH).fillna(frame["period"])
    frame.loc[pd.isna(value), "label"] = (
        "单位不符，未判定 / the unit does not convert to the limit's ("
        + frame["unit"].fillna("").astype(str)
        + " → "
        + frame["unit_limit"].fillna("").astype(str)
        + ")"
    )
    frame = frame.sort_values(["id", "bound"], ascending=[True, False])  # upper first
    verdicts = frame.groupby("id", sort=True).agg(
        limit_value=("limit_value", "first"),
        limit_source=("label", "first"),
        exceeded=("beyond", lambda b: None if b.isna().all() else bool(b.fillna(False).any())),
    )
    return verdicts.reset_index()[VERDICT_COLUMNS]


MANUAL_SQL = sa.text(
    "SELECT id, outfall_code, parameter, sampled_at, value, unit FROM manual_monitoring"
    f" WHERE {ACCEPTED}"
)


def store_manual_verdicts(connection: sa.Connection, zone: str = "Asia/Shanghai") -> pd.DataFrame:
    """Judge every accepted manual result and write its limit and verdict (other rows: none);
    returns the verdicts."""
    results = pd.DataFrame(
        [tuple(r) for r in connection.execute(MANUAL_SQL)],
        columns=["id", "outfall_code", "parameter", "sampled_at", "value", "unit"],
    )
    outfalls = pd.DataFrame(
        [
            tuple(r)
            for r in connection.execute(
                sa.text("SELECT code, standard, standard_class FROM outfalls")
            )
        ],
        columns=["code", "standard", "standard_class"],
    )
    permit_columns = [
        "outfall_code", "permit_no", "parameter", "period", "bound", "limit_value", "unit",
        "valid_from", "valid_to",
    ]  # fmt: skip
    permits = pd.DataFrame(
        [
            tuple(r)
            for r in connection.execute(
                sa.text(f"SELECT {', '.join(permit_columns)} FROM permit_limits")
            )
        ],
        columns=permit_columns,
    )
    verdicts = judge_manual(results, outfalls, read_limits(connection), permits, zone)
    connection.execute(
        sa.text(
            "UPDATE manual_monitoring SET limit_value = NULL, limit_source = NULL,"
            " exceeded = NULL WHERE limit_source IS NOT NULL OR exceeded IS NOT NULL"
        )
    )
    if not verdicts.empty:
        connection.execute(
            sa.text(
                "UPDATE manual_monitoring SET limit_value = :limit_value,"
                " limit_source = :limit_source, exceeded = :exceeded WHERE id = :id"
            ),
            [
                {
                    "id": int(r.id),
                    "limit_value": float(r.limit_value),
                    "limit_source": r.limit_source,
                    "exceeded": None if r.exceeded is None else bool(r.exceeded),
                }
                for r in verdicts.itertuples(index=False)
            ],
        )
    return verdicts
