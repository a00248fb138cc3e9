"""The provincial map's routes: the page, the table of parks and the harvested layers' features.

* ``GET /province`` — the page (``webmap.province``): one map over every harvested park, a
  filter by park, and the table of parks with their key figures.
* ``GET /province/parks`` — ``{"parks": [...], "layers": [...]}``: each park's figures
  (``province.figures``: counts over the harvested public layers), and the harvested map
  layers this user may read, with their titles and colours from the registry.
* ``GET /province/collections/{id}/items?park=CODE&limit=N`` — the harvested features of one
  layer as GeoJSON, of one park or of all, each with its ``park_code``. The guard's collection
  rule refuses a layer the user may not read (an internal layer harvested with a park's
  token exists for staff only), and each row's properties are cut to what
  ``accounts.policy.visible_fields`` lets this user see.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zoneinfo
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, request

from accounts import policy
from geoapi import auth
from geoapi.errors import GeoApiError, InvalidParameterValue, error_response
from geoapi.times import response_zone
from layers import BY_ID
from layers.spec import Layer
from province.figures import park_figures

DEFAULT_LIMIT = 5000
MAX_LIMIT = 10_000

#: the collections of which the province holds features (one index probe per park and layer)
_HARVESTED = sa.text(
    "SELECT DISTINCT h.collection FROM province_harvests h WHERE EXISTS (SELECT 1"
    " FROM province_features f WHERE f.park_code = h.park_code AND f.collection = h.collection)"
)
_ITEMS = sa.text(
    "SELECT park_code, feature_id, properties, ST_AsGeoJSON(geom, 7) FROM province_features"
    " WHERE collection = :collection AND geom IS NOT NULL"
    " AND (CAST(:park AS text) IS NULL OR park_code = :park)"
    " ORDER BY park_code, feature_id LIMIT :n"
)


def _map_layer(layer: Layer) -> dict[str, Any]:
    return {
        "id": layer.id,
        "zh": layer.zh,
        "en": layer.en,
        "color": layer.style.color,
        "fill": layer.style.fill or layer.style.color,
        "geometry": list(layer.geometry or ()),
        "fields": [{"name": f.name, "zh": f.zh, "en": f.en, "unit": f.unit} for f in layer.fields],
    }


def overview(connection: sa.Connection) -> dict[str, Any]:
    """The table of parks and the harvested map layers the current user may read."""
    zone = zoneinfo.ZoneInfo(response_zone())
    now = dt.datetime.now(dt.UTC)
    day_start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    parks = []
    for figures in park_figures(connection, now, day_start):
        parks.append({**dataclasses.asdict(figures), "capture_rate": figures.capture_rate})
    principal = auth.current_principal()
    harvested = set(connection.execute(_HARVESTED).scalars())
    layers = [
        _map_layer(layer)
        for layer_id, layer in BY_ID.items()
        if layer_id in harvested
        and layer.geometry is not None
        and policy.may_read(principal, layer)
    ]
    return {"parks": parks, "layers": layers}


def _limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidParameterValue(
            f"limit 须为 1-{MAX_LIMIT} 的整数 / limit must be 1 to {MAX_LIMIT}, not {raw!r}"
        )
    return int(raw)


def items(connection: sa.Connection, layer: Layer, park: str | None, limit: int) -> dict[str, Any]:
    """The harvested features of ``layer`` (of ``park``, or of every park) the user may see."""
    principal = auth.current_principal()
    rows = connection.execute(_ITEMS, {"collection": layer.id, "park": park, "n": limit + 1}).all()
    features = []
    for park_code, feature_id, properties, geometry in rows[:limit]:
        visible = policy.visible_fields(principal, layer, properties)
        if visible is None:
            continue  # a row of another enterprise's, for an enterprise user
        kept = {name: properties[name] for name in visible if name in properties}
        features.append(
            {
                "type": "Feature",
                "id": f"{park_code}/{feature_id}",
                "geometry": json.loads(geometry),
                "properties": {"park_code": park_code, **kept},
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "numberReturned": len(features),
        "truncated": len(rows) > limit,
    }


def install(app: Flask, engine: sa.Engine) -> None:
    """Serve the provincial page and its two JSON routes on ``app``."""
    from webmap.province import build_province_page

    def page() -> Response:
        return Response(build_province_page(request.script_root), mimetype="text/html")

    def parks() -> Response:
        with engine.connect() as connection:
            body = overview(connection)
        return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")

    def collection_items(collection_id: str) -> Response:
        try:
            limit = _limit()
            park = request.args.get("park") or None
            with engine.connect() as connection:
                body = items(connection, BY_ID[collection_id], park, limit)
        except GeoApiError as exc:
            return error_response(exc)
        return Response(json.dumps(body, ensure_ascii=False), mimetype="application/geo+json")

    app.add_url_rule("/province", "province_page", page, methods=["GET"])
    app.add_url_rule("/province/parks", "province_parks", parks, methods=["GET"])
    app.add_url_rule(
        "/province/collections/<path:collection_id>/items",
        "province_items",
        collection_items,
        methods=["GET"],
    )
