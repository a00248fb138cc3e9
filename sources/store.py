"""Store loads where the API and the map read them: the ``discharge_loads`` layer and the
outfalls' derived popup lines (the limits in force, the latest day's loads).

Loads are upserted on (outfall, parameter, interval, period start): judging a range again
replaces its periods' loads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from etl.upsert import upsert
from layers import get_layer
from layers.parameters import BY_CODE
from layers.shared_fields import AVERAGING_PERIOD
from monitoring.quality.limits import read_limits
from sources.catalogue import store_catalogue_measures
from sources.loads import discharge_loads
from sources.manual import store_manual_verdicts
from sources.totals import amount, park_totals, running_totals, total_line

PERIOD_ZH = {str(c.value): c.zh for c in AVERAGING_PERIOD.choices}
BOUND_SIGN = {"upper": "≤", "lower": "≥"}


def store_loads(connection: sa.Connection, loads: pd.DataFrame) -> int:
    """Upsert ``loads`` (:data:`sources.loads.LOAD_COLUMNS`) into ``discharge_loads``; the
    number of rows written."""
    if loads.empty:
        return 0
    frame = loads.copy()
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    inserted, updated = upsert(connection, get_layer("discharge_loads"), frame)
    return inserted + updated


def _name(code: str) -> str:
    parameter = BY_CODE.get(code)
    return parameter.zh if parameter else code


def _shown(value: float, unit: object) -> str:
    return f"{value:g}" + (f" {unit}" if isinstance(unit, str) and unit else "")


def limit_lines(
    outfalls: pd.DataFrame, limits: pd.DataFrame, permits: pd.DataFrame, on: dt.date
) -> dict[str, str]:
    """Outfall code → its limits in force on ``on``, one clause per pollutant it emits: the
    permit's where the permit has one, else its standard's (``化学需氧量 24小时平均 ≤ 500
    mg/L（GB 8978-1996 三级）``)."""
    when = pd.Timestamp(on)
    in_force = limits[(limits["valid_from"] <= when) & (when <= limits["valid_to"])]
    lines: dict[str, str] = {}
    for outfall in outfalls.itertuples(index=False):
        parts: list[str] = []
        own = permits[permits["outfall_code"] == outfall.code] if not permits.empty else permits
        for code in outfall.pollutants or ():
            mine = own[own["parameter"] == code] if not own.empty else own
            if not mine.empty:
                parts.extend(
                    f"{_name(code)} {PERIOD_ZH.get(r.period, r.period)} {BOUND_SIGN[r.bound]} "
                    f"{_shown(r.limit_value, r.unit)}（许可 / permit）"
                    for r in mine.itertuples(index=False)
                )
                continue
            rows = in_force[
                (in_force["standard"] == outfall.standard)
                & (in_force["quality_class"] == outfall.standard_class)
                & (in_force["parameter"] == code)
            ]
            parts.extend(
                f"{_name(code)} {PERIOD_ZH.get(r.period, r.period)} {BOUND_SIGN[r.bound]} "
                f"{_shown(r.limit_value, r.unit)}（{r.standard}-{r.edition} {r.quality_class}）"
                for r in rows.itertuples(index=False)
            )
        if parts:
            lines[outfall.code] = "；".join(parts)
    return lines


def latest_load_lines(loads: pd.DataFrame) -> dict[str, str]:
    """Outfall code → its latest day's loads (``2025-12-31：化学需氧量 12.3 kg，氨氮 1.2 kg``)."""
    days = loads[loads["interval"] == "day"]
    if days.empty:
        return {}
    latest = days.groupby("outfall_code")["period_start"].transform("max")
    last = days[days["period_start"] == latest].sort_values(["outfall_code", "parameter"])
    return {
        code: f"{group['period_start'].iloc[0]}："
        + "，".join(
            f"{_name(p)} {amount(kg)} kg"
            for p, kg in zip(group["parameter"], group["load_kg"], strict=True)
        )
        for code, group in last.groupby("outfall_code")
    }


def read_outfalls(connection: sa.Connection) -> pd.DataFrame:
    """Every outfall's code, enterprise, standard, class and pollutants."""
    rows = connection.execute(
        sa.text("SELECT code, credit_code, standard, standard_class, pollutants FROM outfalls")
    ).all()
    return pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["code", "credit_code", "standard", "standard_class", "pollutants"],
    )


def read_permits(connection: sa.Connection) -> pd.DataFrame:
    """Every permit limit (outfall_code, parameter, period, bound, limit_value, unit), as
    :func:`limit_lines` reads them."""
    rows = connection.execute(
        sa.text(
            "SELECT outfall_code, parameter, period, bound, limit_value, unit, valid_from,"
            " valid_to FROM permit_limits ORDER BY outfall_code, parameter, period, bound"
        )
    ).all()
    return pd.DataFrame(
        [tuple(r) for r in rows],
        columns=[
            "outfall_code",
            "parameter",
            "period",
            "bound",
            "limit_value",
            "unit",
            "valid_from",
            "valid_to",
        ],
    )


