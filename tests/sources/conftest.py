"""A few rows of the park model inserted with SQL into the test's own database."""

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
SITE = (120.0, 32.0)


def credit_code(n: int) -> str:
    first17 = f"91321283MA{n:07d}"
    return first17 + check_character(first17)


class Park:
    """Insert rows; points placed geodesically from :data:`SITE` (``at(azimuth, metres)``)."""

    #: 1 June 2024, 00:00 in the park (UTC+8)
    DAY = datetime(2024, 5, 31, 16, tzinfo=UTC)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._numbers = itertools.count(1)

    @staticmethod
    def at(azimuth_deg: float, distance_m: float) -> tuple[float, float]:
        lon, lat, _ = GEOD.fwd(SITE[0], SITE[1], azimuth_deg, distance_m)
        return float(lon), float(lat)

    def insert(self, table: str, where: tuple[float, float] | None = None, **values: Any) -> None:
        columns = list(values)
        names = ", ".join(columns + (["geom"] if where else []))
        binds = ", ".join(f":{c}" for c in columns)
        if where:
            binds += (", " if columns else "") + "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
        extra = {"lon": where[0], "lat": where[1]} if where else {}
        self.conn.execute(
            text(f"INSERT INTO {table} ({names}) VALUES ({binds})"), {**values, **extra}
        )

    def enterprise(self, name: str, where: tuple[float, float]) -> str:
        code = credit_code(next(self._numbers))
        self.insert("enterprises", where, name=name, credit_code=code)
        return code

    def outfall(self, code: str, credit: str, where: tuple[float, float], **values: Any) -> None:
        self.insert("outfalls", where, code=code, credit_code=credit, **values)

    def station(self, code: str, where: tuple[float, float], kind: str) -> None:
        self.insert("stations", where, code=code, name=f"站点{code}", type=kind)

    def hourly(
        self, station: str, parameter: str, values: list[float], start: datetime, unit: str
    ) -> None:
        rows = [
            {
                "s": station,
                "t": start + timedelta(hours=i),
                "p": parameter,
                "v": v,
                "u": unit,
            }
            for i, v in enumerate(values)
        ]
        self.conn.execute(
            text(
                "INSERT INTO observations (station_code, time, parameter, value, unit, flag) "
                "VALUES (:s, :t, :p, :v, :u, 'N')"
            ),
            rows,
        )


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as connection:
        yield connection


@pytest.fixture
def park(conn: Connection) -> Park:
    return Park(conn)


@pytest.fixture
def client(live_site: tuple[str, Any]) -> Any:
    """Flask's test client on the session's live app (the demo park)."""
    return live_site[1].test_client()
