"""Reads right after a write go to the primary (read-your-writes with a read replica).

A request that writes (any method but GET, HEAD and OPTIONS, save the analyses' POSTs to
``/processes/``) reads from the primary, and a successful one sets a short-lived cookie: the
same browser's or client's requests read from the primary until it expires, by which time a
streaming standby has replayed the write (its lag on loopback is milliseconds; :data:`WINDOW_S`
leaves room for a loaded one). Without a replica (``ONEMAP_DATABASE_READ_URL`` unset) every
read is the primary's anyway.
"""

from __future__ import annotations

import time

from flask import Flask, Response, request
from werkzeug.datastructures import Headers

from onemap.database import PREFER_PRIMARY

COOKIE = "onemap_primary_until"
WINDOW_S = 10
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _until() -> float:
    try:
        return float(request.cookies.get(COOKIE, "0"))
    except ValueError:
        return 0.0


def _is_analysis(path: str) -> bool:
    """An OGC API process runs an analysis: a POST that only reads."""
    return "/processes/" in path


def install(app: Flask) -> None:
    """Route each request's reads by the rule above."""

    @app.before_request
    def _choose_server() -> None:
        PREFER_PRIMARY.set(request.method not in _READS or _until() > time.time())

    @app.after_request
    def _remember_write(response: Response) -> Response:
        wrote = request.method not in _READS and not _is_analysis(request.path)
        # (some of pygeoapi's responses carry plain dict headers: none of them is a write)
        if wrote and response.status_code < 400 and isinstance(response.headers, Headers):
            response.set_cookie(
                COOKIE,
                f"{time.time() + WINDOW_S:.0f}",
                max_age=WINDOW_S,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure,
            )
        return response
