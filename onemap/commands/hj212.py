"""``onemap hj212 parse|listen|reprocess``: HJ 212 packet logs, the live device listener, and
reprocessing of archived packets (:mod:`monitoring`: every line is archived, every well-formed
value kept).

``parse`` exit status: 0 every packet stored; 3 some packets or items rejected (see the rejects
file); 2 an unreadable log; 1 the database cannot be used.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from pathlib import Path

import click

EXIT_REJECTS = 3
KIND_CHOICES = ("realtime", "minute", "hour", "day")


def _kinds(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(values) if values else frozenset({"hour"})


@click.group("hj212")
def hj212() -> None:
    """HJ 212-2017 在线监测数据 / online-monitoring data (packet logs and the TCP listener)."""


@hj212.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--store",
    "kinds",
    multiple=True,
    type=click.Choice(KIND_CHOICES),
    help="入库的数据类型 / data kinds to store (repeatable; default hour = CN 2061).",
)
def parse(files: tuple[Path, ...], kinds: tuple[str, ...]) -> None:
    """解析报文日志并入库 / check the frames of captured packet logs and store their values;
    bad packets are listed with their line and reason."""
    from etl.errors import EtlError
    from monitoring.packet_log import load_packet_log
    from onemap.database import database_url, engine_for

    engine = engine_for(database_url())
    status = 0
    for file in files:
        try:
            report = load_packet_log(file, engine, kinds=_kinds(kinds))
        except EtlError as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            status = exc.exit_code
            continue
        click.echo(
            f"{report.path}: 报文 / packets {report.packets}, 入库报文 / stored packets "
            f"{report.stored_packets}, 新增 / inserted {report.inserted}, 更新 / updated "
            f"{report.updated}, 目录外因子值 / unregistered values {report.unregistered_values}, "
            f"拒绝 / rejected {len(report.bad)}"
        )
        for mn, code in report.new_codes:
            click.echo(f"  MN {mn}: 目录外因子 / factor {code} outside the catalogue (kept)")
        for bad in report.bad[:20]:
            click.echo(f"  第{bad.line}行 / line {bad.line}: {bad.reason}")
        if len(report.bad) > 20:
            click.echo(f"  … {len(report.bad) - 20} more")
        if report.rejects_path:
            click.echo(f"  拒绝明细 / rejects file: {report.rejects_path}")
            status = status or EXIT_REJECTS
    if status:
        raise SystemExit(status)


@hj212.command("listen")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / bind address.")
@click.option("--port", default=8212, show_default=True, type=int, help="端口 / TCP port.")
@click.option(
    "--store",
    "kinds",
    multiple=True,
    type=click.Choice(KIND_CHOICES),
    help="入库的数据类型 / data kinds to store (repeatable; default hour = CN 2061).",
)
def listen(host: str, port: int, kinds: tuple[str, ...]) -> None:
    """接收设备数据 / receive HJ 212-2017 packets from monitoring devices, store them, and
    acknowledge (CN 9014) after they are committed. Stop with Ctrl-C."""
    from etl.dates import configured_timezone
    from monitoring.errors import MonitoringError
    from monitoring.notifications import Notifier, settings_from
    from monitoring.service import LiveMonitoring
    from onemap.database import database_url, engine_for
    from onemap.logs import configure_json_logging

    configure_json_logging(logging.INFO)  # one JSON object per line, for the journal
    engine = engine_for(database_url())
    try:
        settings = settings_from()  # e-mail and webhooks; nothing is sent when none configured
    except MonitoringError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None

    async def run() -> None:
        notifier = Notifier(engine, settings)
        service = LiveMonitoring(
            engine, zone=configured_timezone(), kinds=_kinds(kinds), sinks=[notifier]
        )
        listener = service.listener
        bound_host, bound_port = await service.start(host, port)
        click.echo(f"监听 / listening on {bound_host}:{bound_port}", err=True)
        try:
            await listener.serve_forever()
        finally:
            await service.stop()
            notifier.close()
            s = listener.stats
            click.echo(
                f"收到 / received {s.received}, 入库 / stored {s.stored_packets} packets "
                f"({s.stored_values} values), 应答 / acks {s.acknowledged}, "
                f"拒绝 / rejected {dict(s.rejected)}",
                err=True,
            )

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the listener stops
        asyncio.run(run())


def _utc(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"时间格式错误 / {text!r} is not an ISO time (2026-12-01 or 2026-12-01T08:00+08:00)"
        ) from None
    if value.tzinfo is None:
        from etl.dates import configured_timezone

        value = value.replace(tzinfo=configured_timezone())
    return value.astimezone(dt.UTC)


@hj212.command("reprocess")
@click.option("--since", required=True, help="收到时间起 / received at or after (ISO time).")
@click.option("--until", default=None, help="收到时间止 / received before (ISO time).")
@click.option(
    "--store",
    "kinds",
    multiple=True,
    type=click.Choice(KIND_CHOICES),
    help="入库的数据类型 / data kinds to store (repeatable; default hour = CN 2061).",
)
def reprocess(since: str, until: str | None, kinds: tuple[str, ...]) -> None:
    """重新处理存档报文 / read archived packets again (after the catalogue or a station's MN
    changed) and store what is good now; the archive itself is not changed."""
    from monitoring.reprocess import reprocess as run
    from onemap.database import database_url, engine_for

    start, end = _utc(since), (_utc(until) if until else None)
    report = run(engine_for(database_url()), start, end, kinds=_kinds(kinds))
    click.echo(
        f"报文 / packets {report.packets}, 入库报文 / stored packets {report.stored_packets}, "
        f"新增 / inserted {report.inserted}, 更新 / updated {report.updated}, 目录外因子值 / "
        f"unregistered values {report.unregistered_values}, 拒绝 / rejected "
        f"{dict(report.rejected)}"
    )
