"""``onemap cases notify``: tell the people responsible of the cases waiting for them
(assignments, deadlines 3 days away, deadlines passed) by their configured channels.

Run it from a timer (``--once``) or leave it running (``--every 60``); several may run at once.
The channels are configured as the alerts' (``ONEMAP_SMTP_*``), the enterprises' contacts by
``ONEMAP_NOTIFY_CONTACTS``; each user's own targets with ``onemap users notify-by``.
"""

from __future__ import annotations

import contextlib
import os
import threading

import click

from notifier.errors import NotifierError


@click.group("cases")
def cases() -> None:
    """案件 / cases: clues, inspections, rectifications, weather responses."""


@cases.command("notify")
@click.option("--once", is_flag=True, help="只运行一轮 / one round, then exit.")
@click.option(
    "--every",
    "every_s",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="每轮间隔（秒） / seconds between rounds.",
)
def notify(once: bool, every_s: float) -> None:
    """通知待办案件 / notify assignees of their cases and deadlines."""
    from cases.notices import run_once
    from notifier.channels import channel_settings_from
    from notifier.dispatch import Dispatcher
    from notifier.recipients import load_contacts
    from onemap.database import database_url, engine_for

    try:
        settings = channel_settings_from()
        contacts = load_contacts(os.environ.get("ONEMAP_NOTIFY_CONTACTS"))
    except NotifierError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    engine = engine_for(database_url())
    dispatcher = Dispatcher(engine, settings)
    stop = threading.Event()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                done = run_once(engine, dispatcher, contacts)
                click.echo(
                    f"通知 / notices {done.notices}, 发出 / queued {done.queued}, "
                    f"未通知 / untold {done.untold}",
                    err=True,
                )
                if once or stop.wait(every_s):
                    break
    finally:
        dispatcher.wait_idle(120)
        dispatcher.close()
        click.echo(
            f"送达 / delivered {dispatcher.delivered}, 失败 / failed {dispatcher.failed}",
            err=True,
        )
