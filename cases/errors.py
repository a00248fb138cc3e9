"""Errors of the case workflows; each carries a one-line bilingual message. ``geoapi.cases``
maps them to HTTP statuses in one table."""

from __future__ import annotations


class CaseError(Exception):
    """Base of the case errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadCaseInput(CaseError):
    """A value the case cannot take: a missing location, an unknown enterprise, a deadline in
    the past, an unknown G.1 code (400)."""


class CaseNotFound(CaseError):
    """No such case, or not one the user may see (404)."""


class TransitionNotAllowed(CaseError):
    """The case's state does not allow the transition (409); the message names those it does."""


class TransitionForbidden(CaseError):
    """The user may not make this transition (403); the message names those they may make."""


class TooManyComplaints(CaseError):
    """Too many anonymous complaints from one address (429)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
