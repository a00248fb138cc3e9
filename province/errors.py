"""Errors of the province package (one line each, bilingual)."""

from __future__ import annotations


class ProvinceError(Exception):
    """Base class: a problem a user can act on."""

    exit_code = 1


class HarvestError(ProvinceError):
    """A park's API could not be read."""
