"""Errors of pollution-source supervision, each with a one-line message for the user."""

from __future__ import annotations


class SourceError(ValueError):
    """Bad input to a source-supervision computation (an interval, a time range)."""
