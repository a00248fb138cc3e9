"""Errors of the province package (one line each, bilingual)."""

from __future__ import annotations


class ProvinceError(Exception):
    """Base class: a problem a user can act on."""

    exit_code = 1


class HarvestError(ProvinceError):
    """A park's API could not be read."""


class FeedUnavailable(HarvestError):
    """The park answered 400 or 404: no such item, or no change feed for this collection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
