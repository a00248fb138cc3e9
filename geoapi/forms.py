"""``GET /forms``: the edit forms of the layers the signed-in user may write, from the registry.

The page renders them (``webmap/static/account.js``): Chinese and English titles with units,
enumerations as selects of their labels, required marks and bounds. Which layers appear, and
whether rows are limited to the user's own enterprises, is the policy's answer; the server
validates every write again whatever the form allowed.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response

from accounts import policy
from geoapi.auth import current_principal
from geoapi.query import collection_layers
from layers.spec import Field, Layer, input_fields


def _field(f: Field) -> dict[str, Any]:
    return {
        "name": f.name,
        "zh": f.zh,
        "en": f.en,
        "unit": f.unit,
        "type": str(f.type),
        "required": f.required,
        "choices": [{"value": c.value, "zh": c.zh, "en": c.en} for c in f.choices],
        "minimum": f.minimum,
        "maximum": f.maximum,
        "private": f.private,
    }


def form(layer: Layer, owners: tuple[str, ...] | None) -> dict[str, Any]:
    """One layer's edit form; ``owners`` limits the owner field's values (None: any)."""
    return {
        "id": layer.id,
        "zh": layer.zh,
        "en": layer.en,
        "geometry": layer.geometry_type,
        "owner_field": layer.owner_field,
        "owners": list(owners) if owners is not None else None,
        "fields": [_field(f) for f in input_fields(layer)],
    }


def install(app: Flask) -> None:
    """Serve ``GET /forms`` (guarded as signed-in only by geoapi.guard)."""

    @app.get("/forms")
    def edit_forms() -> Response:
        principal = current_principal()
        forms = []
        for layer in collection_layers():
            scope = policy.write_scope(principal, layer)
            if scope is not None and layer.geometry is not None:
                forms.append(form(layer, scope.owners))
        body = {"user": principal.as_json(), "layers": forms}
        response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
        response.headers["Cache-Control"] = "private, no-store"
        return response
