"""Store a judgement where the API and the map read it: the ``exceedances`` layer, and the
derived status fields of ``stations`` (status, exceeding parameters, latest time and values).

Re-judging a window replaces that window's events, so a changed limit or corrected data never
leaves a stale event behind; the upsert of the rest goes through the ETL's own COPY path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import shapely
import sqlalchemy as sa

from analytics.quality.follow_up import with_follow_ups
from analytics.quality.judge import Judgement
from etl.upsert import geometry_ewkb_hex, upsert
from layers import get_layer

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


def _latest_values(connection: sa.Connection) -> dict[str, str]:
    """Per station, JSON of {parameter: [value, unit, time]} for its latest readings."""
    latest: dict[str, dict[str, list[object]]] = {}
    for station, parameter, value, unit, time in connection.execute(LATEST_VALUES_SQL):
        latest.setdefault(station, {})[parameter] = [value, unit or "", time.isoformat()]
    return {code: json.dumps(values, ensure_ascii=False) for code, values in latest.items()}


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
            }
            for row in status.itertuples(index=False)
        ]
        if updates:
            connection.execute(
                sa.text(
                    "UPDATE stations SET status = :status, status_time = :status_time, "
                    "latest_time = :latest_time, exceeding_parameters = :exceeding, "
                    "latest_values = :latest_values WHERE code = :code"
                ),
                updates,
            )
    return Stored(stored_events, len(updates))
