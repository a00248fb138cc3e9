"""Telling people: each alert change routed to e-mail and to webhooks, retried and logged.

Configured by environment (nothing is sent when nothing is configured):

- ``ONEMAP_SMTP_HOST`` / ``ONEMAP_SMTP_PORT`` (25) / ``ONEMAP_SMTP_USER`` /
  ``ONEMAP_SMTP_PASSWORD`` / ``ONEMAP_SMTP_STARTTLS`` (``1`` to upgrade) /
  ``ONEMAP_SMTP_FROM``: the mail server;
- ``ONEMAP_ALERT_EMAIL_TO``: the park's duty staff, comma-separated addresses;
- ``ONEMAP_ALERT_WEBHOOKS``: comma-separated URLs receiving a JSON POST (the ``msgtype``/
  ``text`` body work-chat robots read, plus the alert itself);
- ``ONEMAP_ALERT_CONTACTS``: a CSV file ``credit_code,email,webhook`` of the enterprises'
  environmental contacts, who get the alerts of their own outfalls' stations;
- ``ONEMAP_ALERT_ROUTES``: which kinds go to which channel, e.g.
  ``exceedance=email,webhook;anomaly=webhook;disconnection=email`` (default: every kind to
  every channel); ``ONEMAP_ALERT_CHANGES``: which changes are told (default ``opened,closed``).

Each channel (e-mail, webhook) has its own queue and thread: delivery never runs in the
listener's writer, and a channel that is down delays only its own messages. A delivery is
tried :data:`ATTEMPTS` times with growing waits; every attempt is logged in
``monitoring_notifications`` (who, what, when, the error).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
import queue
import smtplib
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from monitoring.alerts import AlertChange, alert_row
from monitoring.errors import NotificationConfigError

log = logging.getLogger("onemap.notifications")
ATTEMPTS = 3
KIND_TITLES = {
    "exceedance": ("超标告警", "Exceedance"),
    "anomaly": ("设备异常", "Device anomaly"),
    "disconnection": ("断线告警", "Disconnection"),
}
CHANGE_TITLES = {
    "opened": ("新告警", "new"),
    "updated": ("更新", "updated"),
    "acknowledged": ("已确认", "acknowledged"),
    "closed": ("已恢复", "cleared"),
}
CHANNELS = ("email", "webhook")


@dataclass(frozen=True)
class Settings:
    """What the environment configures (see the module docstring)."""

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "onemap@localhost"
    email_to: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()
    contacts: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    routes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    changes: frozenset[str] = frozenset({"opened", "closed"})
    timeout_s: float = 10.0
    backoff_s: float = 2.0

    def channels_for(self, kind: str) -> frozenset[str]:
        return self.routes.get(kind, frozenset(CHANNELS))


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def _routes(text: str | None) -> dict[str, frozenset[str]]:
    routes: dict[str, frozenset[str]] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        kind, sep, channels = part.partition("=")
        chosen = frozenset(_list(channels))
        if not sep or kind.strip() not in KIND_TITLES or not chosen <= set(CHANNELS):
            raise NotificationConfigError(
                f"ONEMAP_ALERT_ROUTES 格式错误 / malformed route {part!r}: "
                "write kind=email,webhook;kind=webhook"
            )
        routes[kind.strip()] = chosen
    return routes


def _contacts(path: str | None) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    if not path:
        return {}
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as stream:
            return {
                row["credit_code"].strip(): (_list(row.get("email")), _list(row.get("webhook")))
                for row in csv.DictReader(stream)
                if row.get("credit_code")
            }
    except (OSError, KeyError) as exc:
        raise NotificationConfigError(
            f"无法读取联系人文件 / cannot read ONEMAP_ALERT_CONTACTS {path}: {exc}"
        ) from None


def settings_from(environ: Mapping[str, str] = os.environ) -> Settings:
    """The notification settings of ``environ``; :class:`NotificationConfigError` if bad."""
    try:
        port = int(environ.get("ONEMAP_SMTP_PORT", "25"))
    except ValueError:
        raise NotificationConfigError("ONEMAP_SMTP_PORT 不是整数 / is not a number") from None
    return Settings(
        smtp_host=environ.get("ONEMAP_SMTP_HOST") or None,
        smtp_port=port,
        smtp_user=environ.get("ONEMAP_SMTP_USER") or None,
        smtp_password=environ.get("ONEMAP_SMTP_PASSWORD") or None,
        smtp_starttls=environ.get("ONEMAP_SMTP_STARTTLS", "") == "1",
        smtp_from=environ.get("ONEMAP_SMTP_FROM", "onemap@localhost"),
        email_to=_list(environ.get("ONEMAP_ALERT_EMAIL_TO")),
        webhooks=_list(environ.get("ONEMAP_ALERT_WEBHOOKS")),
        contacts=_contacts(environ.get("ONEMAP_ALERT_CONTACTS")),
        routes=_routes(environ.get("ONEMAP_ALERT_ROUTES")),
        changes=frozenset(_list(environ.get("ONEMAP_ALERT_CHANGES", "opened,closed"))),
    )


def message(change: str, alert: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of a notification, Chinese first with English."""
    kind_zh, kind_en = KIND_TITLES.get(str(alert["kind"]), (alert["kind"], alert["kind"]))
    change_zh, change_en = CHANGE_TITLES.get(change, (change, change))
    subject = f"[一张图] {kind_zh}{change_zh} {alert['station_code']} / {kind_en} {change_en}"
    lines = [
        str(alert.get("message_zh") or ""),
        str(alert.get("message_en") or ""),
        "",
        f"站点 / station: {alert['station_code']}",
        f"开始 / opened: {alert.get('opened_at')}",
        f"最近 / latest: {alert.get('last_time')}",
        f"状态 / state: {alert.get('state')}",
        f"告警编号 / alert id: {alert['id']}",
    ]
    return subject, "\n".join(lines)


