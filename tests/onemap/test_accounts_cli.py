"""``onemap users``, ``roles`` and ``tokens`` as an operator runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from accounts import store

ONEMAP = str(Path(sys.executable).with_name("onemap"))
CODE = "91321283MA25XRUQ2P"


def _run(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ONEMAP, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def test_accounts_roles_and_tokens(cli_env: dict[str, str], engine: sa.Engine) -> None:
    added = _run(
        cli_env,
        "users",
        "add",
        "qiye1",
        "--role",
        "enterprise",
        "--enterprise",
        CODE,
        "--password-stdin",
        stdin="a-long-password\n",
    )
    assert added.returncode == 0, added.stderr
    listed = _run(cli_env, "users", "list").stdout
    assert "qiye1\tenterprise\t" + CODE in listed
    created = _run(cli_env, "tokens", "create", "qiye1", "--name", "QGIS", "--expires-days", "30")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]  # the token alone on the last line
    assert store.principal_for_token(engine, token).login == "qiye1"
    token_id = store.TOKEN.match(token).group(1)  # type: ignore[union-attr]
    tokens = _run(cli_env, "tokens", "list", "qiye1").stdout
    assert token_id in tokens and token not in tokens and "QGIS" in tokens
    assert _run(cli_env, "tokens", "revoke", token_id).returncode == 0
    assert "revoked" in _run(cli_env, "tokens", "list").stdout
    assert (
        _run(
            cli_env, "users", "passwd", "qiye1", "--password-stdin", stdin="another-long-one\n"
        ).returncode
        == 0
    )
    assert store.principal_for_password(engine, "qiye1", "another-long-one").login == "qiye1"
    assert _run(cli_env, "users", "disable", "qiye1").returncode == 0
    assert "disabled" in _run(cli_env, "users", "list").stdout
    roles = _run(cli_env, "roles", "list").stdout
    for name in ("public", "enterprise", "staff", "admin"):
        assert name in roles
    custom = _run(
        cli_env, "roles", "add", "inspector", "--grant", "read:*", "--grant", "history:enterprises"
    )
    assert custom.returncode == 0, custom.stderr
    assert "inspector" in _run(cli_env, "roles", "list").stdout
    with engine.connect() as connection:
        hashes = connection.exec_driver_sql("SELECT password_hash FROM accounts_users").scalars()
        assert all(h.startswith("$argon2id$") for h in hashes)


def test_mistakes_get_one_line_and_exit_2(cli_env: dict[str, str]) -> None:
    cases = [
        ("users", "add", "x1", "--role", "nosuch", "--password-stdin"),
        ("users", "add", "x2", "--role", "enterprise", "--password-stdin"),  # no enterprise
        (
            "users",
            "add",
            "x3",
            "--role",
            "enterprise",
            "--enterprise",
            "91321283MA25XRUQ2X",
            "--password-stdin",
        ),  # wrong check character
        ("users", "add", "x4", "--role", "staff", "--password-stdin"),  # short password
        ("roles", "add", "r1", "--grant", "read:nosuchlayer"),
        ("roles", "add", "r2", "--grant", "delete:*"),
        ("tokens", "create", "nobody"),
        ("tokens", "revoke", "nosuchtoken0"),
        ("users", "disable", "nobody"),
    ]
    for args in cases:
        result = _run(cli_env, *args, stdin="short\n")
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.startswith("错误 / error:"), (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_ensure_admin_prints_a_password_once(cli_env: dict[str, str], engine: sa.Engine) -> None:
    first = _run(cli_env, "users", "ensure-admin")
    assert first.returncode == 0 and "password" in first.stdout
    password = first.stdout.split("password", 1)[1].split()[0]
    assert store.principal_for_password(engine, "admin", password).role == "admin"
    again = _run(cli_env, "users", "ensure-admin")
    assert again.returncode == 0 and password not in again.stdout and "exists" in again.stdout
