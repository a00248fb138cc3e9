"""Where an analysis starts: the park, an enterprise, a point, a station, a receptor or a
GeoJSON geometry.

Spellings (``site=`` for receptor screening, ``receptor=`` for the air tracings):

- ``park`` — the park boundary (all rows of the ``park`` layer, unioned);
- ``enterprise:CREDITCODE`` — an enterprise's location;
- ``point:LON,LAT`` (or just ``LON,LAT``) — WGS 84 degrees;
- ``station:CODE`` — a monitoring station, e.g. the air station that saw an exceedance;
- ``receptor:NAME`` — a sensitive receptor (its centroid when it is an area);
- a GeoJSON geometry or Feature (text starting with ``{``) — e.g. a proposed project's site.

:func:`check_spec` checks the spelling only (used by the parameter models); :func:`resolve`
looks the place up in the database and raises :class:`NotFoundError` when it is not there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import shapely
from pydantic import AfterValidator, BeforeValidator
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from analytics.errors import BadParameterError, NotFoundError

Kind = Literal["park", "enterprise", "point", "station", "receptor", "geometry"]

#: Where receptor screening may be centred.
SITE_KINDS: tuple[Kind, ...] = ("park", "enterprise", "point", "geometry")
#: Where an air tracing may start: the place that smelt or measured the pollution.
RECEPTOR_KINDS: tuple[Kind, ...] = ("point", "station", "receptor")


@dataclass(frozen=True)
class SiteSpec:
    kind: Kind
    value: str = ""
    geometry: BaseGeometry | None = None


@dataclass(frozen=True)
class Site:
    """A resolved place: what to call it and its geometry in EPSG:4326."""

    kind: Kind
    label: str
    geometry: BaseGeometry
    code: str | None = None

    @property
    def wkb(self) -> bytes:
        wkb: bytes = shapely.to_wkb(self.geometry)
        return wkb

    def describe(self) -> dict[str, Any]:
        centre = self.geometry.centroid
        return {
            "kind": self.kind,
            "code": self.code,
            "label": self.label,
            "lon": round(centre.x, 7),
            "lat": round(centre.y, 7),
            "geometry_type": self.geometry.geom_type,
        }


def _point(text_value: str) -> BaseGeometry:
    parts = text_value.split(",")
    if len(parts) != 2:
        raise ValueError("坐标应为 经度,纬度 / a point is LON,LAT in degrees, e.g. 108.3,22.8")
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise ValueError("坐标应为数字 / LON,LAT must be numbers, e.g. 108.3,22.8") from None
    return _checked(shapely.Point(lon, lat))


def _checked(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.is_empty:
        raise ValueError("几何为空 / the geometry is empty")
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError(
            "坐标超出经纬度范围 / coordinates must be WGS 84 longitude (-180..180) and "
            "latitude (-90..90), in that order"
        )
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise ValueError(f"几何无效 / the geometry is invalid: {reason}")
    return geometry


def _geojson(text_value: str) -> BaseGeometry:
    try:
        data = json.loads(text_value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"GeoJSON 无法解析 / the GeoJSON does not parse: {exc.msg}") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or "type" not in data:
        raise ValueError("应为GeoJSON几何 / expected a GeoJSON geometry or Feature")
    try:
        geometry = shape(data)
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.GEOSException) as exc:
        raise ValueError(f"GeoJSON 几何无效 / invalid GeoJSON geometry: {exc}") from None
    return _checked(geometry)


def check_spec(value: str, allowed: tuple[Kind, ...]) -> SiteSpec:
    """Parse a place's spelling; :class:`ValueError` (one bilingual line) when it is not one of
    ``allowed``."""
    spelled = value.strip()
    spec: SiteSpec
    if spelled.startswith("{"):
        spec = SiteSpec("geometry", geometry=_geojson(spelled))
    elif spelled == "park":
        spec = SiteSpec("park")
    elif ":" in spelled:
        prefix, _, rest = spelled.partition(":")
        rest = rest.strip()
        if prefix == "point":
            spec = SiteSpec("point", rest, _point(rest))
        elif prefix in ("enterprise", "station", "receptor") and rest:
            spec = SiteSpec(prefix, rest)  # type: ignore[arg-type]
        else:
            raise ValueError(_usage(allowed))
    elif "," in spelled:
        spec = SiteSpec("point", spelled, _point(spelled))
    else:
        raise ValueError(_usage(allowed))
    if spec.kind not in allowed:
        raise ValueError(_usage(allowed))
    return spec


def _usage(allowed: tuple[Kind, ...]) -> str:
    spellings = {
        "park": "park",
        "enterprise": "enterprise:CREDITCODE",
        "point": "point:LON,LAT",
        "station": "station:CODE",
        "receptor": "receptor:NAME",
        "geometry": "a GeoJSON geometry",
    }
    shown = " | ".join(spellings[k] for k in allowed)
    return f"位置写法不对 / a place is written as {shown}"


def resolve(conn: Connection, value: str, allowed: tuple[Kind, ...]) -> Site:
    """Look the place up; :class:`NotFoundError` when the park, enterprise, station or receptor
    is not in the database."""
    try:
        spec = check_spec(value, allowed)
    except ValueError as exc:
        raise BadParameterError(str(exc)) from None
    if spec.geometry is not None:
        label = "坐标点 / point" if spec.kind == "point" else "项目用地 / proposed site"
        return Site(spec.kind, label, spec.geometry)
    query, label_column = _LOOKUPS[spec.kind]
    row = conn.execute(text(query), {"value": spec.value}).one_or_none()
    if row is None or row.wkb is None:
        raise NotFoundError(_not_found(spec))
    geometry = shapely.from_wkb(bytes(row.wkb))
    label = str(getattr(row, label_column))
    return Site(spec.kind, label, geometry, spec.value or None)


_LOOKUPS: dict[str, tuple[str, str]] = {
    "park": (
        "SELECT ST_AsBinary(ST_Union(geom)) AS wkb, string_agg(name, '、' ORDER BY id) AS name "
        "FROM park",
        "name",
    ),
    "enterprise": (
        "SELECT ST_AsBinary(geom) AS wkb, name FROM enterprises WHERE credit_code = :value",
        "name",
    ),
    "station": (
        "SELECT ST_AsBinary(geom) AS wkb, name FROM stations WHERE code = :value",
        "name",
    ),
    "receptor": (
        "SELECT ST_AsBinary(ST_Centroid(geom::geography)::geometry) AS wkb, name "
        "FROM receptors WHERE name = :value",
        "name",
    ),
}


def _not_found(spec: SiteSpec) -> str:
    return {
        "park": "数据库中没有园区边界 / the database holds no park boundary; load the park layer",
        "enterprise": f"未找到信用代码为 {spec.value} 的企业 / no enterprise with credit code "
        f"{spec.value}",
        "station": f"未找到站点 {spec.value} / no station with code {spec.value}",
        "receptor": f"未找到敏感目标 {spec.value} / no receptor named {spec.value}",
    }[spec.kind]


def _json_text(value: object) -> object:
    # A GeoJSON object sent in an HTTP request body arrives as a dict; keep it as text.
    return json.dumps(value) if isinstance(value, dict) else value


def _site_checked(value: str) -> str:
    check_spec(value, SITE_KINDS)
    return value.strip()


def _receptor_checked(value: str) -> str:
    check_spec(value, RECEPTOR_KINDS)
    return value.strip()


#: A parameter naming a screening site (syntax checked; looked up when the analysis runs).
SiteText = Annotated[str, BeforeValidator(_json_text), AfterValidator(_site_checked)]
#: A parameter naming a receptor point for the air tracings.
ReceptorText = Annotated[str, AfterValidator(_receptor_checked)]
