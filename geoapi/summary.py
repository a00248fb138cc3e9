"""Summary endpoints of the park at a glance, for the page's overview panel (Jiangsu 7.8.1).

``GET /ogcapi/summary/air``, ``/ogcapi/summary/exceedances`` and ``/ogcapi/summary/enterprises``
answer small JSON documents computed by :mod:`analytics.overview` (read-only SQL over the
registry's tables), so the page never counts features itself. They are declared in the OpenAPI
document by :func:`declare_openapi`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, request
from sqlalchemy import Engine

from analytics import overview
from geoapi.errors import InvalidParameterValue, error_response

PATH = "/summary"

#: name → (function of the engine, zh/en summary of the document)
SUMMARIES: dict[str, tuple[Callable[[Engine], dict[str, Any]], str]] = {
    "air": (
        overview.air_now,
        "空气质量概览 / latest hourly AQI per air station with its HJ 633 grade, the park's "
        "worst, and the park's daily AQI (worst station) of the last 30 days",
    ),
    "exceedances": (
        overview.exceedances_summary,
        "超标概览 / exceedance events today and this month by medium (station type), per day "
        "of the last 30 days, and stations offline",
    ),
    "enterprises": (
        overview.enterprises_by_risk,
        "企业风险概览 / enterprises per HJ 941 environmental risk level",
    ),
}
#: How long a browser may reuse a summary (the judgement is refreshed hourly at most).
MAX_AGE_S = 60


def install(app: Flask, engine: Engine, mount: str) -> None:
    """Serve the summaries under ``mount`` and give the page their URLs (``summary``)."""
    app.config.setdefault("ONEMAP_PAGE_CONFIG", {})["summary"] = {
        name: f"{PATH}/{name}" for name in SUMMARIES
    }

    def summary_view(name: str) -> Response:
        unknown = [k for k in request.args if k != "f"]
        if unknown:
            return error_response(
                InvalidParameterValue(f"未知参数 / unknown parameter {unknown[0]!r}; allowed: f")
            )
        if request.args.get("f", "json") != "json":
            return error_response(
                InvalidParameterValue(
                    f"不支持的格式 / unsupported f={request.args['f']!r}; use f=json"
                )
            )
        response = jsonify(SUMMARIES[name][0](engine))
        response.cache_control.max_age = MAX_AGE_S
        return response

    for name in SUMMARIES:
        app.add_url_rule(
            f"{mount}{PATH}/{name}",
            f"summary_{name}",
            lambda name=name: summary_view(name),
            methods=["GET"],
        )


def declare_openapi(openapi: dict[str, Any]) -> None:
    """Add the summary paths to the OpenAPI document (pygeoapi's, as served at /ogcapi/api)."""
    paths = openapi.setdefault("paths", {})
    for name, (_, summary) in SUMMARIES.items():
        paths[f"{PATH}/{name}"] = {
            "get": {
                "summary": summary,
                "operationId": f"getSummary{name.title()}",
                "tags": ["summary"],
                "parameters": [
                    {
                        "name": "f",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["json"], "default": "json"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": summary,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": {"description": "参数错误 / bad parameter"},
                },
            }
        }
