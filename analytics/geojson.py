"""The result shape every analysis returns: a GeoJSON FeatureCollection as a plain dict.

Beyond ``type`` and ``features`` a result carries foreign members (RFC 7946 §6.1) that say how
it was made: ``analysis``, ``parameters``, ``notes``, ``assumptions`` and whatever the analysis
reports (``missing_hours``, ``protection_zones``, ``population`` …).
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from pydantic import BaseModel
from shapely.geometry.base import BaseGeometry

FeatureCollection = dict[str, Any]
Feature = dict[str, Any]


type Geometry = BaseGeometry | str | dict[str, Any] | None


def point(lon: float, lat: float) -> dict[str, Any]:
    """A GeoJSON Point."""
    return {"type": "Point", "coordinates": [round(float(lon), 7), round(float(lat), 7)]}


def geometry_json(geometry: Geometry) -> dict[str, Any] | None:
    """A GeoJSON geometry from a shapely geometry, from PostGIS ``ST_AsGeoJSON`` text or as is."""
    if geometry is None or isinstance(geometry, dict):
        return geometry
    if isinstance(geometry, str):
        parsed: dict[str, Any] = json.loads(geometry)
        return parsed
    mapped: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    return mapped


def feature(geometry: Geometry, properties: dict[str, Any], feature_id: Any = None) -> Feature:
    out: Feature = {
        "type": "Feature",
        "geometry": geometry_json(geometry),
        "properties": properties,
    }
    if feature_id is not None:
        out["id"] = feature_id
    return out


def collection(
    analysis_id: str, params: BaseModel, features: list[Feature], **members: Any
) -> FeatureCollection:
    """The FeatureCollection of one run, with its parameters echoed back."""
    return {
        "type": "FeatureCollection",
        "analysis": analysis_id,
        "parameters": params.model_dump(mode="json"),
        **members,
        "features": features,
    }


def rounded(value: float | None, digits: int = 1) -> float | None:
    """``value`` rounded for output; ``None`` stays ``None`` (and NaN becomes ``None``)."""
    if value is None or value != value:
        return None
    return round(float(value), digits)
