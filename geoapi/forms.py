"""``GET /forms``: the edit forms of the layers the signed-in user may write, from the registry.

The page renders them (``webmap/static/account.js``): Chinese and English titles with units,
enumerations as selects of their labels, required marks and bounds. Which layers appear, and
whether rows are limited to the user's own enterprises, is the policy's answer; the server
validates every write again whatever the form allowed.

The declared layers (``Layer.declared``: solid waste, LDAR, energy, carbon, manual monitoring,
operating conditions) are listed too, tables included, with ``review``: whether the user
accepts or returns them (``accounts.policy.may_review``); the page's declarations panel
(``webmap/static/declarations.js``) enters and reviews them. A layer the user only reviews
comes with no fields.
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


def form(
    layer: Layer, owners: tuple[str, ...] | None, *, writable: bool = True, review: bool = False
) -> dict[str, Any]:
    """One layer's edit form; ``owners`` limits the owner field's values (None: any);
    ``review``: the user reviews the layer's declarations; not ``writable``: no fields."""
    return {
        "id": layer.id,
        "zh": layer.zh,
        "en": layer.en,
        "geometry": layer.geometry_type if layer.geometry is not None else None,
        "owner_field": layer.owner_field,
        "owners": list(owners) if owners is not None else None,
        "declared": layer.declared,
        "writable": writable,
        "review": review,
        "fields": [_field(f) for f in input_fields(layer)] if writable else [],
    }


def install(app: Flask) -> None:
    """Serve ``GET /forms`` (guarded as signed-in only by geoapi.guard)."""

    @app.get("/forms")
    def edit_forms() -> Response:
        principal = current_principal()
        forms = []
        for layer in collection_layers():
            scope = policy.write_scope(principal, layer)
            review = policy.may_review(principal, layer)
            if scope is not None and (layer.geometry is not None or layer.declared):
                forms.append(form(layer, scope.owners, review=review))
            elif review:
                forms.append(form(layer, None, writable=False, review=True))
        body = {"user": principal.as_json(), "layers": forms}
        response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
        response.headers["Cache-Control"] = "private, no-store"
        return response
