"""Accounts, roles and tokens in the database: what the CLI manages and sign-in checks.

Every function takes a SQLAlchemy engine or connection; messages are bilingual one-liners.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from accounts import passwords
from accounts.errors import AccountError, AccountExists, BadCredentials, UnknownAccount
from accounts.permissions import SHIPPED, Permission
from accounts.principal import Principal
from layers import BY_ID
from layers.credit_code import credit_code_problem

LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
ROLE_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
TOKEN = re.compile(r"^om_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed (never its secret)."""

    id: str
    login: str
    name: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


def _role_permissions(connection: sa.Connection, role: str) -> frozenset[Permission] | None:
    row = connection.execute(
        sa.text("SELECT permissions FROM accounts_roles WHERE name = :r"), {"r": role}
    ).one_or_none()
    if row is None:
        return None
    return frozenset(Permission.parse(p) for p in row[0])


def ensure_shipped_roles(connection: sa.Connection) -> None:
    """Create the shipped roles where missing (their permissions are reset to the shipped)."""
    for role in SHIPPED.values():
        connection.execute(
            sa.text(
                "INSERT INTO accounts_roles (name, title_zh, title_en, permissions, builtin) "
                "VALUES (:n, :zh, :en, :p, true) ON CONFLICT (name) DO UPDATE SET "
                "permissions = EXCLUDED.permissions, builtin = true"
            ),
            {"n": role.name, "zh": role.zh, "en": role.en, "p": [str(p) for p in role.permissions]},
        )


def add_role(engine: sa.Engine, name: str, grants: list[str], zh: str = "", en: str = "") -> None:
    """A new role made of ``grants`` (``read:enterprises``, ``write:*:own`` ...)."""
    if not ROLE_NAME.match(name):
        raise AccountError(
            f"角色名不合法 / bad role name {name!r}: lowercase letters, digits, - and _"
        )
    parsed = [Permission.parse(g) for g in grants]
    for p in parsed:
        if p.action != "manage" and p.target != "*" and p.target not in BY_ID:
            raise AccountError(
                f"未知图层 / unknown layer {p.target!r} in {p}; known: {', '.join(BY_ID)}"
            )
    permissions = [str(p) for p in parsed]
    if not permissions:
        raise AccountError("角色至少需要一个权限 / a role needs at least one --grant")
    with engine.begin() as connection:
        taken = connection.execute(
            sa.text("SELECT 1 FROM accounts_roles WHERE name = :n"), {"n": name}
        ).first()
        if taken:
            raise AccountExists(f"角色已存在 / role {name!r} exists")
        connection.execute(
            sa.text(
                "INSERT INTO accounts_roles (name, title_zh, title_en, permissions) "
                "VALUES (:n, :zh, :en, :p)"
            ),
            {"n": name, "zh": zh or name, "en": en or name, "p": permissions},
        )


