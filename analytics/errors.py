"""Errors an analysis raises for bad input, each with its HTTP status and CLI exit status.

One small hierarchy (after tipg's); each class carries the one mapping to its HTTP status
(``http_status``, for the OGC API) and its CLI exit status (``exit_code``). The CLI prints
``str(exc)`` on one line. Messages are bilingual
"中文 / English" and say what was wrong and what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class AnalysisError(Exception):
    """Base of every error an analysis reports to its caller as one line."""

    http_status = 400
    exit_code = 2


class BadParameterError(AnalysisError):
    """A parameter is unknown, malformed or out of range (HTTP 400, exit status 2)."""

    http_status = 400


class NotFoundError(AnalysisError):
    """Something a parameter names does not exist: an analysis, an enterprise, a station,
    a node or a reach (HTTP 404, exit status 2)."""

    http_status = 404


class UnknownAnalysisError(NotFoundError):
    """No analysis has this id."""


def bad_parameters(exc: ValidationError) -> BadParameterError:
    """One line naming each invalid parameter, what was given and what is allowed."""
    parts = []
    for error in exc.errors(include_url=False):
        name = ".".join(str(p) for p in error["loc"]) or "parameters"
        given = error.get("input")
        message = str(error["msg"])
        if error["type"] == "extra_forbidden":
            parts.append(f"{name}: 未知参数 / unknown parameter")
            continue
        shown = "" if isinstance(given, dict) else f" (got {given!r})"
        parts.append(f"{name}: {message}{shown}")
    return BadParameterError("参数无效 / invalid parameter: " + "; ".join(parts))
