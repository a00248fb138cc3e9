"""``onemap db up|down|status|url``: the park's PostGIS."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from layers import partitions
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
    _maintain(url, partitions.DEFAULT_MONTHS_AHEAD, _retention_from_env())
    click.echo(url)


RETENTION_ENV = "ONEMAP_RETENTION_MONTHS"


def _retention_from_env() -> int | None:
    value = os.environ.get(RETENTION_ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise click.UsageError(f"{RETENTION_ENV} must be a whole number of months >= 1: {value!r}")
    return int(value)


def _maintain(url: str, months_ahead: int, retention_months: int | None) -> None:
    from monitoring import rollups
    from monitoring.schema import ARCHIVE_MONTHS
    from onemap.database import engine_for

    engine = engine_for(url)
    with engine.begin() as connection:
        report = partitions.maintain(
            connection,
            months_ahead=months_ahead,
            retention_months=retention_months,
            tables=(*partitions.layer_tables(), ARCHIVE_MONTHS),
        )
    rollups.fold(engine)  # what a stopped listener left queued
    if report.created:
        click.echo(f"分区已建 / partitions created: {', '.join(report.created)}", err=True)
    if report.moved_rows:
        click.echo(
            f"移出默认分区 / rows moved out of default partitions: {report.moved_rows}", err=True
        )
    if report.detached:
        click.echo(
            f"已归档 / detached into schema {partitions.ARCHIVE_SCHEMA}: "
            f"{', '.join(report.detached)}",
            err=True,
        )
    for table, (rows, earliest, latest) in report.in_default.items():
        if rows:
            click.echo(
                f"默认分区有数据 / {rows} rows of {table} in its default partition "
                f"({earliest} .. {latest}): months not created for them",
                err=True,
            )


@db.command()
@click.option(
    "--months-ahead",
    type=click.IntRange(0, 120),
    default=partitions.DEFAULT_MONTHS_AHEAD,
    show_default=True,
    help="提前建立的月分区数 / months created ahead of the current one",
)
@click.option(
    "--retention-months",
    type=click.IntRange(1, None),
    default=None,
    help=f"保留月数，更早的月分区移入归档模式 / detach months older than this into schema "
    f"{partitions.ARCHIVE_SCHEMA} [default: ${RETENTION_ENV}, else keep all]",
)
def maintain(months_ahead: int, retention_months: int | None) -> None:
    """维护月分区 / keep the monthly partitions: create them ahead, move values waiting in the
    default partition into their past months, detach months past the retention (idempotent;
    `onemap db up` runs it too)."""
    url = database_url()
    _maintain(url, months_ahead, retention_months or _retention_from_env())
    click.echo("分区已维护 / partitions maintained")


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


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"不是ISO 8601时间 / not an ISO 8601 time: {value!r} (e.g. 2026-12-02T18:30:00+08:00)"
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"时间须带时区 / the time needs a zone, e.g. +08:00: {value!r}")
    return moment


@db.command()
@click.option(
    "--to",
    "to",
    type=click.Path(file_okay=False, path_type=Path),
    help="备份目录（应在另一块磁盘）/ backup directory, on another disk [default: DATA_DIR/backup]",
)
def backup(to: Path | None) -> None:
    """基础备份并持续归档WAL / a base backup of the own cluster plus continuous WAL archiving
    into the backup directory (pg_basebackup, archive_command)."""
    from onemap.backup import backup as take_backup

    if _uses_external():
        raise click.UsageError(f"{ENV_URL} is set: back that server up with its own tools")
    own = cluster.Cluster.default()
    target = to or own.data_dir / "backup"
    result = take_backup(own, target)
    if result.restarted:
        click.echo("已重启以开启WAL归档 / restarted once to turn WAL archiving on", err=True)
    click.echo(f"基础备份 / base backup: {result.base} ({result.seconds:.1f} s)")
    click.echo(f"WAL归档 / WAL archive: {target / 'wal'} (continuous from now on)")


@db.command()
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="备份目录 / the backup directory (of `onemap db backup --to`).",
)
@click.option(
    "--to-time",
    "to_time",
    help="恢复到此时刻 / recover up to this time (ISO 8601 with a zone) [default: all archived].",
)
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="新的数据目录 / the new data directory [default: ONEMAP_DATA_DIR, which must be empty].",
)
def restore(source: Path, to_time: str | None, into: Path | None) -> None:
    """按时间点恢复到新数据目录 / point-in-time recovery into a new data directory, started on a
    port of its own; prints its URL."""
    from onemap.backup import restore as recover

    target = into or cluster.default_data_dir()
    result = recover(source, target, _moment(to_time))
    click.echo(f"基础备份 / base backup used: {result.base}", err=True)
    click.echo(
        f"已恢复 / restored into {result.cluster.data_dir} in {result.seconds:.1f} s; "
        f"use it with ONEMAP_DATA_DIR={result.cluster.data_dir}",
        err=True,
    )
    click.echo(result.url)


@db.command()
@click.option("--start", help="起始时间 / from this time (ISO 8601 with a zone) [default: all]")
@click.option("--end", help="结束时间 / up to this time, exclusive [default: all]")
def rollups(start: str | None, end: str | None) -> None:
    """重建小时/日汇总 / rebuild the hourly and daily rollups of observations from the stored
    values (the triggers keep them as values arrive; this repairs or refills a window), after
    folding the hours the live listener queued."""
    from monitoring import rollups as kept
    from onemap.database import engine_for

    engine = engine_for(database_url())
    folded_hours, folded_days = kept.fold(engine)
    click.echo(f"已补算 / folded: {folded_hours} station-hours, {folded_days} station-days queued")
    with engine.begin() as connection:
        hours, days = kept.rebuild(connection, _moment(start), _moment(end))
    click.echo(f"已重建 / rebuilt: {hours} station-hours, {days} station-days")


@db.command()
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="备库数据目录（新建）/ the standby's data directory (new or empty)",
)
def standby(into: Path) -> None:
    """建立流复制备库 / start a streaming standby of the own cluster (pg_basebackup -R on
    loopback) in a data directory of its own; prints its URL for ONEMAP_DATABASE_READ_URL."""
    from onemap.standby import make_standby

    if _uses_external():
        raise click.UsageError(f"{ENV_URL} is set: make that server's standby with its own tools")
    made = make_standby(cluster.Cluster.default(), into)
    click.echo(
        f"备库已启动 / standby started in {made.data_dir}; stop it with "
        f"ONEMAP_DATA_DIR={made.data_dir} onemap db down",
        err=True,
    )
    click.echo(made.url())
