"""A GeoJSON feature sent to the API, turned into one validated row by the loader's own checks.

The properties become one-row columns and go through ``etl.rows`` exactly as a file row does;
the geometry is read in the request's ``Content-Crs`` (default CRS84) and conformed the same
way. A bad feature is a :class:`geoapi.errors.InvalidParameterValue` naming each field and why.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from etl.crs import parse_crs
from etl.dates import configured_timezone
from etl.rows import add_geometries, check_references, parse_values
from etl.validate import Reasons
from geoapi.crs import resolve
from geoapi.errors import InvalidParameterValue
from layers.schema import GEOMETRY_COLUMN
from layers.spec import FieldType, Layer, input_fields


def feature_from_body(body: bytes) -> dict[str, Any]:
    """The request body as one GeoJSON Feature object."""
    try:
        feature = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameterValue("请求体不是JSON / the body is not JSON") from None
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise InvalidParameterValue(
            '请求体须为一个GeoJSON要素 / the body must be one GeoJSON Feature ({"type": "Feature"})'
        )
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        raise InvalidParameterValue("properties 须为对象 / properties must be an object")
    return feature


def check_properties(layer: Layer, properties: Mapping[str, Any]) -> None:
    """Refuse properties the layer does not have, and those the platform computes."""
    known = {f.name: f for f in layer.fields}
    for name in properties:
        if name == "id":
            continue
        if name not in known:
            raise InvalidParameterValue(
                f"未知属性 / unknown property {name!r} for {layer.id}; "
                f"known: {', '.join(f.name for f in input_fields(layer))}"
            )
        if known[name].derived:
            raise InvalidParameterValue(
                f"{known[name].zh} 由平台计算，不能写入 / {name} is computed by the platform"
            )


def _raw(value: Any) -> Any:
    """A JSON (or stored) value as the text a file cell would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_geometry(geometry: Any, crs_header: str | None, zone_srid: int) -> Any:
    """A shapely geometry from a GeoJSON geometry in ``Content-Crs`` (lon/lat after this)."""
    if geometry is None:
        return None
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        raise InvalidParameterValue("几何不是有效的GeoJSON / geometry is not GeoJSON") from None
    crs = resolve((crs_header or "").strip().strip("<>") or None, zone_srid, "Content-Crs")
    if crs.lat_first:
        shape = shapely.transform(shape, lambda xy: xy[:, ::-1])
    return shape, crs.srid


def _python(value: Any, kind: FieldType | None) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if kind is FieldType.DATE else value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def validated_row(
    connection: sa.Connection,
    layer: Layer,
    properties: Mapping[str, Any],
    geometry: tuple[Any, int] | None,
) -> dict[str, Any]:
    """One row of ``layer`` (every input field, and ``geom``) from ``properties``, validated as a
    file row is; :class:`InvalidParameterValue` with every reason when it is not valid."""
    fields = input_fields(layer)
    reasons = Reasons(1)
    columns = {f.name: pd.Series([_raw(properties.get(f.name))], dtype=object) for f in fields}
    values = parse_values(layer, columns, 1, reasons, configured_timezone())
    if layer.geometry is not None:
        shape, srid = geometry if geometry is not None else (None, 4326)
        source = parse_crs(f"EPSG:{srid}")
        add_geometries(layer, values, np.array([shape], dtype=object), reasons, source)
    check_references(connection, layer, values, reasons)
    if reasons.bad.any():
        raise InvalidParameterValue(
            f"要素未通过校验 / the feature is not valid: {reasons.texts().iloc[0]}"
        )
    row: dict[str, Any] = {f.name: None for f in fields}
    for name in values.columns:
        kind = None if name == GEOMETRY_COLUMN else layer.field(name).type
        row[name] = _python(values[name].iloc[0], kind)
    return row
