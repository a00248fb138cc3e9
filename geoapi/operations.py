"""What running the app for years needs, installed on it in one call (:func:`install`).

* ``GET /healthz``: the process answers (no database access) — 200 ``{"status": "ok"}``.
* ``GET /readyz``: the database answers and its schema is at the migrations' head — 200
  ``{"status": "ready", "revision": ...}``, else 503 ``{"status": "unavailable", ...}`` with
  ``Retry-After``; for a load balancer or a systemd watchdog.
* The one error mapping of :mod:`geoapi.errors` (database down → 503, statement timeout → 504,
  anything else → a 500 without traceback), request body limits (413) and the per-client limit
  on concurrent expensive requests (429) of :mod:`geoapi.limits`, the security headers of
  :mod:`geoapi.security`, and a request id on every request and log line
  (:mod:`geoapi.request_log`).
"""

from __future__ import annotations

import functools
import json
import time
from http import HTTPStatus

from flask import Flask, Response
from sqlalchemy import Engine, text

from geoapi import errors

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
#: How long /readyz waits for the database before it says unavailable (ms).
READY_TIMEOUT_MS = 2000


@functools.cache
def _head_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    from onemap.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("postgresql://")).get_heads())


def _json(document: dict[str, object], status: HTTPStatus) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False), status=status)
    response.mimetype = "application/json"
    response.headers["Cache-Control"] = "no-store"
    return response


def readiness(engine: Engine) -> tuple[HTTPStatus, dict[str, object]]:
    """Whether the app can serve: the database answers within :data:`READY_TIMEOUT_MS` and its
    Alembic revision is a head of the shipped migrations."""
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(text(f"SET LOCAL statement_timeout = {READY_TIMEOUT_MS}"))
            revision = connection.execute(
                text("SELECT version_num FROM alembic_version")
            ).scalar_one_or_none()
    except Exception as exc:  # any failure means not ready; the reason is given, not raised
        mapped = errors.database_error(exc)
        return HTTPStatus.SERVICE_UNAVAILABLE, {
            "status": "unavailable",
            "database": "unreachable" if mapped is not None else "error",
            "description": mapped.description if mapped is not None else errors.INTERNAL,
        }
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    heads = _head_revisions()
    if revision not in heads:
        return HTTPStatus.SERVICE_UNAVAILABLE, {
            "status": "unavailable",
            "database": "ok",
            "revision": revision,
            "expected": sorted(heads),
            "description": "数据库未迁移到最新版本，请执行 onemap db up / the schema is not at "
            "the migrations' head: run `onemap db up`",
        }
    return HTTPStatus.OK, {
        "status": "ready",
        "database": "ok",
        "revision": revision,
        "database_ms": elapsed_ms,
    }


def install(app: Flask, engine: Engine) -> None:
    """Install health checks, the error mapping, limits, headers and request ids on ``app``."""
    from geoapi import limits, request_log, security

    request_log.install(app)  # first: the other hooks' log lines and answers carry its id
    errors.install(app)
    security.install(app)
    limits.install(app)

    def healthz() -> Response:
        return _json({"status": "ok"}, HTTPStatus.OK)

    def readyz() -> Response:
        status, document = readiness(engine)
        return _json(document, status)

    app.add_url_rule(HEALTH_PATH, "healthz", healthz, methods=["GET"])
    app.add_url_rule(READY_PATH, "readyz", readyz, methods=["GET"])
