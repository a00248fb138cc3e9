"""The project's HTTP routes: the QGIS project, its hillshade, and each collection's style.

* ``GET /qgis/onemap.qgz[?authcfg=ID]`` the project of the layers the caller may read;
* ``GET /qgis/hillshade.tif`` the park's hillshade, the project's raster layer;
* ``GET /ogcapi/collections/{id}/styles/default?f=qml|sld`` a collection's style.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from flask import Flask, Response, current_app, request

from layers.spec import Field, Layer
from qgisproject.hillshade import CRS as HILLSHADE_CRS
from qgisproject.hillshade import hillshade_geotiff
from qgisproject.project import Raster, project_qgz, project_xml
from qgisproject.styles import QML_MIME, SLD_MIME, qml, sld

PROJECT_URL = "/qgis/onemap.qgz"
HILLSHADE_URL = "/qgis/hillshade.tif"
STYLE_URL = "/collections/<collection_id>/styles/default"
QGZ_MIME = "application/vnd.qgis.qgz"
#: QGIS authentication configuration ids are 7 letters or digits.
AUTHCFG = re.compile(r"^[A-Za-z0-9]{7}$")


def _error(status: int, message: str) -> Response:
    code = "NotFound" if status == 404 else "InvalidParameterValue"
    body = json.dumps({"code": code, "description": message}, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")


def install(
    app: Flask,
    mount: str,
    layers: Callable[[], Sequence[Layer]],
    fields: Callable[[Layer], tuple[Field, ...]],
    extent: tuple[float, float, float, float] | None,
    dem_path: Path | None,
) -> None:
    """Add the routes to ``app``; ``layers`` and ``fields`` say what the caller may read (asked
    on every request), ``mount`` is the API's path (``/ogcapi``)."""

    @functools.cache
    def hillshade() -> bytes | None:
        return hillshade_geotiff(dem_path) if dem_path and dem_path.is_file() else None

    @app.get(PROJECT_URL)
    def qgis_project() -> Response:
        authcfg = request.args.get("authcfg") or None
        if authcfg is not None and not AUTHCFG.match(authcfg):
            return _error(400, "authcfg 须为7位字母数字 / authcfg must be 7 letters or digits")
        began = time.perf_counter()
        server = str(current_app.config["ONEMAP_PUBLIC_URL"])
        root = server.removesuffix(mount)
        rasters = []
        if dem_path and dem_path.is_file():
            rasters.append(
                Raster("onemap_hillshade", "山体阴影", root + HILLSHADE_URL, HILLSHADE_CRS)
            )
        qgs = project_xml(layers(), fields, server, rasters, extent, authcfg)
        response = Response(project_qgz(qgs), mimetype=QGZ_MIME)
        response.headers["Content-Disposition"] = 'attachment; filename="onemap.qgz"'
        response.headers["Server-Timing"] = f"build;dur={(time.perf_counter() - began) * 1000:.1f}"
        return response

    @app.get(HILLSHADE_URL)
    def qgis_hillshade() -> Response:
        tiff = hillshade()
        if tiff is None:
            return _error(404, "无高程数据 / no DEM configured (ONEMAP_DEM)")
        response = Response(tiff, mimetype="image/tiff")
        response.cache_control.max_age = 86400
        # GDAL's /vsicurl/ reads a remote file by byte ranges, and refuses a server without them
        response.make_conditional(request, accept_ranges=True, complete_length=len(tiff))
        return response

    @app.get(mount + STYLE_URL)
    def collection_style(collection_id: str) -> Response:
        served = {layer.id: layer for layer in layers()}
        layer = served.get(collection_id)
        if layer is None:
            return _error(404, f"未知集合 / unknown collection {collection_id!r}")
        fmt = (request.args.get("f") or "sld").lower()
        if fmt == "qml":
            return Response(qml(layer, fields(layer)), mimetype=QML_MIME)
        if fmt == "sld":
            return Response(sld(layer), mimetype=SLD_MIME)
        return _error(400, f"不支持的格式 / unsupported f={fmt!r}; use qml or sld")
