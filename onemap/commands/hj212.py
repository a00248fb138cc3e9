"""``onemap hj212 parse|listen``: HJ 212-2017 packet logs and the live device listener.

``parse`` exit status: 0 every packet stored; 3 some packets rejected (see the rejects file);
2 an unreadable log; 1 the database cannot be used.
"""

from __future__ import annotations

import asyncio
import contextlib
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
    from etl.hj212.packet_log import load_packet_log
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
            f"{report.updated}, 拒绝 / rejected {len(report.bad)}"
        )
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
    from etl.hj212.listener import Hj212Listener
    from onemap.database import database_url, engine_for
    from onemap.logs import configure_json_logging

    configure_json_logging(logging.INFO)  # one JSON object per line, for the journal
    engine = engine_for(database_url())

    async def run() -> None:
        listener = Hj212Listener(engine, zone=configured_timezone(), kinds=_kinds(kinds))
        bound_host, bound_port = await listener.start(host, port)
        click.echo(f"监听 / listening on {bound_host}:{bound_port}", err=True)
        try:
            await listener.serve_forever()
        finally:
            await listener.stop()
            s = listener.stats
            click.echo(
                f"收到 / received {s.received}, 入库 / stored {s.stored_packets} packets "
                f"({s.stored_values} values), 应答 / acks {s.acknowledged}, "
                f"拒绝 / rejected {dict(s.rejected)}",
                err=True,
            )

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the listener stops
        asyncio.run(run())
