"""Editing in the API's descriptions: the Part 4 conformance classes, and the write operations
and sign-in schemes in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from geoapi.feature_input import GEOJSON_TYPE, MERGE_PATCH

#: Part 4's conformance classes this API implements.
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/req/optimistic-locking-etags",
)


def _operation(summary: str, op_id: str, body_type: str | None, codes: dict[str, str]) -> Any:
    operation: dict[str, Any] = {
        "summary": summary,
        "operationId": op_id,
        "security": [{"bearer": []}, {"basic": []}],
        "responses": {code: {"description": text} for code, text in codes.items()},
    }
    if body_type:
        operation["requestBody"] = {
            "required": True,
            "content": {body_type: {"schema": {"type": "object"}}},
        }
    return operation


def declare_in_openapi(openapi: dict[str, Any]) -> None:
    """Declare the editing operations (Part 4) and the sign-in schemes in the OpenAPI
    document: a POST of ``application/geo+json`` to items creates; PUT, PATCH and DELETE on an
    item."""
    components = openapi.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(
        {
            "bearer": {"type": "http", "scheme": "bearer", "description": "onemap API token"},
            "basic": {"type": "http", "scheme": "basic", "description": "login and password"},
        }
    )
    refused = {"400": "无效要素 / invalid feature", "401": "请登录 / sign in", "403": "无权限"}
    for route, path in openapi.get("paths", {}).items():
        if not route.startswith("/collections/"):
            continue
        collection = route.split("/")[2]
        name = "".join(part.capitalize() for part in collection.split("_"))
        if route.endswith("/items") and isinstance(path.get("post"), dict):
            content = path["post"].setdefault("requestBody", {}).setdefault("content", {})
            content["application/geo+json"] = {"schema": {"type": "object"}}
            path["post"]["description"] = (
                "application/geo+json: 新增一个要素 / create one feature (OGC API Features "
                "Part 4); application/json: CQL2 JSON search"
            )
        if route.endswith("/items/{featureId}"):
            changed = {"200": "已修改 / changed", "412": "版本不符 / stale If-Match", **refused}
            path["put"] = _operation(
                "替换要素 / replace a feature", f"replace{name}Feature", GEOJSON_TYPE, changed
            )
            path["patch"] = _operation(
                "修改要素 / update a feature", f"update{name}Feature", MERGE_PATCH, changed
            )
            path["delete"] = _operation(
                "删除要素 / delete a feature",
                f"delete{name}Feature",
                None,
                {"204": "已删除 / deleted", "409": "仍被引用 / still referenced", **refused},
            )
