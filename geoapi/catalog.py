"""What the database says about the collections at start: extents and the park's GK zone."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Engine

from geoapi.crs import cgcs2000_gk3_srid
from geoapi.query import collection_layers
from onemap.database import ReadRouter, live_engine, read_url

#: The longest an API or page query may run (PostgreSQL ``statement_timeout``), in ms; 0 = none.
ENV_STATEMENT_TIMEOUT = "ONEMAP_STATEMENT_TIMEOUT_MS"
DEFAULT_STATEMENT_TIMEOUT_MS = 30_000

#: When the park table is empty the zone falls back to the demo park's (CM 120° E).
DEFAULT_LONGITUDE_DEG = 120.0


@dataclass(frozen=True)
class Extent:
    """A collection's spatial extent (CRS84) and temporal extent (RFC 3339), when known."""

    bbox: tuple[float, float, float, float] | None
    interval: tuple[str | None, str | None] | None


_engines: dict[str, Engine] = {}


def pooled_engine(url: str) -> Engine:
    """The API's engine: one pool per worker and URL, session time zone UTC."""
    if url not in _engines:
        _engines[url] = _create(url)
    return _engines[url]


def reading_engine(url: str) -> Engine:
    """The engine for the API's and the page's reads: a :class:`onemap.database.ReadRouter`
    over the read replica (``ONEMAP_DATABASE_READ_URL``) and ``url`` when a replica is
    configured, else ``url``'s pooled engine."""
    replica = read_url()
    if replica is None:
        return pooled_engine(url)
    key = f"read:{url}"
    if key not in _engines:
        _engines[key] = ReadRouter(pooled_engine(url), pooled_engine(replica))  # type: ignore[assignment]
    return _engines[key]


def statement_timeout_ms() -> int:
    """The configured statement timeout (:data:`ENV_STATEMENT_TIMEOUT`), in ms."""
    raw = os.environ.get(ENV_STATEMENT_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_STATEMENT_TIMEOUT_MS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(
            f"{ENV_STATEMENT_TIMEOUT} 须为整数毫秒 / must be a whole number of milliseconds "
            f"(got {raw!r})"
        ) from None
    if value < 0:
        raise ValueError(f"{ENV_STATEMENT_TIMEOUT} must be >= 0 (got {raw!r})")
    return value


def _create(url: str) -> Engine:
    # The URL is re-resolved at each connect and every checkout is pinged (live_engine): a
    # restarted database, even on another port, is found again without restarting the app.
    options = f"-c timezone=UTC -c statement_timeout={statement_timeout_ms()}"
    return live_engine(
        url,
        pool_size=8,
        max_overflow=8,
        # a request waits at most this long for a pooled connection, then gets a 503
        pool_timeout=10,
        connect_args={
            "options": options,
            "application_name": "onemap-geoapi",
            # an unreachable server answers within seconds, not after the OS's TCP timeout
            "connect_timeout": 5,
        },
    )


def read_extents(engine: Engine) -> dict[str, Extent]:
    """Every collection's extent, read from the data (ST_Extent, min/max of the time field)."""
    out = {}
    with engine.connect() as connection:
        for layer in collection_layers():
            bbox = interval = None
            if layer.geometry is not None:
                row = connection.exec_driver_sql(
                    f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                    f'FROM (SELECT ST_Extent(geom) AS e FROM "{layer.id}") s'
                ).one()
                bbox = tuple(row) if row[0] is not None else None
            if layer.time_field:
                row = connection.exec_driver_sql(
                    f'SELECT min("{layer.time_field}"), max("{layer.time_field}") FROM "{layer.id}"'
                ).one()
                if row[0] is not None:
                    interval = tuple(v.strftime("%Y-%m-%dT%H:%M:%SZ") for v in row)
            out[layer.id] = Extent(bbox, interval)  # type: ignore[arg-type]
    return out


def park_zone_srid(engine: Engine) -> int:
    """EPSG code of the CGCS2000 3° GK zone holding the park's centroid."""
    with engine.connect() as connection:
        longitude = connection.exec_driver_sql(
            "SELECT ST_X(ST_Centroid(ST_Collect(geom))) FROM park"
        ).scalar_one_or_none()
    return cgcs2000_gk3_srid(longitude if longitude is not None else DEFAULT_LONGITUDE_DEG)


def dispose_engines() -> None:
    """Close every pooled connection (tests, and workers shutting down)."""
    for engine in list(_engines.values()):
        if not isinstance(engine, ReadRouter):  # its engines are in the dict themselves
            engine.dispose()
    _engines.clear()
