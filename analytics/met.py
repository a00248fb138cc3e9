"""Hourly wind at one meteorological station, for the air tracings.

Wind direction is where the wind blows FROM, degrees clockwise from north (HJ 212 a01008;
openair #201); speed is HJ 212 a01007 in m/s. Only values flagged normal (N) or manual (S), or
unflagged, are used: stopped, maintenance, fault, calibration, over-range and communication-fault
values (HJ 212-2017 6.6.4) count as missing. Missing hours stay missing — never filled in.

Several readings in one hour are averaged as vectors (the mean of ws·sin wd and ws·cos wd gives
the hour's direction; the scalar mean gives its speed): angles are never averaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, text

from analytics.errors import NotFoundError

WIND_SPEED = "a01007"
WIND_DIRECTION = "a01008"
VALID_FLAGS = ("N", "S")
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Station:
    code: str
    name: str
    lon: float
    lat: float
    distance_m: float

    def describe(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "lon": round(self.lon, 7),
            "lat": round(self.lat, 7),
            "distance_m": round(self.distance_m, 1),
        }


@dataclass(frozen=True)
class HourlyWind:
    """One value per hour slot (UTC hour start) of a window; NaN where the hour is missing.

    ``u_ms``/``v_ms`` are the east/north components of the air's motion (where it goes TO):
    u = −ws·sin(wd), v = −ws·cos(wd).
    """

    hours: list[datetime]
    zone: tzinfo | None
    speed_ms: npt.NDArray[np.float64]
    from_deg: npt.NDArray[np.float64]
    u_ms: npt.NDArray[np.float64]
    v_ms: npt.NDArray[np.float64]

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        return ~np.isnan(self.speed_ms)

    def calm(self, calm_ms: float) -> npt.NDArray[np.bool_]:
        """Hours with data and a speed below ``calm_ms``."""
        return self.valid & (np.nan_to_num(self.speed_ms, nan=np.inf) < calm_ms)

    def hours_where(self, mask: npt.NDArray[np.bool_]) -> list[str]:
        return [iso(h, self.zone) for h, m in zip(self.hours, mask, strict=True) if m]


def iso(moment: datetime, zone: tzinfo | None = None) -> str:
    """ISO 8601 in ``zone`` (the caller's own time zone, e.g. +08:00), else UTC; UTC as ``Z``."""
    return moment.astimezone(zone or UTC).isoformat().replace("+00:00", "Z")


def hour_slots(start: datetime, end: datetime) -> list[datetime]:
    """The UTC hour slots h with floor_hour(start) ≤ h < end."""
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    count = int(np.ceil((end - first) / HOUR))
    return [first + i * HOUR for i in range(max(count, 0))]


def find_station(conn: Connection, lon: float, lat: float, code: str | None) -> Station:
    """The named meteorological station, or the nearest one (geodesic distance)."""
    point = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
    if code is not None:
        where, order = "code = :code", ""
    else:
        # KNN (<->) on the GiST index picks a handful, geography picks the nearest of them.
        where = (
            "code IN (SELECT code FROM stations WHERE type = 'met' "
            f"ORDER BY geom <-> {point} LIMIT 8)"
        )
        order = "ORDER BY distance_m LIMIT 1"
    row = (
        conn.execute(
            text(
                f"SELECT code, name, type, ST_X(geom) AS lon, ST_Y(geom) AS lat, "
                f"ST_Distance(geom::geography, {point}::geography) AS distance_m "
                f"FROM stations WHERE {where} {order}"
            ),
            {"lon": lon, "lat": lat, "code": code},
        )
        .mappings()
        .first()
    )
    if row is None:
        if code is not None:
            raise NotFoundError(f"未找到站点 {code} / no station with code {code}")
        raise NotFoundError(
            "数据库中没有气象站 / there is no meteorological station (stations.type = 'met'); "
            "load one or name a station"
        )
    return Station(row["code"], row["name"], row["lon"], row["lat"], row["distance_m"])


def read_hourly_wind(
    conn: Connection, station_code: str, start: datetime, end: datetime
) -> HourlyWind:
    """Every hour slot of [start, end) with its wind, NaN where no valid reading exists. Hours
    are reported in ``start``'s time zone."""
    slots = hour_slots(start, end)
    rows = conn.execute(
        text(
            """
            WITH paired AS (
                SELECT date_trunc('hour', time, 'UTC') AS hour, time,
                       max(value) FILTER (WHERE parameter = :ws) AS ws,
                       max(value) FILTER (WHERE parameter = :wd) AS wd
                FROM observations
                WHERE station_code = :code AND parameter IN (:ws, :wd)
                  AND time >= :t0 AND time < :t1 AND value IS NOT NULL
                  AND (flag IS NULL OR flag IN ('N', 'S'))
                GROUP BY 1, time
            )
            SELECT extract(epoch FROM hour)::float8 AS epoch_s, avg(ws) AS ws,
                   avg(ws * sin(radians(wd))) AS east, avg(ws * cos(radians(wd))) AS north
            FROM paired
            WHERE ws >= 0 AND wd >= 0 AND wd <= 360
            GROUP BY hour ORDER BY hour
            """
        ),
        {
            "code": station_code,
            "ws": WIND_SPEED,
            "wd": WIND_DIRECTION,
            "t0": slots[0] if slots else start,
            "t1": slots[-1] + HOUR if slots else end,
        },
    ).all()
    count = len(slots)
    speed = np.full(count, np.nan)
    east = np.full(count, np.nan)
    north = np.full(count, np.nan)
    if rows and count:
        table = np.array(rows, dtype=np.float64)
        index = np.rint((table[:, 0] - slots[0].timestamp()) / 3600.0).astype(np.int64)
        inside = (index >= 0) & (index < count)
        speed[index[inside]], east[index[inside]], north[index[inside]] = table[inside, 1:].T
    from_deg = np.mod(np.degrees(np.arctan2(east, north)), 360.0)
    return HourlyWind(slots, start.tzinfo, speed, from_deg, -east, -north)


def read_hourly_values(
    conn: Connection, station_code: str, parameter: str, slots: list[datetime]
) -> npt.NDArray[np.float64]:
    """The hourly mean of one parameter (e.g. a pollutant at an air station) for each slot,
    NaN where the hour has no valid value."""
    values = np.full(len(slots), np.nan)
    if not slots:
        return values
    rows = conn.execute(
        text(
            """
            SELECT extract(epoch FROM date_trunc('hour', time, 'UTC'))::float8, avg(value)
            FROM observations
            WHERE station_code = :code AND parameter = :parameter
              AND time >= :t0 AND time < :t1 AND value IS NOT NULL
              AND (flag IS NULL OR flag IN ('N', 'S'))
            GROUP BY 1
            """
        ),
        {"code": station_code, "parameter": parameter, "t0": slots[0], "t1": slots[-1] + HOUR},
    ).all()
    if rows:
        table = np.array(rows, dtype=np.float64)
        index = np.rint((table[:, 0] - slots[0].timestamp()) / 3600.0).astype(np.int64)
        inside = (index >= 0) & (index < len(slots))
        values[index[inside]] = table[inside, 1]
    return values
