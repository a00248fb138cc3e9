"""``GET /page/layers``: the one-map page's layers as the signed-in user may read them.

The page as served is the same for everyone and knows public layers and fields only (it is
cached, and kept by the service worker). Once someone signs in, the page asks here for its
layers again: the internal layers the policy lets this user read (clues and inspections for
staff, an enterprise's own hazardous chemicals) and, of public layers, the private fields they
may read (their own enterprise's contacts). Rows are still limited by the API on every items
request; this only tells the page what to ask for and how to show it.
"""

from __future__ import annotations

import json

from flask import Flask, Response

from accounts import policy
from geoapi.auth import current_principal
from geoapi.query import collection_layers
from layers.spec import Field, Layer
from webmap.spec import map_config


def install(app: Flask) -> None:
    """Serve ``GET /page/layers`` (guarded as signed-in only by geoapi.guard)."""

    @app.get("/page/layers")
    def page_layers() -> Response:
        principal = current_principal()
        views = {}
        for layer in collection_layers():
            view = policy.read_view(principal, layer)
            if view is not None:
                views[layer.id] = view

        def fields_of(layer: Layer) -> tuple[Field, ...]:
            return views[layer.id].fields

        readable = [layer for layer in collection_layers() if layer.id in views]
        body = map_config(readable, fields_of)
        response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
        response.headers["Cache-Control"] = "private, no-store"
        return response
