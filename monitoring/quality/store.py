"""Store a judgement where the API and the map read it: the ``exceedances`` layer, and the
derived status fields of ``stations`` (status, exceeding parameters, latest time, the latest
values with their units and limits as a line a person reads in a popup, and for air stations
the latest hourly AQI with its hour and primary pollutant).

Re-judging a window replaces that window's events, so a changed limit or corrected data never
leaves a stale event behind; the upsert of the rest goes through the ETL's own COPY path.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import shapely
import sqlalchemy as sa

from etl.upsert import geometry_ewkb_hex, upsert
from layers import get_layer
from layers.parameters import BY_CODE
from monitoring.quality.follow_up import with_follow_ups
from monitoring.quality.judge import Judgement
from monitoring.quality.limits import unit_factor

#: The latest value of every parameter per station, newest first (uses the natural-key index).
LATEST_VALUES_SQL = sa.text(
    """
    SELECT DISTINCT ON (station_code, parameter) station_code, parameter, value, unit, time
    FROM observations WHERE value IS NOT NULL
    ORDER BY station_code, parameter, time DESC
    """
)


@dataclass(frozen=True)
class Stored:
    events: int
    stations: int


def _stations(connection: sa.Connection) -> pd.DataFrame:
    rows = connection.execute(
        sa.text("SELECT code, type, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM stations")
    )
    return pd.DataFrame(rows.fetchall(), columns=["code", "type", "lon", "lat"]).set_index("code")


#: The limits shown beside a latest value: those of class II air / class III water in force on
#: the value's date, by the shortest period the standard has (1 h, else a single sample, else
#: 24 h), every bound of it (pH: 6-9; DO: a lower bound).
LIMITS_SQL = sa.text(
    """
    SELECT parameter, period, bound, limit_value, unit, valid_from, valid_to
    FROM standard_limits
    WHERE period IN ('1h', '24h', 'sample')
      AND ((standard = 'GB 3095' AND quality_class = 'II')
        OR (standard = 'GB 3838' AND quality_class = 'III'))
    ORDER BY parameter, valid_from, array_position(ARRAY['1h', 'sample', '24h'], period), bound
    """
)


PERIOD_ZH = {"1h": "小时", "24h": "日均", "sample": ""}


@dataclass(frozen=True)
class ShownLimit:
    """The limit of one parameter over one date range, as a popup shows it."""

    valid_from: dt.date
    valid_to: dt.date | None
    text: str  # e.g. 小时限值 500 μg/m³, 限值 6–9, 限值 ≥5 mg/L


def limit_text(period: str, bounds: dict[str, float], unit: str) -> str:
    """``小时限值 500 μg/m³``, ``限值 ≥5 mg/L`` or, for a range, ``限值 6–9``."""
    shown_unit = "" if unit_factor(unit, "") == 1.0 else f" {unit}"
    if "lower" in bounds and "upper" in bounds:
        value = f"{bounds['lower']:g}–{bounds['upper']:g}"
    elif "lower" in bounds:
        value = f"≥{bounds['lower']:g}"
    else:
        value = f"{bounds['upper']:g}"
    return f"{PERIOD_ZH.get(period, '')}限值 {value}{shown_unit}"


def _shown_limits(connection: sa.Connection) -> dict[str, list[ShownLimit]]:
    """Per parameter, the limit text of each date range (the first period in SQL order)."""
    rows: dict[tuple[str, dt.date], list[sa.Row[Any]]] = {}
    for row in connection.execute(LIMITS_SQL):
        rows.setdefault((row.parameter, row.valid_from), []).append(row)
    shown: dict[str, list[ShownLimit]] = {}
    for (parameter, valid_from), group in rows.items():
        period = group[0].period
        chosen = [r for r in group if r.period == period]
        bounds = {r.bound: float(r.limit_value) for r in chosen}
        text = limit_text(period, bounds, chosen[0].unit)
        shown.setdefault(parameter, []).append(ShownLimit(valid_from, chosen[0].valid_to, text))
    return shown


def _latest_values(connection: sa.Connection) -> dict[str, str]:
    """Per station, its latest reading of each parameter as one line a person reads, with the
    limit in force (e.g. ``二氧化硫 20 μg/m³（小时限值 500 μg/m³）``, ``pH值 7.2（限值 6–9）``)."""
    limits = _shown_limits(connection)
    lines: dict[str, list[str]] = {}
    for station, parameter, value, unit, time in connection.execute(LATEST_VALUES_SQL):
        name = BY_CODE[parameter].zh if parameter in BY_CODE else parameter
        text = f"{name} {value:g} {unit or ''}".rstrip()
        day = time.date()
        for limit in limits.get(parameter, []):
            if limit.valid_from <= day and (limit.valid_to is None or day <= limit.valid_to):
                text += f"（{limit.text}）"
                break
        lines.setdefault(station, []).append(text)
    return {code: "；".join(items) for code, items in lines.items()}


NO_AQI: dict[str, object] = {"aqi": None, "aqi_time": None, "primary_pollutant": None}


def pollutant_names(codes: str) -> str:
    """``a34004,a05024`` → ``细颗粒物（PM2.5）、臭氧（O₃）``; empty stays empty."""
    names = [
        f"{BY_CODE[c].zh}（{BY_CODE[c].en}）" if c in BY_CODE else c for c in codes.split(",") if c
    ]
    return "、".join(names)


def latest_aqi(hourly: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Per station, its latest hourly AQI, the hour, and the primary pollutant(s) by name."""
    if hourly.empty:
        return {}
    latest = hourly.sort_values("time").groupby("station_code").tail(1)
    return {
        row.station_code: {
            "aqi": int(row.aqi),
            "aqi_time": row.time.to_pydatetime(),
            "primary_pollutant": pollutant_names(row.primary) or None,
        }
        for row in latest.itertuples(index=False)
    }


