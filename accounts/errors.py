"""Errors of accounts, tokens, sign-in and the policy; each carries a bilingual message."""

from __future__ import annotations


class AccountError(Exception):
    """Base of the accounts errors; ``exit_code`` is the CLI's exit status for it."""

    exit_code = 2


class BadPermission(AccountError):
    """A permission string that does not parse."""


class UnknownAccount(AccountError):
    """A login, role or token id that does not exist."""


class AccountExists(AccountError):
    """A login or role name that is taken."""


class BadCredentials(AccountError):
    """A wrong login or password, an unknown, revoked or expired token, a disabled account."""


class Throttled(AccountError):
    """Too many failed sign-ins for a login or an address; ``retry_after_s`` says how long."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