def list_roles(engine: sa.Engine) -> list[tuple[str, str, str, list[str], bool]]:
    """``(name, zh, en, permissions, builtin)`` of every role."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT name, title_zh, title_en, permissions, builtin FROM accounts_roles "
                "ORDER BY builtin DESC, name"
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _check_enterprises(role: str, enterprises: list[str]) -> list[str]:
    codes = [e.strip().upper() for e in enterprises if e.strip()]
    for code in codes:
        problem = credit_code_problem(code)
        if problem:
            raise AccountError(f"{code}: {problem}")
    if role == "enterprise" and not codes:
        raise AccountError(
            "企业用户须绑定企业 / an enterprise account needs --enterprise CREDIT_CODE"
        )
    return codes


def add_user(
    engine: sa.Engine,
    login: str,
    role: str,
    enterprises: list[str] | None = None,
    password: str | None = None,
) -> None:
    """Create an account; without a password it signs in with tokens only."""
    if not LOGIN.match(login):
        raise AccountError(
            f"登录名不合法 / bad login {login!r}: 2-64 letters, digits, '.', '_', '@', '-'"
        )
    codes = _check_enterprises(role, enterprises or [])
    if password is not None and (problem := passwords.password_problem(password)):
        raise AccountError(problem)
    hashed = passwords.hash_password(password) if password is not None else None
    with engine.begin() as connection:
        if _role_permissions(connection, role) is None:
            raise UnknownAccount(f"未知角色 / unknown role {role!r}: see `onemap roles list`")
        taken = connection.execute(
            sa.text("SELECT 1 FROM accounts_users WHERE login = :l"), {"l": login}
        ).first()
        if taken:
            raise AccountExists(f"用户已存在 / login {login!r} exists")
        connection.execute(
            sa.text(
                "INSERT INTO accounts_users (login, password_hash, role, enterprises, "
                "password_changed_at) VALUES (:l, CAST(:h AS text), :r, :e, "
                "CASE WHEN CAST(:h AS text) IS NULL THEN NULL ELSE now() END)"
            ),
            {"l": login, "h": hashed, "r": role, "e": codes},
        )


def user_exists(engine: sa.Engine, login: str) -> bool:
    """Whether ``login`` is an account."""
    with engine.connect() as connection:
        return (
            connection.execute(
                sa.text("SELECT 1 FROM accounts_users WHERE login = :l"), {"l": login}
            ).first()
            is not None
        )


def list_users(engine: sa.Engine) -> list[tuple[str, str, list[str], bool, dt.datetime]]:
    """``(login, role, enterprises, disabled, created_at)`` of every account."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT login, role, enterprises, disabled, created_at FROM accounts_users "
                "ORDER BY login"
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _update_user(engine: sa.Engine, login: str, assignments: str, **params: object) -> None:
    with engine.begin() as connection:
        result = connection.execute(
            sa.text(f"UPDATE accounts_users SET {assignments} WHERE login = :l"),
            {"l": login, **params},
        )
        if result.rowcount == 0:
            raise UnknownAccount(f"无此用户 / no account {login!r}")
        if "disabled" in assignments or "password_hash" in assignments:
            # a disabled account or a new password ends the account's page sessions
            connection.execute(
                sa.text(
                    "DELETE FROM accounts_sessions WHERE user_id = "
                    "(SELECT id FROM accounts_users WHERE login = :l)"
                ),
                {"l": login},
            )


def disable_user(engine: sa.Engine, login: str) -> None:
    """Disable an account: its password, tokens and sessions stop working at once."""
    _update_user(engine, login, "disabled = true")


def set_password(engine: sa.Engine, login: str, password: str) -> None:
    """Give ``login`` a new password (Argon2id), ending its page sessions."""
    if problem := passwords.password_problem(password):
        raise AccountError(problem)
    hashed = passwords.hash_password(password)
    _update_user(engine, login, "password_hash = :h, password_changed_at = now()", h=hashed)


def create_token(
    engine: sa.Engine, login: str, name: str | None = None, expires_days: int | None = None
) -> tuple[str, str]:
    """``(token id, token)``: the token is shown once and stored as a SHA-256 digest only."""
    if expires_days is not None and not 1 <= expires_days <= 3660:
        raise AccountError("有效期须为1-3660天 / --expires-days must be between 1 and 3660")
    token_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))
    secret = passwords.new_secret()
    with engine.begin() as connection:
        user = connection.execute(
            sa.text("SELECT id FROM accounts_users WHERE login = :l"), {"l": login}
        ).one_or_none()
        if user is None:
            raise UnknownAccount(f"无此用户 / no account {login!r}")
        connection.execute(
            sa.text(
                "INSERT INTO accounts_tokens (id, user_id, name, secret_sha256, expires_at) "
                "VALUES (:id, :u, :n, :s, CASE WHEN CAST(:d AS integer) IS NULL THEN NULL "
                "ELSE now() + make_interval(days => CAST(:d AS integer)) END)"
            ),
            {
                "id": token_id,
                "u": user[0],
                "n": name,
                "s": passwords.digest(secret),
                "d": expires_days,
            },
        )
    return token_id, f"om_{token_id}_{secret}"


