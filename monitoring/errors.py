"""Errors of the monitoring package (one line each, bilingual)."""

from __future__ import annotations


class MonitoringError(Exception):
    """Base class: a problem a user can act on (exit status / HTTP status by subclass)."""

    exit_code = 1
    status = 400


class AlertNotFoundError(MonitoringError):
    """No alert with that id (or not one the user may see)."""

    status = 404


class AlertStateError(MonitoringError):
    """A state change the alert's state does not allow (closed alerts stay closed)."""

    status = 409


class NotificationConfigError(MonitoringError):
    """The notification settings in the environment are malformed."""
