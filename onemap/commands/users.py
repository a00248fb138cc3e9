"""``onemap users``: local accounts (Jiangsu 8.1: operators set up accounts themselves).

Passwords are read from a prompt, or one line of stdin with ``--password-stdin``; never from the
command line, where other users of the machine could read them.
"""

from __future__ import annotations

import sys

import click

from accounts import store
from accounts.errors import AccountError
from accounts.passwords import generate_password
from onemap.database import database_url, engine_for


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return str(click.prompt("密码 / password", hide_input=True, confirmation_prompt=True, err=True))


def _fail(exc: AccountError) -> None:
    click.echo(f"错误 / error: {exc}", err=True)
    raise SystemExit(exc.exit_code)


@click.group("users")
def users() -> None:
    """用户账号 / accounts: add, list, disable, set passwords."""


@users.command("add")
@click.argument("login")
@click.option("--role", required=True, help="角色 / role (public, enterprise, staff, admin, …).")
@click.option(
    "--enterprise",
    "enterprises",
    multiple=True,
    metavar="CREDIT_CODE",
    help="所属企业 / the enterprise(s) of an enterprise account (repeatable).",
)
@click.option(
    "--password-stdin", is_flag=True, help="从标准输入读密码 / read the password from stdin."
)
@click.option("--no-password", is_flag=True, help="仅令牌登录 / token-only account.")
def add(
    login: str, role: str, enterprises: tuple[str, ...], password_stdin: bool, no_password: bool
) -> None:
    """新增账号 / add an account."""
    password = None if no_password else _password(password_stdin)
    try:
        store.add_user(engine_for(database_url()), login, role, list(enterprises), password)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"已创建 / created {login} ({role})")


@users.command("list")
def list_users() -> None:
    """列出账号 / list accounts."""
    for login, role, enterprises, disabled, created in store.list_users(engine_for(database_url())):
        state = "disabled" if disabled else "active"
        codes = ",".join(enterprises) or "-"
        click.echo(f"{login}\t{role}\t{codes}\t{state}\t{created:%Y-%m-%d}")


@users.command("disable")
@click.argument("login")
def disable(login: str) -> None:
    """停用账号 / disable an account (its password, tokens and sessions stop working)."""
    try:
        store.disable_user(engine_for(database_url()), login)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"已停用 / disabled {login}")


@users.command("passwd")
@click.argument("login")
@click.option(
    "--password-stdin", is_flag=True, help="从标准输入读密码 / read the password from stdin."
)
def passwd(login: str, password_stdin: bool) -> None:
    """修改密码 / set an account's password."""
    password = _password(password_stdin)
    try:
        store.set_password(engine_for(database_url()), login, password)
    except AccountError as exc:
        _fail(exc)
    click.echo(f"已修改密码 / password set for {login}")


@users.command("ensure-admin")
@click.argument("login", default="admin")
def ensure_admin(login: str) -> None:
    """确保有管理员账号 / create an admin account with a generated password, printed once, or
    say that it exists (``make demo`` runs this)."""
    engine = engine_for(database_url())
    if store.user_exists(engine, login):
        click.echo(
            f"管理员账号已存在 / the admin account {login!r} exists: sign in with its password "
            f"(reset it with `onemap users passwd {login}`)"
        )
        return
    password = generate_password()
    try:
        store.add_user(engine, login, "admin", [], password)
    except AccountError as exc:
        _fail(exc)
    click.echo(
        f"已创建管理员 / created the admin account: login {login}  password {password}\n"
        "（仅显示一次 / shown this once）"
    )


@users.command("notify-by")
@click.argument("login")
@click.option("--email", "emails", multiple=True, help="邮箱 / e-mail address (repeatable).")
@click.option("--webhook", "webhooks", multiple=True, help="webhook URL (repeatable).")
@click.option("--clear", is_flag=True, help="清除全部渠道 / remove every channel.")
def notify_by(login: str, emails: tuple[str, ...], webhooks: tuple[str, ...], clear: bool) -> None:
    """通知渠道 / how LOGIN is told of alerts and cases (replaces the channels named)."""
    from notifier.errors import NotifierError
    from notifier.recipients import set_targets

    if not (emails or webhooks or clear):
        raise click.UsageError("give --email, --webhook or --clear")
    try:
        with engine_for(database_url()).begin() as connection:
            for channel, targets in (("email", emails), ("webhook", webhooks)):
                if targets or clear:
                    count = set_targets(connection, login, channel, targets)
                    click.echo(f"{login}: {channel} × {count}")
    except NotifierError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