@dataclass(frozen=True)
class Delivery:
    """One message for one channel and its targets."""

    alert_id: int
    change: str
    channel: str
    targets: tuple[str, ...]
    subject: str
    body: str
    alert: dict[str, Any]


class Notifier:
    """Routes alert changes to channels; one worker thread per channel (see module)."""

    def __init__(
        self,
        engine: sa.Engine,
        settings: Settings | None = None,
        *,
        senders: Mapping[str, Callable[[Delivery, Settings], None]] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings or settings_from()
        self.senders = dict(senders or {"email": send_email, "webhook": send_webhook})
        self._queues: dict[str, queue.Queue[Delivery | None]] = {}
        self._threads: dict[str, threading.Thread] = {}
        for channel in CHANNELS:
            self._queues[channel] = queue.Queue(10_000)
            thread = threading.Thread(
                target=self._work, args=(channel,), name=f"onemap-notify-{channel}", daemon=True
            )
            thread.start()
            self._threads[channel] = thread
        self.delivered = 0
        self.failed = 0

    def __call__(self, changes: list[AlertChange]) -> None:
        """Queue the changes worth telling (called after a commit; never blocks)."""
        for change in changes:
            if change.change not in self.settings.changes:
                continue
            with self.engine.connect() as connection:
                alert = alert_row(connection, change.alert_id)
            if alert is None:
                continue
            for delivery in self.deliveries(change.change, alert):
                try:
                    self._queues[delivery.channel].put_nowait(delivery)
                except queue.Full:
                    log.error("通知队列已满，丢弃 / %s queue full, dropped", delivery.channel)

    def deliveries(self, change: str, alert: dict[str, Any]) -> list[Delivery]:
        """The messages one change makes: per channel, the park's and the enterprise's targets."""
        settings = self.settings
        subject, body = message(change, alert)
        emails, hooks = settings.contacts.get(str(alert.get("credit_code") or ""), ((), ()))
        targets = {
            "email": (settings.email_to + emails) if settings.smtp_host else (),
            "webhook": settings.webhooks + hooks,
        }
        out = []
        for channel in sorted(settings.channels_for(str(alert["kind"]))):
            if targets[channel]:
                out.append(
                    Delivery(
                        int(alert["id"]), change, channel, targets[channel], subject, body, alert
                    )
                )
        return out

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Whether every queued delivery was tried within ``timeout_s`` (for tests, shutdown)."""
        done = threading.Event()

        def join_all() -> None:
            for q in self._queues.values():
                q.join()
            done.set()

        threading.Thread(target=join_all, daemon=True).start()
        return done.wait(timeout_s)

    def close(self) -> None:
        for q in self._queues.values():
            q.put(None)
        for thread in self._threads.values():
            thread.join(5)

    def _work(self, channel: str) -> None:
        q = self._queues[channel]
        while True:
            delivery = q.get()
            try:
                if delivery is None:
                    return
                self._deliver(delivery)
            finally:
                q.task_done()

    def _deliver(self, delivery: Delivery) -> None:
        send = self.senders[delivery.channel]
        wait = threading.Event()
        for attempt in range(1, ATTEMPTS + 1):
            error: str | None = None
            try:
                send(delivery, self.settings)
            except Exception as exc:  # any failure of the channel: logged, retried
                error = f"{type(exc).__name__}: {exc}"[:500]
            self._log(delivery, attempt, error)
            if error is None:
                self.delivered += 1
                return
            log.warning(
                "通知失败 / %s to %s failed (attempt %d/%d): %s",
                delivery.channel,
                ",".join(delivery.targets),
                attempt,
                ATTEMPTS,
                error,
            )
            if attempt < ATTEMPTS:
                wait.wait(self.settings.backoff_s * 2 ** (attempt - 1))
        self.failed += 1

    def _log(self, delivery: Delivery, attempt: int, error: str | None) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO monitoring_notifications (alert_id, change, channel,"
                        " targets, attempt, ok, error, tried_utc)"
                        " VALUES (:alert, :change, :channel, :targets, :attempt, :ok, :error,"
                        " :at)"
                    ),
                    {
                        "alert": delivery.alert_id,
                        "change": delivery.change,
                        "channel": delivery.channel,
                        "targets": ",".join(delivery.targets),
                        "attempt": attempt,
                        "ok": error is None,
                        "error": error,
                        "at": dt.datetime.now(dt.UTC),
                    },
                )
        except sa.exc.SQLAlchemyError as exc:  # the log must not stop the delivery
            log.warning("通知日志写入失败 / notification log not written: %s", exc)


def send_email(delivery: Delivery, settings: Settings) -> None:
    """One e-mail to every target (SMTP, STARTTLS and login when configured)."""
    assert settings.smtp_host is not None
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = ", ".join(delivery.targets)
    mail["Subject"] = delivery.subject
    mail.set_content(delivery.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_s) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(mail)


def send_webhook(delivery: Delivery, settings: Settings) -> None:
    """A JSON POST to every target; any target failing fails the delivery (and its retry)."""
    body = json.dumps(
        {
            "msgtype": "text",
            "text": {"content": f"{delivery.subject}\n{delivery.body}"},
            "change": delivery.change,
            "alert": delivery.alert,
        },
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")
    for url in delivery.targets:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:
            if not 200 <= response.status < 300:
                raise urllib.error.HTTPError(
                    url, response.status, "not 2xx", response.headers, None
                )