def revoke_token(engine: sa.Engine, token_id: str) -> None:
    """Revoke a token by its id (the first part, as listed)."""
    with engine.begin() as connection:
        result = connection.execute(
            sa.text(
                "UPDATE accounts_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = :i"
            ),
            {"i": token_id},
        )
        if result.rowcount == 0:
            raise UnknownAccount(f"无此令牌 / no token {token_id!r}")


def list_tokens(engine: sa.Engine, login: str | None = None) -> list[TokenInfo]:
    """Every token (of ``login``), newest first; never their secrets."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT t.id, u.login, t.name, t.created_at, t.expires_at, t.revoked_at, "
                "t.last_used_at FROM accounts_tokens t JOIN accounts_users u ON u.id = t.user_id "
                "WHERE CAST(:l AS text) IS NULL OR u.login = :l ORDER BY t.created_at DESC"
            ),
            {"l": login},
        )
        return [TokenInfo(*r) for r in rows]


_PRINCIPAL_SQL = (
    "SELECT u.id, u.login, u.role, u.enterprises, r.permissions FROM accounts_users u "
    "JOIN accounts_roles r ON r.name = u.role WHERE NOT u.disabled AND "
)


def _principal(row: sa.Row[tuple[object, ...]], via: str, **extra: object) -> Principal:
    _, login, role, enterprises, permissions = row
    return Principal(
        login=str(login),
        role=str(role),
        permissions=frozenset(Permission.parse(p) for p in permissions),  # type: ignore[attr-defined]
        enterprises=tuple(enterprises),  # type: ignore[arg-type]
        via=via,
        **extra,  # type: ignore[arg-type]
    )


def principal_for_token(engine: sa.Engine, token: str) -> Principal:
    """The account a token signs in as; :class:`BadCredentials` when unknown, revoked or expired."""
    match = TOKEN.match(token.strip())
    if not match:
        raise BadCredentials("令牌无效 / the token is not a onemap token")
    token_id, secret = match.groups()
    with engine.begin() as connection:
        row = connection.execute(
            sa.text(
                "UPDATE accounts_tokens t SET last_used_at = now() FROM accounts_users u "
                "WHERE t.id = :i AND u.id = t.user_id AND t.revoked_at IS NULL AND "
                "(t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.disabled "
                "RETURNING t.secret_sha256, u.login"
            ),
            {"i": token_id},
        ).one_or_none()
        if row is None or not passwords.same(row[0], passwords.digest(secret)):
            raise BadCredentials(
                "令牌无效、已撤销或已过期 / the token is unknown, revoked or expired"
            )
        user = connection.execute(sa.text(_PRINCIPAL_SQL + "u.login = :l"), {"l": row[1]}).one()
    return _principal(user, "token", token_id=token_id)


def principal_for_password(engine: sa.Engine, login: str, password: str) -> Principal:
    """The account ``login`` if ``password`` is its password, else :class:`BadCredentials`."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT password_hash, disabled FROM accounts_users WHERE login = :l"),
            {"l": login},
        ).one_or_none()
        stored = row[0] if row is not None and not row[1] else None
        if not passwords.verify_password(stored, password):
            raise BadCredentials("登录名或密码错误 / wrong login or password")
        user = connection.execute(sa.text(_PRINCIPAL_SQL + "u.login = :l"), {"l": login}).one()
    return _principal(user, "password")


def principal_for_user_id(engine: sa.Engine, user_id: int, via: str, **extra: object) -> Principal:
    """The (enabled) account with ``user_id``; :class:`BadCredentials` when gone or disabled."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(_PRINCIPAL_SQL + "u.id = :i"), {"i": user_id}
        ).one_or_none()
    if row is None:
        raise BadCredentials("账号已停用 / the account is disabled or gone")
    return _principal(row, via, **extra)
