"""A small hand-built park, inserted with SQL into the test's own database.

Points are placed geodesically (pyproj ``Geod.fwd``) from a site in Nanning, so that distances
and bearings in the tests are exact by construction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pyproj import Geod
from sqlalchemy import Connection, Engine, text

from layers.credit_code import check_character

GEOD = Geod(ellps="WGS84")
SITE = (108.30, 22.80)
T0 = datetime(2024, 6, 1, 0, 0, tzinfo=UTC)


def at(
    azimuth_deg: float, distance_m: float, origin: tuple[float, float] = SITE
) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(origin[0], origin[1], azimuth_deg, distance_m)
    return float(lon), float(lat)


def wkt_point(lonlat: tuple[float, float]) -> str:
    return f"POINT({lonlat[0]!r} {lonlat[1]!r})"


def wkt_line(points: list[tuple[float, float]]) -> str:
    return "LINESTRING(" + ", ".join(f"{x!r} {y!r}" for x, y in points) + ")"


def wkt_polygon(points: list[tuple[float, float]]) -> str:
    ring = [*points, points[0]]
    return "POLYGON((" + ", ".join(f"{x!r} {y!r}" for x, y in ring) + "))"


def credit_code(n: int) -> str:
    first17 = f"91450100MA{n:07d}"
    return first17 + check_character(first17)


class World:
    """Insert rows of the park model; geometries as WKT in EPSG:4326. The geometry helpers are
    attributes too, so the test modules need not import this file."""

    SITE = SITE
    T0 = T0
    at = staticmethod(at)
    wkt_point = staticmethod(wkt_point)
    wkt_line = staticmethod(wkt_line)
    wkt_polygon = staticmethod(wkt_polygon)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._numbers = itertools.count(1)

    def insert(self, table: str, geom: str | None = None, **values: Any) -> None:
        columns = list(values)
        names = ", ".join(columns + (["geom"] if geom else []))
        binds = ", ".join(f":{c}" for c in columns)
        if geom:
            binds += (", " if columns else "") + "ST_GeomFromText(:geom, 4326)"
        self.conn.execute(
            text(f"INSERT INTO {table} ({names}) VALUES ({binds})"), {**values, "geom": geom}
        )

    def enterprise(self, name: str, where: tuple[float, float]) -> str:
        code = credit_code(next(self._numbers))
        self.insert("enterprises", wkt_point(where), name=name, credit_code=code)
        return code

    def outfall(
        self,
        code: str,
        credit: str,
        where: tuple[float, float],
        kind: str = "stack",
        pollutants: list[str] | None = None,
        **values: Any,
    ) -> None:
        self.insert(
            "outfalls",
            wkt_point(where),
            code=code,
            credit_code=credit,
            kind=kind,
            pollutants=pollutants or ["a21026"],
            **values,
        )

    def receptor(self, name: str, geom: str, category: str = "residential", **values: Any) -> None:
        self.insert("receptors", geom, name=name, category=category, **values)

    def station(self, code: str, where: tuple[float, float], kind: str = "met") -> None:
        self.insert("stations", wkt_point(where), code=code, name=f"站点{code}", type=kind)

    def hourly(
        self,
        station: str,
        parameter: str,
        values: list[float | None],
        start: datetime = T0,
        flags: list[str | None] | None = None,
    ) -> None:
        """One value per hour from ``start``; ``None`` leaves the hour out altogether."""
        rows = [
            {
                "station_code": station,
                "time": start + timedelta(hours=i),
                "parameter": parameter,
                "value": v,
                "flag": (flags[i] if flags else "N"),
            }
            for i, v in enumerate(values)
            if v is not None
        ]
        if rows:
            self.conn.execute(
                text(
                    "INSERT INTO observations (station_code, time, parameter, value, flag) "
                    "VALUES (:station_code, :time, :parameter, :value, :flag)"
                ),
                rows,
            )

    def wind(
        self,
        station: str,
        speeds_ms: list[float | None],
        from_deg: list[float | None],
        start: datetime = T0,
        flags: list[str | None] | None = None,
    ) -> None:
        self.hourly(station, "a01007", speeds_ms, start, flags)
        self.hourly(station, "a01008", from_deg, start, flags)


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction on the test's own database."""
    with engine.begin() as connection:
        yield connection


@pytest.fixture
def world(conn: Connection) -> World:
    return World(conn)
