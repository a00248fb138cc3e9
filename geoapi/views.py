"""The views that take over from pygeoapi where speed or fidelity needs it.

* GeoJSON items and single items: the whole document is built in one SQL statement and sent as
  text (pygeoapi would parse and re-serialise every feature in Python).
* JSON queryables: field titles in both languages, types, formats and enums from the registry.
* CSV and GeoPackage downloads.

Everything else (HTML, landing page, collections, OpenAPI) stays pygeoapi's. The views wrap
pygeoapi's endpoints and call them for the requests they do not handle.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import Engine

from geoapi.access import readable_ids, view_of
from geoapi.downloads import download
from geoapi.editing import Editor, dispatch
from geoapi.errors import GeoApiError, InvalidParameterValue, NotFound, error_response
from geoapi.feature_input import is_create
from geoapi.features import collection_text, query_item, query_page
from geoapi.provider import FORMATS, JSON_TYPES
from geoapi.query import ItemsQuery, collection_layers, parse_items

GEOJSON = "application/geo+json"
JSON_FORMATS = ("json", "geojson")
PYGEOAPI_FORMATS = ("html", "jsonld")
DOWNLOAD_FORMATS = ("csv", "gpkg")
#: QGIS's User-Agent names it (``Mozilla/5.0 QGIS/32216/Debian GNU/Linux 12 (bookworm)``).
QGIS_AGENT = "QGIS/"
_EMPTY_TITLE = re.compile(r"<title>\s*</title>")


def _format() -> str:
    """The requested format: ``f`` first, then the Accept header (HTML only when preferred)."""
    f = request.args.get("f")
    if f:
        return f.lower()
    best = request.accept_mimetypes.best_match(
        ["application/geo+json", "application/json", "text/html"], default="application/json"
    )
    return "html" if best == "text/html" else "json"


def _titled(response: Any, layer: Any) -> Any:
    """pygeoapi 0.24's items page leaves its ``<title>`` empty: name the collection in it."""
    if not isinstance(response, Response) or response.status_code != 200:
        return response
    page = response.get_data(as_text=True)
    title = html.escape(f"{layer.zh} / {layer.en} — 要素 / Items")
    titled = _EMPTY_TITLE.sub(f"<title>{title}</title>", page, count=1)
    if titled != page:
        response.set_data(titled)
    return response


