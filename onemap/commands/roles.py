"""``onemap roles``: named sets of permissions (``read:LAYER``, ``write:*:own`` …)."""

from __future__ import annotations

import click

from accounts import store
from accounts.errors import AccountError
from onemap.database import database_url, engine_for


@click.group("roles")
def roles() -> None:
    """角色 / roles: list and add."""


@roles.command("list")
def list_roles() -> None:
    """列出角色及其权限 / list roles and their permissions."""
    for name, zh, en, permissions, builtin in store.list_roles(engine_for(database_url())):
        kind = "shipped" if builtin else "custom"
        click.echo(f"{name}\t{zh} / {en}\t{kind}\t{' '.join(permissions) or '(public data only)'}")


@roles.command("add")
@click.argument("name")
@click.option(
    "--grant",
    "grants",
    multiple=True,
    required=True,
    metavar="PERMISSION",
    help="权限 / a permission: read|write|history:LAYER|* [:own], or manage:accounts (repeatable).",
)
@click.option("--title-zh", default="", help="中文名称 / Chinese title.")
@click.option("--title-en", default="", help="英文名称 / English title.")
def add(name: str, grants: tuple[str, ...], title_zh: str, title_en: str) -> None:
    """新增角色 / add a role."""
    try:
        store.add_role(engine_for(database_url()), name, list(grants), title_zh, title_en)
    except AccountError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    click.echo(f"已创建角色 / created role {name}: {' '.join(grants)}")