def _set_column(connection: sa.Connection, column: str, values: dict[str, str]) -> None:
    connection.execute(sa.text(f"UPDATE outfalls SET {column} = NULL WHERE {column} IS NOT NULL"))
    if values:
        connection.execute(
            sa.text(f"UPDATE outfalls SET {column} = :text WHERE code = :code"),
            [{"code": code, "text": text} for code, text in values.items()],
        )


def expired_permits(permits: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """The (outfall, pollutant)s whose permit limits have all ended before ``on`` (none in
    force, none still to come): outfall_code, parameter, valid_to (the last one's end). Their
    outfalls are judged by their standard again, and the permit is to be renewed."""
    if permits.empty:
        return pd.DataFrame(columns=["outfall_code", "parameter", "valid_to"])
    on_day = pd.Timestamp(on)
    ends = pd.to_datetime(permits["valid_to"])  # NaT: open-ended
    frame = permits.assign(end=ends, current=ends.isna() | (ends >= on_day))
    by = frame.groupby(["outfall_code", "parameter"], as_index=False).agg(
        current=("current", "any"), valid_to=("end", "max")
    )
    out = by[~by["current"].to_numpy()]
    return out.assign(valid_to=out["valid_to"].dt.date)[["outfall_code", "parameter", "valid_to"]]


def expiry_lines(expired: pd.DataFrame) -> dict[str, str]:
    """Outfall code → the warning of its expired permit limits (``许可限值已失效：化学需氧量
    （2025-06-30）…``)."""
    return {
        code: "许可限值已失效，按执行标准判定 / permit limits expired, judged by the standard："
        + "，".join(
            f"{_name(p)}（{end}）"
            for p, end in zip(group["parameter"], group["valid_to"], strict=True)
        )
        for code, group in expired.sort_values(["outfall_code", "parameter"]).groupby(
            "outfall_code"
        )
    }


def store_outfall_lines(
    connection: sa.Connection, loads: pd.DataFrame, on: dt.date
) -> pd.DataFrame:
    """Write the outfalls' ``limits`` (in force on ``on``, with a warning where a permit's
    limits have expired) and ``latest_load`` lines; returns the expired permit limits
    (:func:`expired_permits`)."""
    outfalls = read_outfalls(connection)
    limits = read_limits(connection)
    permits = read_permits(connection)
    expired = expired_permits(permits, on)
    on_day = pd.Timestamp(on)
    if not permits.empty:
        valid_to = pd.to_datetime(permits["valid_to"])
        started = pd.to_datetime(permits["valid_from"]) <= on_day
        permits = permits[(started & (valid_to.isna() | (on_day <= valid_to))).to_numpy()]
    lines = limit_lines(outfalls, limits, permits, on)
    for code, warning in expiry_lines(expired).items():
        lines[code] = f"{lines[code]}；{warning}" if code in lines else warning
    _set_column(connection, "limits", lines)
    _set_column(connection, "latest_load", latest_load_lines(loads))
    return expired


def store_totals(connection: sa.Connection, on: dt.date) -> pd.DataFrame:
    """Write each permitted total's running total, share and warning (as of ``on``) from the
    stored yearly loads, and the outfalls' ``permit_totals`` lines for ``on``'s year; returns
    the permitted totals with their running totals."""
    permits = pd.DataFrame(
        [
            tuple(r)
            for r in connection.execute(
                sa.text("SELECT credit_code, parameter, year, permitted_t FROM permit_totals")
            )
        ],
        columns=["credit_code", "parameter", "year", "permitted_t"],
    )
    yearly = pd.DataFrame(
        [
            tuple(r)
            for r in connection.execute(
                sa.text(
                    "SELECT credit_code, parameter, date_part('year', period_start)::int, load_kg"
                    " FROM discharge_loads WHERE interval = 'year'"
                )
            )
        ],
        columns=["credit_code", "parameter", "year", "load_kg"],
    )
    totals = running_totals(permits, yearly)
    if not totals.empty:
        connection.execute(
            sa.text(
                "UPDATE permit_totals SET emitted_t = :emitted_t, share_pct = :share_pct,"
                " total_status = :total_status, as_of = :as_of"
                " WHERE credit_code = :credit_code AND parameter = :parameter AND year = :year"
            ),
            [
                {
                    "emitted_t": float(r.emitted_t),
                    "share_pct": float(r.share_pct),
                    "total_status": r.total_status,
                    "as_of": on,
                    "credit_code": r.credit_code,
                    "parameter": r.parameter,
                    "year": int(r.year),
                }
                for r in totals.itertuples(index=False)
            ],
        )
    this_year = totals[totals["year"] == on.year].sort_values(["credit_code", "parameter"])
    by_enterprise = {
        credit: "；".join(total_line(row) for _, row in group.iterrows())
        for credit, group in this_year.groupby("credit_code")
    }
    outfalls = read_outfalls(connection)
    lines = {
        code: by_enterprise[credit]
        for code, credit in zip(outfalls["code"], outfalls["credit_code"], strict=True)
        if credit in by_enterprise
    }
    _set_column(connection, "permit_totals", lines)
    return totals


#: The yearly loads that count for the park's totals: every stack and fugitive point, and the
#: outfalls that discharge to a river (what goes to the sewers is counted at the WWTP's effluent).
PARK_LOADS_SQL = sa.text(
    """
    SELECT l.parameter, date_part('year', l.period_start)::int AS year, l.load_kg
    FROM discharge_loads l JOIN outfalls o ON o.code = l.outfall_code
    WHERE l.interval = 'year'
      AND (o.kind IN ('stack', 'fugitive') OR o.river_reach IS NOT NULL)
    """
)


def store_park_targets(connection: sa.Connection, on: dt.date) -> pd.DataFrame:
    """Write the park targets' running totals, shares and warnings (as of ``on``)."""
    targets = pd.DataFrame(
        [
            tuple(r)
            for r in connection.execute(
                sa.text("SELECT year, parameter, target_t FROM park_targets")
            )
        ],
        columns=["year", "parameter", "target_t"],
    )
    yearly = pd.DataFrame(
        [tuple(r) for r in connection.execute(PARK_LOADS_SQL)],
        columns=["parameter", "year", "load_kg"],
    )
    totals = park_totals(targets, yearly)
    if not totals.empty:
        connection.execute(
            sa.text(
                "UPDATE park_targets SET emitted_t = :emitted_t, share_pct = :share_pct,"
                " total_status = :total_status, as_of = :as_of"
                " WHERE parameter = :parameter AND year = :year"
            ),
            [
                {
                    "emitted_t": float(r.emitted_t),
                    "share_pct": float(r.share_pct),
                    "total_status": r.total_status,
                    "as_of": on,
                    "parameter": r.parameter,
                    "year": int(r.year),
                }
                for r in totals.itertuples(index=False)
            ],
        )
    return totals


@dataclass(frozen=True)
class StoredSources:
    """What :func:`store_sources` wrote: the number of load rows, the permitted totals with
    their running totals (``total_status`` warning at 80 %, exceeded at 100 %), and the park's
    targets with theirs."""

    loads: int
    totals: pd.DataFrame
    park: pd.DataFrame
    #: the verdicts of the accepted manual and fugitive results (``sources.manual``)
    manual: pd.DataFrame | None = None
    #: permit limits no longer valid on the date the lines are for (``expired_permits``)
    expired_permits: pd.DataFrame | None = None


def store_sources(
    engine: sa.Engine,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    as_of: pd.Timestamp | None = None,
    zone: str = "Asia/Shanghai",
    observations: pd.DataFrame | None = None,
    loads: pd.DataFrame | None = None,
) -> StoredSources:
    """Compute the loads of ``[start, end)`` and store them with the outfalls' popup lines
    (limits in force on ``as_of``'s local date, default ``end``'s), the running totals and the
    park's. ``observations``: the range's, when the judgement has read them already;
    ``loads``: the range's loads, when computed already (``sources.loads.loads_while``)."""
    if loads is None:
        loads = discharge_loads(engine, start, end, zone=zone, observations=observations)
    moment = as_of if as_of is not None else end
    on = (moment - pd.Timedelta(microseconds=1)).tz_convert(zone).date()
    with engine.begin() as connection:
        written = store_loads(connection, loads)
        expired = store_outfall_lines(connection, loads, on)
        totals = store_totals(connection, on)
        park = store_park_targets(connection, on)
        manual = store_manual_verdicts(connection, zone)
        store_catalogue_measures(connection, on.year, zone)  # after the loads and verdicts
        # carbon intensity (t CO₂ per unit of output) where the output is given
        connection.execute(
            sa.text(
                "UPDATE carbon_accounts SET intensity = CASE WHEN output > 0"
                " THEN co2_t / output END WHERE intensity IS DISTINCT FROM"
                " (CASE WHEN output > 0 THEN co2_t / output END)"
            )
        )
    return StoredSources(
        loads=written, totals=totals, park=park, manual=manual, expired_permits=expired
    )
