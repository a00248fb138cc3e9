"""A request id on every request, and one JSON log line per request (:mod:`onemap.logs`).

The id is the client's ``X-Request-Id`` when it is a sane token (up to 64 letters, digits,
``.``, ``_``, ``-``: a proxy's id is kept), else a new random one; it is echoed in the response's
``X-Request-Id`` and carried by every log line written while the request is served.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from onemap.logs import REQUEST_ID

HEADER = "X-Request-Id"
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
LOGGER = logging.getLogger("onemap.access")


def install(app: Flask) -> None:
    """Give every request of ``app`` an id, echo it, and log the request when it ends."""

    @app.before_request
    def start() -> None:
        given = request.headers.get(HEADER, "")
        request_id = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        g.onemap_request_id = request_id
        g.onemap_request_token = REQUEST_ID.set(request_id)
        g.onemap_request_started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        request_id = g.get("onemap_request_id")
        if request_id is None:
            return response
        response.headers[HEADER] = request_id
        started = g.get("onemap_request_started", time.perf_counter())
        LOGGER.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "remote": request.remote_addr,
            },
        )
        return response

    @app.teardown_request
    def forget(_error: BaseException | None) -> None:
        token = g.pop("onemap_request_token", None)
        if token is not None:
            REQUEST_ID.reset(token)