def _event_rows(events: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    layer = get_layer("exceedances")
    known = events[events["station_code"].isin(stations.index)]
    rows = with_follow_ups(known, stations).rename(
        columns={"start": "start_time", "end": "end_time"}
    )
    rows["trace_inputs"] = rows["trace_inputs"].map(
        lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else None
    )
    rows["edition"] = rows["edition"].astype("string")
    values = rows[list(layer.field_names)].reset_index(drop=True)
    where = stations.loc[values["station_code"]]
    points = shapely.points(where["lon"].to_numpy(), where["lat"].to_numpy())
    values["geom"] = geometry_ewkb_hex(points, layer.srid)
    return values


def store_judgement(
    engine: sa.Engine,
    judgement: Judgement,
    start: pd.Timestamp,
    end: pd.Timestamp,
    as_of: pd.Timestamp,
) -> Stored:
    """Replace the events starting in [start, end) and refresh every station's status."""
    layer = get_layer("exceedances")
    with engine.begin() as connection:
        stations = _stations(connection)
        connection.execute(
            sa.text("DELETE FROM exceedances WHERE start_time >= :s AND start_time < :e"),
            {"s": start.to_pydatetime(), "e": end.to_pydatetime()},
        )
        values = _event_rows(judgement.events, stations)
        stored_events = sum(upsert(connection, layer, values)) if not values.empty else 0
        latest = _latest_values(connection)
        aqi = latest_aqi(judgement.hourly_aqi)
        status = judgement.status
        updates = [
            {
                "code": row.station_code,
                "status": row.status,
                "status_time": as_of.to_pydatetime(),
                "latest_time": None
                if pd.isna(row.latest_time)
                else row.latest_time.to_pydatetime(),
                "exceeding": row.exceeding_parameters or None,
                "latest_values": latest.get(row.station_code),
                **aqi.get(row.station_code, NO_AQI),
            }
            for row in status.itertuples(index=False)
        ]
        if updates:
            connection.execute(
                sa.text(
                    "UPDATE stations SET status = :status, status_time = :status_time, "
                    "latest_time = :latest_time, exceeding_parameters = :exceeding, "
                    "latest_values = :latest_values, aqi = :aqi, aqi_time = :aqi_time, "
                    "primary_pollutant = :primary_pollutant WHERE code = :code"
                ),
                updates,
            )
    return Stored(stored_events, len(updates))
