"""Whole-collection downloads: CSV (for Excel) and GeoPackage (for QGIS offline).

The request's filters apply; paging does not (a download is the whole selection).
"""

from __future__ import annotations

import os
import tempfile

import geopandas as gpd
import pandas as pd
import shapely
from flask import Response
from sqlalchemy import Engine

from geoapi.query import ItemsQuery
from geoapi.times import response_zone

CSV_MIME = "text/csv; charset=utf-8"
GPKG_MIME = "application/geopackage+sqlite3"
GPKG_VERSION = "1.2"


def _select(q: ItemsQuery) -> str:
    columns = ", ".join(['"id"', *(f'"{name}"' for name in q.properties)])
    where = " AND ".join(q.where) or "TRUE"
    order = ", ".join(q.order)
    if q.layer.geometry is not None and not q.skip_geometry:
        assert q.crs is not None
        geometry = "geom" if q.crs.srid == 4326 else f"ST_Transform(geom, {q.crs.srid})"
        columns += f", ST_AsBinary({geometry}) AS geometry"
    return f"SELECT {columns} FROM {q.source} WHERE {where} ORDER BY {order}"


def _frame(engine: Engine, q: ItemsQuery) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.exec_driver_sql(_select(q), q.params.values)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def download(engine: Engine, q: ItemsQuery, fmt: str) -> Response:
    """The selection as a CSV (geometry as WKT) or a GeoPackage attachment."""
    frame = _frame(engine, q)
    layer_id = q.layer.id
    has_geometry = "geometry" in frame.columns
    if has_geometry:
        assert q.crs is not None
        geometry = gpd.GeoSeries.from_wkb(frame.pop("geometry").map(bytes), crs=q.crs.srid)
        frame = gpd.GeoDataFrame(frame, geometry=geometry, crs=q.crs.srid)
    for column in frame.columns:  # text[] → "a;b" so both formats can hold it
        if frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = frame[column].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    if fmt == "csv":
        zone = response_zone()
        for column in frame.columns:  # times as the items write them: in the park's zone
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                frame[column] = frame[column].dt.tz_convert(zone)
        if has_geometry:
            wkt = shapely.to_wkt(frame.geometry.values, rounding_precision=-1)
            frame = pd.DataFrame(frame.drop(columns="geometry")).assign(geometry=wkt)
        # UTF-8 with BOM: Excel on Chinese Windows then reads the Chinese text correctly.
        body = "\ufeff" + frame.to_csv(index=False)
        return Response(
            body,
            content_type=CSV_MIME,
            headers={"Content-Disposition": f'attachment; filename="{layer_id}.csv"'},
        )
    handle, path = tempfile.mkstemp(suffix=".gpkg", prefix=f"onemap-{layer_id}-")
    os.close(handle)
    os.unlink(path)
    try:
        if not has_geometry:
            frame = gpd.GeoDataFrame(frame)
        # GPKG 1.2, not GDAL 3.12's default 1.4: GDAL 3.6 (Debian 12) and QGIS 3.22 read 1.2
        # without a warning about an unknown version
        frame.to_file(
            path,
            layer=layer_id,
            driver="GPKG",
            engine="pyogrio",
            dataset_options={"VERSION": GPKG_VERSION},
        )
        with open(path, "rb") as fh:
            data = fh.read()
    finally:
        if os.path.exists(path):
            os.unlink(path)
    return Response(
        data,
        mimetype=GPKG_MIME,
        headers={"Content-Disposition": f'attachment; filename="{layer_id}.gpkg"'},
    )
