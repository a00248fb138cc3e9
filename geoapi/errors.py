"""Errors of the OGC API and the one mapping from error class to HTTP status.

Every client error becomes an OGC exception document (OGC API - Common, ``exception.yaml``):
``{"code": ..., "description": ...}`` with a one-line bilingual message saying what was wrong.
Bad input is never a 500 and never shows a traceback.

The database's own failures are mapped here too, once for every route (:func:`install`): while
the database is unreachable (stopped, restarting, out of connections) every request gets a 503
with ``Retry-After`` and the OGC exception JSON; a query that hits the statement timeout a 504.
Anything else unexpected is a 500 with the same JSON, logged with its traceback on the server
and shown to nobody.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, InternalServerError

LOGGER = logging.getLogger("onemap.geoapi")
#: Seconds a client is asked to wait before retrying a 503 (the database restarting).
RETRY_AFTER_S = 5


class GeoApiError(Exception):
    """Base of the OGC API errors; ``code`` is the OGC exception code."""

    code = "ServerError"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class InvalidParameterValue(GeoApiError):
    """A query parameter has a value the server cannot use (bad bbox, limit, CRS, ...)."""

    code = "InvalidParameterValue"


class UnknownParameter(GeoApiError):
    """A query parameter that the API definition does not declare (Part 1, 7.14.1)."""

    code = "InvalidParameterValue"


class InvalidFilter(GeoApiError):
    """A CQL2 filter that does not parse or names something that is not queryable."""

    code = "InvalidParameterValue"


class NotFound(GeoApiError):
    """An unknown collection or feature id."""

    code = "NotFound"


class NotAcceptable(GeoApiError):
    """A format the endpoint cannot produce."""

    code = "NoApplicableCode"


class ServiceUnavailable(GeoApiError):
    """The database cannot be reached (stopped, restarting, out of connections): retry soon."""

    code = "ServiceUnavailable"


class QueryTimeout(GeoApiError):
    """A query ran past the statement timeout (``ONEMAP_STATEMENT_TIMEOUT_MS``)."""

    code = "Timeout"


class PayloadTooLarge(GeoApiError):
    """A request body larger than the configured limit."""

    code = "PayloadTooLarge"


class TooManyRequests(GeoApiError):
    """Too many expensive requests from one client at once."""

    code = "TooManyRequests"


class Unauthenticated(GeoApiError):
    """A write without credentials (401)."""

    code = "Unauthorized"


class Forbidden(GeoApiError):
    """The user may not do this to this row (403)."""

    code = "Forbidden"


class Conflict(GeoApiError):
    """The write contradicts the data: a natural key taken, a row still referenced (409)."""

    code = "Conflict"


class PreconditionFailed(GeoApiError):
    """``If-Match`` names a version that is not the current one (412)."""

    code = "PreconditionFailed"


class UnsupportedMediaType(GeoApiError):
    """A request body in a media type the endpoint does not take (415)."""

    code = "UnsupportedMediaType"


#: The single mapping from error class to HTTP status (most specific class first).
STATUS: tuple[tuple[type[GeoApiError], HTTPStatus], ...] = (
    (NotFound, HTTPStatus.NOT_FOUND),
    (Unauthenticated, HTTPStatus.UNAUTHORIZED),
    (Forbidden, HTTPStatus.FORBIDDEN),
    (Conflict, HTTPStatus.CONFLICT),
    (PreconditionFailed, HTTPStatus.PRECONDITION_FAILED),
    (UnsupportedMediaType, HTTPStatus.UNSUPPORTED_MEDIA_TYPE),
    (NotAcceptable, HTTPStatus.NOT_ACCEPTABLE),
    (InvalidParameterValue, HTTPStatus.BAD_REQUEST),
    (UnknownParameter, HTTPStatus.BAD_REQUEST),
    (InvalidFilter, HTTPStatus.BAD_REQUEST),
    (ServiceUnavailable, HTTPStatus.SERVICE_UNAVAILABLE),
    (QueryTimeout, HTTPStatus.GATEWAY_TIMEOUT),
    (PayloadTooLarge, HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
    (TooManyRequests, HTTPStatus.TOO_MANY_REQUESTS),
    (GeoApiError, HTTPStatus.INTERNAL_SERVER_ERROR),
)


def status_of(error: GeoApiError) -> HTTPStatus:
    """The HTTP status of ``error``."""
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return HTTPStatus.INTERNAL_SERVER_ERROR


def error_response(error: GeoApiError) -> Response:
    """The OGC exception document of ``error``, as a Flask response."""
    body = json.dumps({"code": error.code, "description": error.description}, ensure_ascii=False)
    return Response(body, status=status_of(error), mimetype="application/json")


UNAVAILABLE = (
    "数据库暂时不可用，请稍后重试 / the database is unavailable (restarting?): "
    f"retry in {RETRY_AFTER_S} s"
)
TIMED_OUT = (
    "查询超时，请缩小范围（bbox、limit、filter） / the query took longer than the server allows: "
    "narrow it (bbox, limit, filter) and try again"
)
INTERNAL = "服务器内部错误，请联系管理员 / internal server error: please report it"


def database_error(exc: BaseException) -> GeoApiError | None:
    """The API error a database failure means, or ``None`` when ``exc`` is not one.

    A statement timeout (SQLSTATE 57014, PostgreSQL's ``statement_timeout``) is a
    :class:`QueryTimeout`; a connection that cannot be made or was lost, a server shutting down
    or starting up (class 57P, 08), too many connections, or a pool with none free is
    :class:`ServiceUnavailable`. The exception's causes are looked through, so an analysis that
    wraps a database error is mapped too.
    """
    import psycopg
    from sqlalchemy import exc as sa_exc

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        original = current.orig if isinstance(current, sa_exc.DBAPIError) else None
        for candidate in (current, original):
            if isinstance(candidate, psycopg.errors.QueryCanceled):
                return QueryTimeout(TIMED_OUT)
            if isinstance(candidate, psycopg.OperationalError | psycopg.InterfaceError):
                return ServiceUnavailable(UNAVAILABLE)
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return ServiceUnavailable(UNAVAILABLE)
        if isinstance(current, sa_exc.TimeoutError):  # the pool had no free connection
            return ServiceUnavailable(UNAVAILABLE)
        current = current.__cause__ or current.__context__
    return None


def _http_error(exc: HTTPException) -> Response:
    """Flask's own errors (unknown route, wrong method, body too large) as OGC JSON."""
    if exc.code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return error_response(
            PayloadTooLarge(
                "请求体过大 / the request body is larger than the server accepts "
                "(ONEMAP_MAX_BODY_BYTES)"
            )
        )
    code = exc.code or HTTPStatus.INTERNAL_SERVER_ERROR
    phrase = HTTPStatus(code).phrase
    body = json.dumps(
        {"code": phrase.replace(" ", ""), "description": f"{code} {phrase}"}, ensure_ascii=False
    )
    response = Response(body, status=code, mimetype="application/json")
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def _unexpected(exc: BaseException) -> Response:
    mapped = database_error(exc)
    if mapped is not None:
        first_line = (str(exc).strip().splitlines() or [""])[0]
        LOGGER.warning("database: %s: %s", type(exc).__name__, first_line)
        return error_response(mapped)
    LOGGER.error("unhandled error", exc_info=(type(exc), exc, exc.__traceback__))
    return error_response(GeoApiError(INTERNAL))


def install(app: Flask) -> None:
    """Map, on every route of ``app``: database failures to 503/504, Flask's HTTP errors and
    anything unexpected to the OGC exception JSON (never a traceback or a server path), and
    give every 503 a ``Retry-After``."""
    import psycopg
    from sqlalchemy import exc as sa_exc

    for cls in (sa_exc.DBAPIError, sa_exc.TimeoutError, psycopg.Error):
        app.register_error_handler(cls, _unexpected)

    def internal(error: InternalServerError) -> Response:
        original = error.original_exception
        if original is None:
            return _http_error(error)
        return _unexpected(original)

    app.register_error_handler(InternalServerError, internal)
    app.register_error_handler(HTTPException, _http_error)

    @app.after_request
    def retry_after(response: Response) -> Response:
        if response.status_code == HTTPStatus.SERVICE_UNAVAILABLE:
            response.headers.setdefault("Retry-After", str(RETRY_AFTER_S))
        return response
