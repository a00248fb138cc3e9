"""Bounds on what one request may ask of the server.

* Request bodies: at most ``ONEMAP_MAX_BODY_BYTES`` (default 10 MiB; Flask's
  ``MAX_CONTENT_LENGTH``): a larger body is a 413 with the OGC exception JSON.
* Expensive requests (process executions, CSV/GeoPackage downloads, station plots): at most
  ``ONEMAP_MAX_CONCURRENT_EXPENSIVE`` (default 2) at once per client address and worker
  process; one more is a 429 with ``Retry-After``. Per address until accounts land, then per
  user. Every query is bounded in time as well (``ONEMAP_STATEMENT_TIMEOUT_MS``,
  :mod:`geoapi.catalog`).
"""

from __future__ import annotations

import os
import threading
from collections import Counter

from flask import Flask, Response, g, request

from geoapi.errors import RETRY_AFTER_S, TooManyRequests, error_response

ENV_MAX_BODY = "ONEMAP_MAX_BODY_BYTES"
DEFAULT_MAX_BODY = 10 * 1024 * 1024
ENV_MAX_CONCURRENT = "ONEMAP_MAX_CONCURRENT_EXPENSIVE"
DEFAULT_MAX_CONCURRENT = 2
DOWNLOAD_FORMATS = frozenset({"csv", "gpkg"})


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{name} 须为正整数 / must be a positive whole number (got {raw!r})")
    return value


def is_expensive() -> bool:
    """Whether the current request is one of the expensive kinds the concurrency limit counts."""
    path = request.path
    if request.method == "POST" and path.startswith("/ogcapi/processes/"):
        return path.endswith("/execution")
    if path.startswith("/plots/"):
        return True
    return path.endswith("/items") and (request.args.get("f") or "").lower() in DOWNLOAD_FORMATS


class ConcurrencyLimit:
    """At most ``limit`` requests at once per client key, in this process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    def acquire(self, key: str) -> bool:
        """Count one more request of ``key``; ``False`` (and nothing counted) when at the limit."""
        with self._lock:
            if self._running[key] >= self.limit:
                return False
            self._running[key] += 1
            return True

    def release(self, key: str) -> None:
        """The request of ``key`` has ended."""
        with self._lock:
            self._running[key] -= 1
            if self._running[key] <= 0:
                del self._running[key]


def client_key() -> str:
    """Whose request this is: the client address for now (the user once accounts land)."""
    return request.remote_addr or "unknown"


def install(app: Flask) -> None:
    """Set the body limit and the expensive-request limit on ``app``."""
    app.config["MAX_CONTENT_LENGTH"] = _positive_int(ENV_MAX_BODY, DEFAULT_MAX_BODY)
    limit = ConcurrencyLimit(_positive_int(ENV_MAX_CONCURRENT, DEFAULT_MAX_CONCURRENT))
    app.extensions["onemap_concurrency"] = limit

    @app.before_request
    def limit_expensive() -> Response | None:
        if not is_expensive():
            return None
        key = client_key()
        if not limit.acquire(key):
            response = error_response(
                TooManyRequests(
                    f"同时进行的分析/下载过多（每客户端最多{limit.limit}个）/ too many analyses, "
                    f"downloads or plots at once from this client (at most {limit.limit}): "
                    "wait for one to finish"
                )
            )
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
            return response
        g.onemap_expensive_key = key
        return None

    @app.teardown_request
    def release_expensive(_error: BaseException | None) -> None:
        key = g.pop("onemap_expensive_key", None)
        if key is not None:
            limit.release(key)
