"""Lists that name collections show only those that exist for the user: the collections
document (JSON and HTML) and the OpenAPI document. pygeoapi knows every collection; its answers
are filtered here, after the fact, by the policy's list of readable ids."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Response

from geoapi.access import readable_ids
from geoapi.query import collection_layers

COLLECTIONS_ENDPOINT = "pygeoapi.collections"
OPENAPI_ENDPOINT = "pygeoapi.openapi"


def hidden_ids() -> list[str]:
    """The served collections the current user may not read."""
    readable = readable_ids()
    return [layer.id for layer in collection_layers() if layer.id not in readable]


def _row_pattern(collection_id: str) -> re.Pattern[str]:
    # one table row of pygeoapi's collections page: <tr> … href=".../collections/ID" … </tr>
    return re.compile(
        r"<tr>(?:(?!</tr>).)*?/collections/" + re.escape(collection_id) + r'"(?:(?!</tr>).)*?</tr>',
        re.DOTALL,
    )


def _json(response: Response) -> Any:
    """The body as JSON, or None (pygeoapi sets its Content-Type only after the view)."""
    body = response.get_data()
    if not body.lstrip().startswith(b"{"):
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _filter_collections(response: Response, hidden: list[str]) -> Response:
    document = _json(response)
    if document is not None:
        document["collections"] = [
            c for c in document.get("collections", []) if c.get("id") not in hidden
        ]
        response.set_data(json.dumps(document, ensure_ascii=False))
    else:
        page = response.get_data(as_text=True)
        for collection_id in hidden:
            page = _row_pattern(collection_id).sub("", page)
        response.set_data(page)
    return response


def _mentions(key: str, hidden: list[str]) -> bool:
    return any(f"/collections/{h}/" in key + "/" for h in hidden)


def _filter_openapi(response: Response, hidden: list[str]) -> Response:
    document = _json(response)
    if document is None:
        return response
    paths = document.get("paths", {})
    for key in [k for k in paths if _mentions(k, hidden)]:
        del paths[key]
    document["tags"] = [t for t in document.get("tags", []) if t.get("name") not in hidden]
    parameters = document.get("components", {}).get("parameters", {})
    for name in [n for n in parameters if n in hidden]:
        del parameters[name]
    response.set_data(json.dumps(document, ensure_ascii=False))
    return response


def install(app: Flask) -> None:
    """Wrap pygeoapi's collections and OpenAPI views with the per-user filters."""
    collections: Callable[..., Any] = app.view_functions[COLLECTIONS_ENDPOINT]
    openapi: Callable[..., Any] = app.view_functions[OPENAPI_ENDPOINT]

    def filtered_collections(collection_id: str | None = None) -> Any:
        response = collections(collection_id)
        hidden = hidden_ids()
        if collection_id is None and hidden and isinstance(response, Response):
            return _filter_collections(response, hidden)
        return response

    def filtered_openapi() -> Any:
        response = openapi()
        hidden = hidden_ids()
        if hidden and isinstance(response, Response) and response.status_code == 200:
            return _filter_openapi(response, hidden)
        return response

    app.view_functions[COLLECTIONS_ENDPOINT] = filtered_collections
    app.view_functions[OPENAPI_ENDPOINT] = filtered_openapi
