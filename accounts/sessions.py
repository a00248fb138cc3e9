"""The page's sign-in sessions: a random cookie, stored hashed, with its CSRF token.

Sessions live in the database, so every app server behind a load balancer knows them and a
sign-out ends the session everywhere.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from accounts import passwords, store
from accounts.errors import BadCredentials
from accounts.principal import Principal

ENV_SESSION_HOURS = "ONEMAP_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 12


def session_hours() -> int:
    """How long a page session lasts (``ONEMAP_SESSION_HOURS``, default 12)."""
    raw = os.environ.get(ENV_SESSION_HOURS, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 24 * 30 else DEFAULT_SESSION_HOURS


def create(engine: sa.Engine, login: str) -> tuple[str, str]:
    """A new session for ``login``: ``(cookie value, CSRF token)``."""
    cookie, csrf = passwords.new_secret(), passwords.new_secret()
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM accounts_sessions WHERE expires_at < now()"))
        connection.execute(
            sa.text(
                "INSERT INTO accounts_sessions (id_sha256, user_id, csrf_token, expires_at) "
                "SELECT :s, id, :c, now() + make_interval(hours => :h) FROM accounts_users "
                "WHERE login = :l AND NOT disabled"
            ),
            {"s": passwords.digest(cookie), "c": csrf, "h": session_hours(), "l": login},
        )
    return cookie, csrf


def resolve(engine: sa.Engine, cookie: str) -> Principal:
    """The account of a session cookie; :class:`BadCredentials` when unknown or expired."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT user_id, csrf_token FROM accounts_sessions WHERE id_sha256 = :s "
                "AND expires_at > now()"
            ),
            {"s": passwords.digest(cookie)},
        ).one_or_none()
    if row is None:
        raise BadCredentials("会话已过期，请重新登录 / the session has ended: sign in again")
    return store.principal_for_user_id(engine, int(row[0]), "session", csrf_token=row[1])


def end(engine: sa.Engine, cookie: str) -> None:
    """End the session of ``cookie`` (sign-out)."""
    with engine.begin() as connection:
        connection.execute(
            sa.text("DELETE FROM accounts_sessions WHERE id_sha256 = :s"),
            {"s": passwords.digest(cookie)},
        )
