"""``onemap db up|down|status|url``: the park's PostGIS."""

from __future__ import annotations

import os

import click

from onemap import cluster, migrate
from onemap.database import ENV_URL, database_url, normalise_url


def _uses_external() -> bool:
    return bool(os.environ.get(ENV_URL))


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.group()
def db() -> None:
    """PostGIS 数据库 / the park's PostGIS database."""


@db.command()
def up() -> None:
    """Start PostGIS (or use ONEMAP_DATABASE_URL), migrate to head and print the URL."""
    if _uses_external():
        url = normalise_url(os.environ[ENV_URL])
    else:
        own = cluster.Cluster.default()
        url = own.up()
        if own.moved:
            old, new = own.moved
            click.echo(
                f"端口 {old} 已被其他进程占用，改用 {new} / port {old} is held by another "
                f"process: the cluster now listens on {new}",
                err=True,
            )
    migrate.upgrade(url)
    click.echo(url)


@db.command()
def down() -> None:
    """Stop the project's own PostGIS cluster."""
    if _uses_external():
        click.echo(f"{ENV_URL} is set: that server is not managed by onemap")
        return
    own = cluster.Cluster.default()
    stopped = own.stop()
    click.echo("已停止 / stopped" if stopped else "未运行 / not running")


@db.command()
def status() -> None:
    """Say whether PostGIS is running, where, and at which schema revision."""
    if _uses_external():
        url = database_url()
        click.echo(f"external: {_redact(url)}")
    else:
        own = cluster.Cluster.default()
        if not own.is_running():
            click.echo(f"stopped (data directory {own.data_dir})")
            raise SystemExit(1)
        url = own.url()
        click.echo(f"running: {_redact(url)} (data directory {own.data_dir})")
    click.echo(f"schema revision: {migrate.current(url) or 'none'}")


@db.command()
def url() -> None:
    """Print the database URL (with its password, for use in scripts)."""
    click.echo(database_url())
