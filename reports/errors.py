"""Errors of the reports package: each is one line for the user, and exits the CLI with 2.

The web routes map them through ``geoapi.errors`` (bad input → 400, missing → 404).
"""

from __future__ import annotations


class ReportError(Exception):
    """Base of the errors a report run shows as one line (the CLI exits with 2)."""

    exit_code = 2


class UnknownKindError(ReportError):
    """A report kind that is not declared in :data:`reports.REGISTRY`."""


class BadPeriodError(ReportError):
    """A period that is malformed, of the wrong granularity for the kind, or not yet over."""


class MissingFontError(ReportError):
    """No Chinese font is installed for the PDF."""


class RenderError(ReportError):
    """A renderer (XlsxWriter, WeasyPrint) is missing or failed."""


class ReportNotFoundError(ReportError):
    """No run of that id, or not one the user may read."""
