"""What the database says about the collections at start: extents and the park's GK zone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, create_engine

from geoapi.crs import cgcs2000_gk3_srid
from geoapi.query import collection_layers
from onemap.database import normalise_url

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


def _create(url: str) -> Engine:
    return create_engine(
        normalise_url(url),
        pool_size=8,
        max_overflow=8,
        pool_pre_ping=False,
        connect_args={"options": "-c timezone=UTC", "application_name": "onemap-geoapi"},
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
        engine.dispose()
    _engines.clear()
