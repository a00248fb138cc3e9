"""A GeoJSON feature sent to the API, turned into one validated row by the loader's own checks.

The properties are judged by ``etl.rows.parse_row`` with the field rules a file's columns are
parsed by (``etl.field_rules``: value by value, without a column's fixed cost); the geometry is
read in the request's ``Content-Crs`` (default CRS84) and conformed, and the foreign keys
checked, by the loader's own functions. A bad feature is a
:class:`geoapi.errors.InvalidParameterValue` naming each field and why.
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
from flask import request

from etl.crs import parse_crs
from etl.dates import configured_timezone
from etl.rows import add_geometries, check_references, parse_row
from etl.validate import Reasons, python_value
from geoapi.crs import resolve
from geoapi.errors import InvalidParameterValue, NotFound, PayloadTooLarge, UnsupportedMediaType
from layers.schema import GEOMETRY_COLUMN
from layers.spec import Layer, input_fields

MAX_BODY_BYTES = 10 * 1024 * 1024
FEATURE_TYPES = ("application/geo+json", "application/json")
GEOJSON_TYPE = FEATURE_TYPES[0]
MERGE_PATCH = "application/merge-patch+json"


def is_create() -> bool:
    """Whether a POST to items creates a feature rather than searching with a CQL2 JSON body
    (pygeoapi's POST search, a read): everything but ``application/json`` that is not a
    GeoJSON Feature is a create (a wrong media type is then the create's 415)."""
    if request.method != "POST":
        return False
    if request.mimetype != "application/json":
        return True
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        return True  # too large for either: the create path answers 413
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(body, dict) and body.get("type") == "Feature"


def feature_id(item_id: str) -> int:
    """The feature id of an item path (a bigint); NotFound when it cannot be one."""
    try:
        fid = int(item_id)
    except ValueError:
        raise NotFound(f"无此要素 / no feature {item_id!r}") from None
    if not -(2**63) < fid < 2**63:
        raise NotFound(f"无此要素 / no feature {item_id!r}")
    return fid


def read_body(allowed: tuple[str, ...]) -> bytes:
    """The request body, refused when too large (413) or of a type not in ``allowed`` (415)."""
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"请求体超过10 MB / the body is larger than {MAX_BODY_BYTES} bytes")
    if request.mimetype not in allowed:
        raise UnsupportedMediaType(
            f"不支持的媒体类型 / Content-Type {request.mimetype or 'none'!r}: use "
            + " or ".join(allowed)
        )
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"请求体超过10 MB / the body is larger than {MAX_BODY_BYTES} bytes")
    return body


def merge_patch(body: bytes) -> dict[str, Any]:
    """A merge patch (RFC 7396) of a feature: its ``properties`` and maybe its ``geometry``."""
    try:
        patch = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameterValue("请求体不是JSON / the body is not JSON") from None
    if not isinstance(patch, dict):
        raise InvalidParameterValue("合并补丁须为对象 / a merge patch must be a JSON object")
    if "properties" in patch and not isinstance(patch["properties"], dict):
        raise InvalidParameterValue("properties 须为对象 / properties must be an object")
    return patch


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


def as_cell(value: Any) -> Any:
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


def validated_row(
    connection: sa.Connection,
    layer: Layer,
    properties: Mapping[str, Any],
    geometry: tuple[Any, int] | None,
) -> dict[str, Any]:
    """One row of ``layer`` (every input field, and ``geom``) from ``properties``, validated as a
    file row is; :class:`InvalidParameterValue` with every reason when it is not valid."""
    fields = input_fields(layer)
    raw = {f.name: as_cell(properties.get(f.name)) for f in fields}
    parsed, problems = parse_row(layer, raw, configured_timezone())
    reasons = Reasons(1)
    if problems:
        reasons.add(np.ones(1, dtype=bool), "; ".join(problems))
    values = pd.DataFrame([parsed], dtype=object)  # one call: a Series per field costs ~0.4 ms
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
        row[name] = python_value(values[name].iloc[0], kind)
    return row
