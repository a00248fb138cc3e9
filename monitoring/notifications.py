"""Telling people of alerts: each alert change routed to the park's duty staff and to the
enterprise's environmental contacts, by e-mail and webhook, through :mod:`notifier`.

Configured by environment (nothing is sent when nothing is configured); the channels
themselves (the SMTP server) are :mod:`notifier.channels`':

- ``ONEMAP_ALERT_EMAIL_TO``: the park's duty staff, comma-separated addresses;
- ``ONEMAP_ALERT_WEBHOOKS``: comma-separated URLs receiving a JSON POST (the ``msgtype``/
  ``text`` body work-chat robots read, plus ``change`` and the ``alert`` itself);
- ``ONEMAP_ALERT_CONTACTS`` (or ``ONEMAP_NOTIFY_CONTACTS``): a CSV file
  ``credit_code,email,webhook`` of the enterprises' environmental contacts, who get the alerts
  of their own outfalls' stations, as do the enterprise's users with configured channels
  (``onemap users notify-by``);
- ``ONEMAP_ALERT_ROUTES``: which kinds go to which channel, e.g.
  ``exceedance=email,webhook;anomaly=webhook;disconnection=email`` (default: every kind to
  every channel); ``ONEMAP_ALERT_CHANGES``: which changes are told (default ``opened,closed``).

Delivery, retries and the log (``notification_deliveries``, topic ``alert``) are the
:class:`notifier.dispatch.Dispatcher`'s: never in the listener's writer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from monitoring.alerts import AlertChange, alert_row
from monitoring.errors import NotificationConfigError
from notifier.channels import CHANNELS, ChannelSettings, Message, channel_settings_from
from notifier.dispatch import Dispatcher, Notification
from notifier.errors import NotifierConfigError
from notifier.recipients import (
    Contacts,
    load_contacts,
    merged,
    targets_of_users,
    users_of_enterprise,
)

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


@dataclass(frozen=True)
class Settings:
    """What the environment configures (see the module docstring)."""

    channels: ChannelSettings = field(default_factory=ChannelSettings)
    email_to: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()
    contacts: Contacts = field(default_factory=dict)
    routes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    changes: frozenset[str] = frozenset({"opened", "closed"})

    def channels_for(self, kind: str) -> frozenset[str]:
        """The channels alerts of ``kind`` go to."""
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


def settings_from(environ: Mapping[str, str] = os.environ) -> Settings:
    """The alert notification settings of ``environ``; :class:`NotificationConfigError` if
    bad."""
    try:
        channels = channel_settings_from(environ)
        contacts = load_contacts(
            environ.get("ONEMAP_ALERT_CONTACTS") or environ.get("ONEMAP_NOTIFY_CONTACTS")
        )
    except NotifierConfigError as exc:
        raise NotificationConfigError(str(exc)) from None
    return Settings(
        channels=channels,
        email_to=_list(environ.get("ONEMAP_ALERT_EMAIL_TO")),
        webhooks=_list(environ.get("ONEMAP_ALERT_WEBHOOKS")),
        contacts=contacts,
        routes=_routes(environ.get("ONEMAP_ALERT_ROUTES")),
        changes=frozenset(_list(environ.get("ONEMAP_ALERT_CHANGES", "opened,closed"))),
    )


def message(change: str, alert: Mapping[str, Any]) -> Message:
    """The notification of one change, Chinese first with English."""
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
    return Message(subject, "\n".join(lines), {"change": change, "alert": dict(alert)})


class Notifier:
    """Routes alert changes to the dispatcher (a sink of :class:`monitoring.service.
    LiveMonitoring`: called after each commit, never blocks on a channel)."""

    def __init__(
        self,
        engine: sa.Engine,
        settings: Settings | None = None,
        *,
        dispatcher: Dispatcher | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings or settings_from()
        self.dispatcher = dispatcher or Dispatcher(engine, self.settings.channels)

    @property
    def delivered(self) -> int:
        return self.dispatcher.delivered

    @property
    def failed(self) -> int:
        return self.dispatcher.failed

    def __call__(self, changes: list[AlertChange]) -> None:
        """Queue the changes worth telling."""
        wanted = [c for c in changes if c.change in self.settings.changes]
        if not wanted:
            return
        out: list[Notification] = []
        with self.engine.connect() as connection:
            for change in wanted:
                alert = alert_row(connection, change.alert_id)
                if alert is not None:
                    out.extend(self.notifications(connection, change.change, alert))
        self.dispatcher.submit(out)

    def notifications(
        self, connection: sa.Connection, change: str, alert: dict[str, Any]
    ) -> list[Notification]:
        """The messages one change makes: per routed channel, the park's and the enterprise's
        targets."""
        settings = self.settings
        code = str(alert.get("credit_code") or "")
        enterprise = (
            merged(
                settings.contacts.get(code, {}),
                targets_of_users(connection, users_of_enterprise(connection, code)),
            )
            if code
            else {}
        )
        targets = merged({"email": settings.email_to, "webhook": settings.webhooks}, enterprise)
        text = message(change, alert)
        return [
            Notification("alert", int(alert["id"]), change, channel, targets[channel], text)
            for channel in sorted(settings.channels_for(str(alert["kind"])))
            if targets.get(channel)
        ]

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Whether every queued delivery was tried within ``timeout_s`` (tests, shutdown)."""
        return self.dispatcher.wait_idle(timeout_s)

    def close(self) -> None:
        self.dispatcher.close()
