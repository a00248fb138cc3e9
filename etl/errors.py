"""Errors of the ETL loader.

Every :class:`EtlError` means the input as a whole cannot be used (exit status 2 of
``onemap load``); its message is one bilingual line saying what was wrong and what to do. Bad
*rows* are not errors: they are reported in the rejects file and the load goes on.
"""

from __future__ import annotations


class EtlError(Exception):
    """The input cannot be loaded at all; the message is one line for the user."""

    exit_code = 2


class ReadOnlyLayerError(EtlError):
    """The layer is computed by the database (``Layer.view``): nothing is loaded into it."""


class UnreadableFileError(EtlError):
    """The file is missing, of an unknown format, corrupt, or has no rows to read."""


class UnknownCrsError(EtlError):
    """The coordinate reference system is neither an EPSG/PROJ definition nor gcj02/bd09."""


class MissingColumnError(EtlError):
    """A required column, or the coordinates of a point table, is missing entirely."""


class DatabaseError(EtlError):
    """The database refused the load as a whole (missing table, connection lost)."""

    exit_code = 1
