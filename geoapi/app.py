"""The Flask application factory: pygeoapi mounted at /ogcapi, configured from the registry.

pygeoapi reads ``PYGEOAPI_CONFIG`` and ``PYGEOAPI_OPENAPI`` when ``pygeoapi.flask_app`` is
imported, so the factory renders both documents into a runtime directory first and imports
pygeoapi after. pygeoapi's configuration is process-global: one app per process (a second call
re-imports pygeoapi with the new configuration).
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from flask_compress import Compress

from geoapi.catalog import park_zone_srid, pooled_engine, read_extents, reading_engine
from geoapi.config import build_config
from geoapi.query import DEFAULT_ITEMS, MAX_ITEMS, PROFILES, collection_layers

MOUNT = "/ogcapi"
ENV_PUBLIC_URL = "ONEMAP_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000" + MOUNT

#: Part 3 classes QGIS needs before it sends filters to the server (all five), plus CQL2 JSON.
FILTER_CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)
#: Responses compressed when the client accepts it (flask-compress picks zstd, br, gzip or deflate
#: by Accept-Encoding): a page of features shrinks about tenfold, the page's scripts too.
COMPRESSED_TYPES = [
    "application/geo+json",
    "application/json",
    "application/schema+json",
    "application/vnd.oai.openapi+json;version=3.0",
    "text/html",
    "text/css",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
]


def public_url(host: str | None = None, port: int | None = None) -> str:
    """The mount's public URL: ONEMAP_PUBLIC_URL, else the serving host and port."""
    if os.environ.get(ENV_PUBLIC_URL):
        return os.environ[ENV_PUBLIC_URL].rstrip("/")
    if host and port:
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{shown}:{port}{MOUNT}"
    return DEFAULT_PUBLIC_URL


#: The ``profile`` parameter of the items and item operations (geoapi.query.PROFILES).
PROFILE_PARAMETER = {
    "name": "profile",
    "in": "query",
    "required": False,
    "description": (
        "关联要素的表示 / how references to other features are given (OGC API Features Part 5 "
        "draft): rel-as-link adds a link per reference to each feature, rel-as-key leaves the "
        "plain property values"
    ),
    # no style/explode: QGIS takes a form/explode=false string parameter for a queryable
    "schema": {"type": "string", "enum": list(PROFILES), "default": PROFILES[0]},
}
#: ``limit`` as a shared component too: QGIS reads only ``components.parameters.limit`` (pygeoapi
#: declares it inline per path, which GDAL >= 3.8 reads).
LIMIT_PARAMETER = {
    "name": "limit",
    "in": "query",
    "required": False,
    "description": "每页要素数 / the number of features on a page",
    "style": "form",
    "explode": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ITEMS, "default": DEFAULT_ITEMS},
}


def _patch_openapi(openapi: dict[str, Any]) -> None:
    """Advertise large pages: clients (GDAL, QGIS) size their pages from the ``limit`` schema.
    Declare the ``profile`` parameter of the items and item operations."""
    components = openapi.setdefault("components", {}).setdefault("parameters", {})
    for name, parameter in components.items():
        if name == "limit" or parameter.get("name") == "limit":
            parameter.setdefault("schema", {}).update(LIMIT_PARAMETER["schema"])
    components.setdefault("limit", dict(LIMIT_PARAMETER))
    for path in openapi.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and parameter.get("name") == "limit":
                    parameter.setdefault("schema", {}).update(
                        {"minimum": 1, "maximum": MAX_ITEMS, "default": DEFAULT_ITEMS}
                    )
    for route, path in openapi.get("paths", {}).items():
        get = path.get("get")
        if route.startswith("/collections/") and "/items" in route and isinstance(get, dict):
            get.setdefault("parameters", []).append(dict(PROFILE_PARAMETER))
    from geoapi.editing_openapi import declare_in_openapi

    declare_in_openapi(openapi)


def _write_documents(config: dict[str, Any], runtime_dir: Path) -> None:
    from pygeoapi.openapi import get_oas

    config_path = runtime_dir / "pygeoapi-config.yml"
    openapi_path = runtime_dir / "pygeoapi-openapi.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    openapi = get_oas(config)
    _patch_openapi(openapi)
    from geoapi import summary

    summary.declare_openapi(openapi)
    openapi_path.write_text(yaml.safe_dump(openapi, allow_unicode=True, sort_keys=False), "utf-8")
    os.environ["PYGEOAPI_CONFIG"] = str(config_path)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)


def _import_pygeoapi() -> Any:
    if "pygeoapi.flask_app" in sys.modules:
        return importlib.reload(sys.modules["pygeoapi.flask_app"])
    return importlib.import_module("pygeoapi.flask_app")


def _declare_conformance() -> None:
    from pygeoapi.api import itemtypes

    from geoapi.editing_openapi import CONFORMANCE as EDITING_CONFORMANCE

    classes = itemtypes.CONFORMANCE_CLASSES_FEATURES
    for uri in FILTER_CONFORMANCE + EDITING_CONFORMANCE:
        if uri not in classes:
            classes.append(uri)