class FastViews:
    """The project's views for one app (its engine, mount URL and the park's GK zone)."""

    def __init__(self, engine: Engine, base_url: str, zone_srid: int) -> None:
        self.engine = engine
        self.base_url = base_url
        self.zone_srid = zone_srid
        self.layers = {layer.id: layer for layer in collection_layers()}

    def _layer(self, collection_id: str) -> Any:
        layer = self.layers.get(collection_id)
        if layer is None:
            raise NotFound(
                f"未知集合 / unknown collection {collection_id!r}; known: {', '.join(self.layers)}"
            )
        return layer

    def _args(self) -> dict[str, str]:
        args = {}
        for key in request.args:
            values = request.args.getlist(key)
            # GDAL appends the user's own query parameters to the next links, which already
            # carry them: the same value twice is accepted, two different values are not.
            if len(set(values)) > 1:
                raise InvalidParameterValue(
                    f"参数重复且不一致 / parameter {key!r} given twice with different values"
                )
            args[key] = values[0]
        return args

    def items(self, collection_id: str) -> Response:
        layer = self._layer(collection_id)
        args = self._args()
        fmt = args.pop("f", "json").lower()
        if "profile" not in args and QGIS_AGENT in request.headers.get("User-Agent", ""):
            # QGIS reads no per-feature link (its project relates layers itself): without
            # them it reads the 20,000 points of the benchmark in 3.7 s instead of 4.6 s
            args["profile"] = "rel-as-key"
        q = parse_items(layer, args, self.zone_srid, view=view_of(layer), readable=readable_ids())
        if fmt in DOWNLOAD_FORMATS:
            return download(self.engine, q, fmt)
        text, returned, matched = query_page(self.engine, q, self.base_url)
        body = collection_text(q, text, returned, matched, self.base_url)
        return self._geojson(body, q)

    def item(self, collection_id: str, item_id: str) -> Response:
        layer = self._layer(collection_id)
        args = self._args()
        args.pop("f", None)
        unknown = set(args) - {"crs", "lang", "profile", "properties", "skipGeometry"}
        if unknown:
            raise InvalidParameterValue(
                f"未知参数 / unknown parameter {sorted(unknown)[0]!r} for a single feature"
            )
        q = parse_items(layer, args, self.zone_srid, view=view_of(layer), readable=readable_ids())
        try:
            fid = int(item_id)
        except ValueError:
            raise NotFound(f"无此要素 / no feature {item_id!r} in {collection_id}") from None
        text = query_item(self.engine, q, fid, self.base_url) if abs(fid) < 2**63 else None
        if text is None:
            raise NotFound(f"无此要素 / no feature {item_id!r} in {collection_id}")
        return self._geojson(text, q)

    def _geojson(self, body: bytes, q: ItemsQuery) -> Response:
        assert q.crs is not None
        response = Response(body, mimetype=GEOJSON)
        # Part 2, 7.3: the CRS of the geometries, as a URI in angle brackets.
        response.headers["Content-Crs"] = f"<{q.crs.uri}>"
        return response

    def queryables(self, collection_id: str) -> Response:
        layer = self._layer(collection_id)
        lang = (request.args.get("lang") or request.accept_languages.best or "zh").lower()
        english = lang.startswith("en")
        properties: dict[str, Any] = {}
        if layer.geometry is not None:
            kind = layer.geometry_type.lower() if len(layer.geometry) == 1 else "any"
            properties["geometry"] = {
                "format": f"geometry-{kind}",
                "x-ogc-role": "primary-geometry",
            }
        properties["id"] = {"title": "标识 / id", "type": "integer", "x-ogc-role": "id"}
        for f in view_of(layer).fields:
            entry: dict[str, Any] = {
                "title": f.en if english else f.zh,
                "description": f"{f.zh} / {f.en}" + (f" ({f.unit})" if f.unit else ""),
                "type": JSON_TYPES[f.type],
            }
            if f.type in FORMATS:
                entry["format"] = FORMATS[f.type]
            if f.type.value == "text[]":
                entry["items"] = {"type": "string"}
            if f.choices:
                entry["enum"] = list(f.choice_values)
                entry["x-enum-titles"] = [f"{c.zh} / {c.en}" for c in f.choices]
            if f.unit:
                entry["x-ogc-unit"] = f.unit
            if f.name == layer.time_field:
                entry["x-ogc-role"] = "primary-instant"
            properties[f.name] = entry
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{self.base_url}/collections/{layer.id}/queryables",
            "type": "object",
            "title": f"{layer.zh} / {layer.en}",
            "properties": properties,
            "additionalProperties": False,
        }
        return Response(
            json.dumps(document, ensure_ascii=False), mimetype="application/schema+json"
        )


def install(app: Flask, views: FastViews, editor: Editor) -> None:
    """Wrap pygeoapi's items, item and queryables endpoints with the fast views; writes go to
    ``editor`` (OGC API Features Part 4)."""
    items_endpoint = "pygeoapi.collection_items"
    queryables_endpoint = "pygeoapi.collection_queryables"
    pygeoapi_items: Callable[..., Any] = app.view_functions[items_endpoint]
    pygeoapi_queryables: Callable[..., Any] = app.view_functions[queryables_endpoint]

    def collection_items(collection_id: str, item_id: str | None = None) -> Any:
        if request.method == "POST" and item_id is None and not is_create():
            return pygeoapi_items(collection_id, item_id)  # a CQL2 JSON search: a read
        if request.method not in ("GET", "HEAD"):
            return dispatch(editor, views._layer(collection_id), item_id)
        fmt = _format()
        if fmt in PYGEOAPI_FORMATS:
            if collection_id not in views.layers:
                return error_response(NotFound(f"未知集合 / unknown collection {collection_id!r}"))
            page = pygeoapi_items(collection_id, item_id)
            if item_id is None and fmt == "html":
                page = _titled(page, views.layers[collection_id])
            return page
        if fmt not in JSON_FORMATS + DOWNLOAD_FORMATS or (item_id and fmt in DOWNLOAD_FORMATS):
            return error_response(
                InvalidParameterValue(
                    f"不支持的格式 / unsupported f={fmt!r}; use json, html, csv or gpkg"
                )
            )
        try:
            if item_id is None:
                return views.items(collection_id)
            response = views.item(collection_id, item_id)
            tag = editor.etag(views.layers[collection_id], int(item_id))
            if tag:
                response.headers["ETag"] = tag
            return response
        except GeoApiError as exc:
            return error_response(exc)

    def collection_queryables(collection_id: str | None = None) -> Any:
        if _format() in PYGEOAPI_FORMATS:
            return pygeoapi_queryables(collection_id)
        try:
            return views.queryables(collection_id or "")
        except GeoApiError as exc:
            return error_response(exc)

    app.view_functions[items_endpoint] = collection_items
    app.view_functions[queryables_endpoint] = collection_queryables
