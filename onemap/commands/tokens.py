"""``onemap tokens``: API tokens for QGIS, GDAL and scripts (stored hashed, shown once)."""

from __future__ import annotations

import click

from accounts import store
from accounts.errors import AccountError
from onemap.database import database_url, engine_for


def _fail(exc: AccountError) -> None:
    click.echo(f"错误 / error: {exc}", err=True)
    raise SystemExit(exc.exit_code)


@click.group("tokens")
def tokens() -> None:
    """API令牌 / API tokens: create, list, revoke."""


@tokens.command("create")
@click.argument("login")
@click.option("--name", default=None, help="用途说明 / what the token is for.")
@click.option("--expires-days", type=int, default=None, help="有效天数 / days until it expires.")
def create(login: str, name: str | None, expires_days: int | None) -> None:
    """创建令牌，仅显示一次（最后一行）/ create a token; it is printed once, on the last line."""
    try:
        token_id, token = store.create_token(engine_for(database_url()), login, name, expires_days)
    except AccountError as exc:
        _fail(exc)
    click.echo(
        f"令牌 {token_id} 已创建，请妥善保存，不会再次显示 / token {token_id} created for {login}; "
        "keep it, it is not shown again:"
    )
    click.echo(token)


@tokens.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """撤销令牌 / revoke a token by its id."""
    try:
        store.revoke_token(engine_for(database_url()), token_id)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"已撤销 / revoked {token_id}")


@tokens.command("list")
@click.argument("login", required=False)
def list_tokens(login: str | None) -> None:
    """列出令牌（不含密钥）/ list tokens (never their secrets)."""
    for t in store.list_tokens(engine_for(database_url()), login):
        if t.revoked_at:
            state = f"revoked {t.revoked_at:%Y-%m-%d}"
        elif t.expires_at:
            state = f"expires {t.expires_at:%Y-%m-%d}"
        else:
            state = "no expiry"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
        click.echo(f"{t.id}\t{t.login}\t{t.name or '-'}\t{state}\t{used}")
