"""Errors of the OGC API and the one mapping from error class to HTTP status.

Every client error becomes an OGC exception document (OGC API - Common, ``exception.yaml``):
``{"code": ..., "description": ...}`` with a one-line bilingual message saying what was wrong.
Bad input is never a 500 and never shows a traceback.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Response


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


#: The single mapping from error class to HTTP status (most specific class first).
STATUS: tuple[tuple[type[GeoApiError], HTTPStatus], ...] = (
    (NotFound, HTTPStatus.NOT_FOUND),
    (NotAcceptable, HTTPStatus.NOT_ACCEPTABLE),
    (InvalidParameterValue, HTTPStatus.BAD_REQUEST),
    (UnknownParameter, HTTPStatus.BAD_REQUEST),
    (InvalidFilter, HTTPStatus.BAD_REQUEST),
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


class PayloadTooLarge(GeoApiError):
    """A request body over the limit (413)."""

    code = "PayloadTooLarge"


class UnsupportedMediaType(GeoApiError):
    """A request body in a media type the endpoint does not take (415)."""

    code = "UnsupportedMediaType"


#: Statuses of the editing errors (Part 4), looked up before :data:`STATUS`.
EDIT_STATUS: tuple[tuple[type[GeoApiError], HTTPStatus], ...] = (
    (Unauthenticated, HTTPStatus.UNAUTHORIZED),
    (Forbidden, HTTPStatus.FORBIDDEN),
    (Conflict, HTTPStatus.CONFLICT),
    (PreconditionFailed, HTTPStatus.PRECONDITION_FAILED),
    (PayloadTooLarge, HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
    (UnsupportedMediaType, HTTPStatus.UNSUPPORTED_MEDIA_TYPE),
)
STATUS = EDIT_STATUS + STATUS
