"""The one-map page: built with folium from the layer registry and served by the Flask app at ``/``.

The HTML carries no features: the page's script (``static/onemap.js``) loads every layer from the
OGC API by bbox with paging (without per-feature links: :data:`COMPACT_ITEMS`), and runs the
analyses through the OGC API processes. Leaflet and its
plugins come from ``static/vendor`` (``npm ci`` from the lock file, see ``copy_vendor.mjs``), so
the page requests nothing beyond the app unless a tile server is configured.

Basemap: ``ONEMAP_TILE_URL`` (an XYZ template such as OpenStreetMap's or Tianditu's with its key)
and ``ONEMAP_TILE_ATTRIBUTION``; with none, a hillshade of the park DEM rendered by the app.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request

from layers import REGISTRY
from layers.spec import Layer
from webmap.pwa import MANIFEST_PATH, THEME
from webmap.pwa import install as install_app
from webmap.spec import map_config

ENV_TILE_URL = "ONEMAP_TILE_URL"
ENV_TILE_ATTRIBUTION = "ONEMAP_TILE_ATTRIBUTION"
ENV_DEM = "ONEMAP_DEM"
STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_DEM = Path(__file__).resolve().parents[1] / "data" / "demo" / "dem.tif"
STATIC_URL = "/webmap/static"
HILLSHADE_URL = "/webmap/hillshade.png"
API_PATH = "/ogcapi"
#: What the page adds to its items requests: OGC API - Features Part 5's (draft) profile without
#: the per-feature links (references stay plain property values; the
#: popups build their own links), a fraction of the bytes for a dense layer.
COMPACT_ITEMS = {"profile": "rel-as-key"}

#: Local copies of what folium would take from CDNs: (name, path under static/vendor).
VENDOR_JS = (
    ("leaflet", "leaflet/leaflet.js"),
    ("markercluster", "markercluster/leaflet.markercluster.js"),
    ("groupedlayercontrol", "groupedlayercontrol/leaflet.groupedlayercontrol.min.js"),
    ("polylinedecorator", "polylinedecorator/leaflet.polylineDecorator.js"),
)
VENDOR_CSS = (
    ("leaflet_css", "leaflet/leaflet.css"),
    ("markercluster_css", "markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "markercluster/MarkerCluster.Default.css"),
    ("groupedlayercontrol_css", "groupedlayercontrol/leaflet.groupedlayercontrol.min.css"),
)


def basemap(root: str, dem_bounds: Any | None) -> dict[str, Any]:
    """The configured tile server, else the DEM hillshade (``dem_bounds`` from the DEM)."""
    url = os.environ.get(ENV_TILE_URL, "").strip()
    if url:
        return {"tiles": url, "attribution": os.environ.get(ENV_TILE_ATTRIBUTION, "")}
    if dem_bounds is None:
        return {}
    return {
        "image": root + HILLSHADE_URL,
        "bounds": [list(dem_bounds[0]), list(dem_bounds[1])],
        "attribution": "地形晕渲：园区DEM / Hillshade: park DEM",
    }


def build_page(
    root: str = "",
    registry: Iterable[Layer] = REGISTRY,
    dem_bounds: Any | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """The page's HTML; ``root`` is the app's script root ('' when served at the host root).
    ``extra``: more entries of the page's config from the app (e.g. ``plots``, the station
    plot links of :mod:`geoapi.plots`)."""
    import folium
    from branca.element import CssLink, Element, JavascriptLink, MacroElement
    from jinja2 import Template

    vendor = f"{root}{STATIC_URL}/vendor"
    config = map_config(registry)
    config |= extra or {}
    config |= {
        "root": root,
        "api": f"{root}{API_PATH}",
        "basemap": basemap(root, dem_bounds),
        "lang": "zh",
    }
    if dem_bounds is not None:
        (south, west), (north, east) = dem_bounds
        location = [(south + north) / 2, (west + east) / 2]
    else:
        location = [0.0, 0.0]
    fmap = folium.Map(
        location=location,
        zoom_start=13,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # onemap.js adds a metric scale bar
        attribution_control=True,
    )
    # folium's defaults point at CDNs (and bring jQuery/Bootstrap the page does not use).
    fmap.default_js = [(name, f"{vendor}/{path}") for name, path in VENDOR_JS]
    fmap.default_css = [(name, f"{vendor}/{path}") for name, path in VENDOR_CSS]
    figure = fmap.get_root()
    figure.header.add_child(Element("<title>园区生态环境一张图</title>"))
    icon = f"{root}/webmap/icon-192.png"
    figure.header.add_child(Element(f'<link rel="icon" href="{icon}">'))
    # installable as an app (webmap/pwa.py): the manifest, its colour and the home-screen icon
    figure.header.add_child(
        Element(f'<link rel="manifest" href="{root}{MANIFEST_PATH}" data-root="{root}">')
    )
    figure.header.add_child(Element(f'<meta name="theme-color" content="{THEME}">'))
    figure.header.add_child(Element(f'<link rel="apple-touch-icon" href="{icon}">'))
    figure.header.add_child(CssLink(f"{root}{STATIC_URL}/onemap.css"))
    # service.js first: it wraps fetch (503 banner and retry) before the page's scripts use it
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/service.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/onemap.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/chrome.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/links.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/overview.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/search.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/tools.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/account.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/emergency.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/pwa.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/live.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/complaint.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/archive.js"))
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/cases.js"))  # after account.js
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/declarations.js"))  # too
    figure.header.add_child(JavascriptLink(f"{root}{STATIC_URL}/catalogue.js"))

    start = MacroElement()
    start._template = Template(
        "{% macro script(this, kwargs) %}"
        "OneMap.start({{ this._parent.get_name() }}, {{ this.config }});"
        "{% endmacro %}"
    )
    # </script> inside a JSON string would end the script element.
    start.config = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    fmap.add_child(start)
    html: str = figure.render()
    return html.replace("<html>", '<html lang="zh-CN">', 1)


def register(app: Flask, dem_path: Path | None = None) -> None:
    """Serve the page at ``/``, its static files, and the DEM hillshade, on ``app``."""
    dem = Path(os.environ.get(ENV_DEM) or dem_path or DEFAULT_DEM)
    blueprint = Blueprint(
        "webmap", __name__, static_folder=str(STATIC_DIR), static_url_path=STATIC_URL
    )

    @functools.cache
    def hillshade() -> Any:
        from webmap.hillshade import render

        return render(dem) if dem.is_file() else None

    @functools.cache
    def page(root: str) -> str:
        shaded = None if os.environ.get(ENV_TILE_URL) else hillshade()
        extra = dict(current_app.config.get("ONEMAP_PAGE_CONFIG") or {})  # e.g. plot links
        extra["items_params"] = COMPACT_ITEMS
        return build_page(root, REGISTRY, shaded.bounds if shaded else None, extra)

    @blueprint.get("/")
    def index() -> Response:
        return Response(page(request.script_root), mimetype="text/html")

    @blueprint.get(HILLSHADE_URL)
    def hillshade_png() -> Response:
        shaded = hillshade()
        if shaded is None:
            abort(404)
        response = Response(shaded.png, mimetype="image/png")
        response.cache_control.max_age = 86400
        return response

    install_app(blueprint, STATIC_DIR, STATIC_URL)
    app.register_blueprint(blueprint)
