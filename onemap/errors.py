"""Errors the onemap command line reports in one line, with the exit status each one means."""

from __future__ import annotations


class OnemapError(Exception):
    """Base of the errors a user sees as one line; ``exit_code`` is the CLI's exit status."""

    exit_code = 2


class DatabaseNotRunningError(OnemapError):
    """The project's own PostGIS is not running and no ONEMAP_DATABASE_URL is set."""


class ClusterError(OnemapError):
    """The private PostgreSQL cluster could not be created, started or stopped."""
