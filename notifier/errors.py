"""The notifier's errors: bad settings are one-line messages naming the variable to fix."""

from __future__ import annotations


class NotifierError(Exception):
    """Base of the notifier's errors."""

    exit_code = 2


class NotifierConfigError(NotifierError):
    """A channel's settings (environment, contacts file, a recipient's target) are invalid."""
