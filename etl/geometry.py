"""Geometries made fit for a layer's column: built, transformed, typed and repaired.

Repairs are made only when nothing is lost: a Polygon becomes a one-part MultiPolygon for a
MULTIPOLYGON layer (and a one-part Multi* its single part for a single-type layer), and an
invalid geometry is rebuilt by ``shapely.make_valid`` (GEOS "structure" method, e.g. a
self-intersecting bow-tie polygon into a MultiPolygon of its two lobes) only when the result has
the same dimension and still passes through every original vertex. Anything else is rejected.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from etl.crs import SourceCrs, coordinates_to_wgs84, geometries_to_wgs84
from etl.validate import Reasons, as_text, map_distinct
from layers.spec import Layer

GeometryArray = npt.NDArray[np.object_]

#: How far a repaired geometry may lie from an original vertex (degrees; 1e-7° ≈ 1 cm).
REPAIR_TOLERANCE_DEG = 1e-7

_MULTI_OF = {"POINT": "MULTIPOINT", "LINESTRING": "MULTILINESTRING", "POLYGON": "MULTIPOLYGON"}
_SINGLE_OF = {multi: single for single, multi in _MULTI_OF.items()}
_TYPE_NAMES = np.array(
    [
        "POINT",
        "LINESTRING",
        "LINESTRING",  # LinearRing
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
    ]
)
_MISSING = "缺少几何 / geometry missing"


def _number(texts: pd.Series) -> npt.NDArray[np.float64]:
    cleaned = map_distinct(texts, lambda t: unicodedata.normalize("NFKC", t).replace(" ", ""))
    numbers: npt.NDArray[np.float64] = pd.to_numeric(cleaned, errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    return numbers


def points_from_columns(
    x_column: pd.Series, y_column: pd.Series, source: SourceCrs, reasons: Reasons
) -> GeometryArray:
    """WGS84 points from coordinate columns in ``source``; empty or non-numeric coordinates
    are rejected and give ``None``."""
    x_text, y_text = as_text(x_column), as_text(y_column)
    x, y = _number(x_text), _number(y_text)
    reasons.add(x_text.isna() | y_text.isna(), "经度或纬度为空 / longitude or latitude is empty")
    not_number = (x_text.notna() & ~np.isfinite(x)) | (y_text.notna() & ~np.isfinite(y))
    reasons.add(
        not_number.to_numpy(),
        "经纬度不是数字 {} / coordinates are not numbers {}",
        x_text.fillna("") + "," + y_text.fillna(""),
    )
    lon, lat = coordinates_to_wgs84(x, y, source)
    usable = np.isfinite(x) & np.isfinite(y)
    points: GeometryArray = np.full(len(x), None, dtype=object)
    points[usable] = shapely.points(lon[usable], lat[usable])
    return points


def geometries_from_wkt(column: pd.Series, source: SourceCrs, reasons: Reasons) -> GeometryArray:
    """WGS84 geometries from a WKT column in ``source``; unparseable WKT is rejected."""
    texts = as_text(column)
    parsed = shapely.from_wkt(texts.to_numpy(dtype=object), on_invalid="ignore")
    reasons.add(
        texts.notna().to_numpy() & shapely.is_missing(parsed),
        "WKT几何无法解析 / WKT geometry cannot be parsed",
    )
    return transform_geometries(parsed, source)


def transform_geometries(geometries: GeometryArray, source: SourceCrs) -> GeometryArray:
    """The geometries in WGS84 and 2D (the columns are 2D; a Z value is not stored)."""
    present = ~shapely.is_missing(geometries)
    out: GeometryArray = np.full(len(geometries), None, dtype=object)
    if present.any():
        out[present] = geometries_to_wgs84(geometries[present], source)
    return out


def conform(geometries: GeometryArray, layer: Layer, reasons: Reasons) -> GeometryArray:
    """The WGS84 geometries checked and, where lossless, repaired for ``layer``'s column.

    One reason at most per row, the first that applies: missing, coordinates out of range,
    wrong type, invalid and unrepairable.
    """
    assert layer.geometry is not None
    allowed = set(layer.geometry)
    geoms = geometries.copy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    reasons.add(~ok, _MISSING)

    ok &= _check_coordinates(geoms, ok, reasons)

    geoms[ok] = _coerce_types(geoms[ok], allowed)
    type_names = np.full(len(geoms), "", dtype=object)
    type_names[ok] = _TYPE_NAMES[shapely.get_type_id(geoms[ok])]
    wrong_type = ok & ~np.isin(type_names, list(allowed))
    accepted = "/".join(layer.geometry)
    reasons.add(
        wrong_type,
        f"几何类型{{}}不符，应为 {accepted} / geometry type {{}} is not {accepted}",
        pd.Series(type_names),
    )
    ok &= ~wrong_type

    invalid = ok & ~shapely.is_valid(geoms)
    if invalid.any():
        positions = np.flatnonzero(invalid)
        why = pd.Series("", index=range(len(geoms)), dtype=object)
        why.iloc[positions] = shapely.is_valid_reason(geoms[positions])
        repaired, lossless = _repair(geoms[positions], allowed)
        geoms[positions[lossless]] = repaired[lossless]
        unrepairable = np.zeros(len(geoms), dtype=bool)
        unrepairable[positions[~lossless]] = True
        reasons.add(
            unrepairable,
            "几何无效且无法无损修复 {} / invalid geometry that cannot be repaired without loss {}",
            why,
        )
    return geoms


def _check_coordinates(
    geoms: GeometryArray, ok: npt.NDArray[np.bool_], reasons: Reasons
) -> npt.NDArray[np.bool_]:
    """Rows whose coordinates are finite and inside lon −180..180, lat −90..90."""
    bounds = np.full((len(geoms), 4), np.nan)
    bounds[ok] = shapely.bounds(geoms[ok])
    finite = np.isfinite(bounds).all(axis=1)
    outside_crs = ok & ~finite
    reasons.add(
        outside_crs,
        "坐标超出坐标系有效范围 / coordinates outside the coordinate system's domain",
    )
    in_range = (
        (bounds[:, 0] >= -180)
        & (bounds[:, 2] <= 180)
        & (bounds[:, 1] >= -90)
        & (bounds[:, 3] <= 90)
    )
    out_of_range = ok & finite & ~in_range
    # Latitude beyond ±90 with a longitude that would be a valid latitude: columns swapped.
    swapped = out_of_range & ((np.abs(bounds[:, 1]) > 90) | (np.abs(bounds[:, 3]) > 90))
    swapped &= (np.abs(bounds[:, 0]) <= 90) & (np.abs(bounds[:, 2]) <= 90)
    messages = pd.Series("", index=range(len(geoms)), dtype=object)
    for p in np.flatnonzero(out_of_range).tolist():
        at = f"({bounds[p, 0]:.6f}, {bounds[p, 1]:.6f})"
        messages.iat[p] = (
            f"纬度超出±90，经纬度可能填反 {at} / latitude beyond ±90 at {at}: "
            "longitude and latitude swapped?"
            if swapped[p]
            else f"坐标超出经纬度范围 {at} / coordinates {at} out of lon -180..180, lat -90..90"
        )
    reasons.add_each(out_of_range, messages)
    result: npt.NDArray[np.bool_] = finite & in_range
    return result


def _coerce_types(geoms: GeometryArray, allowed: set[str]) -> GeometryArray:
    """Single → one-part Multi* when only the Multi* type is accepted, and back."""
    out = geoms.copy()
    names = _TYPE_NAMES[shapely.get_type_id(geoms)]
    for single, multi in _MULTI_OF.items():
        if multi in allowed and single not in allowed:
            promote = names == single
            if promote.any():
                parts = geoms[promote]
                out[promote] = _make_multi(multi, parts)
        if single in allowed and multi not in allowed:
            demote = (names == multi) & (shapely.get_num_geometries(geoms) == 1)
            if demote.any():
                out[demote] = shapely.get_geometry(geoms[demote], 0)
    return out


def _make_multi(multi: str, parts: GeometryArray) -> GeometryArray:
    indices = np.arange(len(parts))
    if multi == "MULTIPOLYGON":
        made = shapely.multipolygons(parts, indices=indices)
    elif multi == "MULTILINESTRING":
        made = shapely.multilinestrings(parts, indices=indices)
    else:
        made = shapely.multipoints(parts, indices=indices)
    result: GeometryArray = np.asarray(made, dtype=object)
    return result


def _repair(geoms: GeometryArray, allowed: set[str]) -> tuple[GeometryArray, npt.NDArray[np.bool_]]:
    """``make_valid`` results, and whether each is a lossless repair of an accepted type."""
    repaired = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    repaired = _coerce_types(repaired, allowed)
    same_dimension = ~shapely.is_empty(repaired) & (
        shapely.get_dimensions(repaired) == shapely.get_dimensions(geoms)
    )
    type_ok = np.isin(_TYPE_NAMES[shapely.get_type_id(repaired)], list(allowed))
    lossless = same_dimension & type_ok & shapely.is_valid(repaired)
    # Every original vertex must still lie on the repaired geometry (within ~1 cm).
    vertices, owner = shapely.get_coordinates(geoms, return_index=True)
    if len(vertices):
        gaps = shapely.distance(repaired[owner], shapely.points(vertices))
        worst = np.zeros(len(geoms))
        np.maximum.at(worst, owner, np.nan_to_num(gaps, nan=np.inf))
        lossless &= worst <= REPAIR_TOLERANCE_DEG
    return repaired, lossless