def create_app(database_url: str | None = None, server_url: str | None = None) -> Flask:
    """The one-map OGC API app for ``database_url`` (default: ``onemap db url``)."""
    from onemap.database import database_url as configured_url
    from onemap.database import normalise_url

    url = normalise_url(database_url or configured_url())
    mount_url = (server_url or public_url()).rstrip("/")
    engine = pooled_engine(url)
    reader = reading_engine(url)  # the read replica's when there is one
    zone_srid = park_zone_srid(engine)
    extents = read_extents(engine)
    config = build_config(collection_layers(), url, mount_url, extents, zone_srid)

    runtime_dir = Path(tempfile.mkdtemp(prefix="onemap-geoapi-"))
    atexit.register(shutil.rmtree, runtime_dir, ignore_errors=True)
    with warnings.catch_warnings():
        # pygeoapi's pydantic models warn about their own class-based config on import.
        warnings.simplefilter("ignore", DeprecationWarning)
        _write_documents(config, runtime_dir)
        flask_app = _import_pygeoapi()
    _declare_conformance()

    from geoapi import auth, forms, guard, page_layers, processes, visibility
    from geoapi.editing import Editor
    from geoapi.editing import install as install_editing
    from geoapi.views import FastViews, install

    processes.declare_conformance()

    app = Flask(__name__)
    app.url_map.strict_slashes = False
    app.config["COMPRESS_MIMETYPES"] = COMPRESSED_TYPES
    app.config["COMPRESS_LEVEL"] = 5  # gzip: most of level 9's gain at a third of its time
    # Not streamed responses (files sent from disk): flask-compress 1.25 leaves their file open.
    app.config["COMPRESS_STREAMS"] = False
    Compress(app)
    from geoapi import operations

    # health checks, error mapping (503 while the database is down), limits, security headers,
    # request ids: after Compress, so that its hooks see the uncompressed responses
    operations.install(app, engine)
    app.config["ONEMAP_RUNTIME_DIR"] = str(runtime_dir)
    app.config["ONEMAP_PUBLIC_URL"] = mount_url
    app.config["ONEMAP_ZONE_SRID"] = zone_srid
    app.config["ONEMAP_ENGINE"] = engine
    app.config["ONEMAP_MOUNT"] = MOUNT
    from geoapi import read_your_writes

    read_your_writes.install(app)  # reads right after a write go to the primary
    guard.install(app)  # first: every request is the policy's before it is anyone else's
    app.register_blueprint(flask_app.BLUEPRINT, url_prefix=MOUNT)
    views = FastViews(reader, mount_url, zone_srid)
    editor = Editor(engine, mount_url, zone_srid)
    install(app, views, editor)
    install_editing(app, editor, views.layers)
    visibility.install(app)
    auth.install(app)
    forms.install(app)
    page_layers.install(app)  # a signed-in user's layers of the page
    processes.install(app)
    from geoapi import cases as case_routes

    case_routes.install(app)  # case registration, transitions and history (cases/)
    from geoapi import documents as document_routes

    document_routes.install(app)  # documents and the one-enterprise-one-file archive
    from geoapi import plots

    plots.install(app, reader)  # station plots at /plots/stations/{code}/{kind}.{svg|png}
    from geoapi import summary

    summary.install(app, reader, MOUNT)  # the overview's figures at /ogcapi/summary/{name}
    from geoapi import live

    live.install(app, engine)  # the /events stream and acknowledging alerts
    from geoapi import changes

    changes.install(app, engine, views.layers)  # each collection's change feed (audit trail)
    from geoapi import province

    province.install(app, reader)  # the provincial map over the harvested parks at /province
    from geoapi import declarations

    declarations.install(app, engine)  # the office's review of what enterprises declare

    from geoapi import reports as report_routes

    report_routes.install(app)  # /reports (the runs and their files) and /public (disclosure)
    from webmap.page import register as register_page

    # the page fits the park's extent at once, without asking the API for it first
    park_extent = extents.get("park")
    app.config.setdefault("ONEMAP_PAGE_CONFIG", {})["park_bbox"] = (
        list(park_extent.bbox) if park_extent and park_extent.bbox else None
    )
    register_page(app)  # the one-map page at /
    from qgisproject.routes import install as install_qgis
    from webmap.page import DEFAULT_DEM, ENV_DEM

    # the QGIS project at /qgis/onemap.qgz and each collection's style as QML and SLD
    park = extents.get("park")
    dem = Path(os.environ.get(ENV_DEM) or DEFAULT_DEM)
    from geoapi.access import readable_ids, view_of

    def readable_layers() -> list[Any]:  # the caller's: a token's project holds internal ones
        ids = readable_ids()
        return [layer for layer in collection_layers() if layer.id in ids]

    def readable_fields(layer: Any) -> tuple[Any, ...]:
        return view_of(layer).fields

    bbox = park.bbox if park else None
    install_qgis(app, MOUNT, readable_layers, readable_fields, bbox, dem)
    return app
