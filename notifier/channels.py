"""The channels: e-mail over SMTP and a JSON POST to a webhook, configured by environment.

- ``ONEMAP_SMTP_HOST`` / ``ONEMAP_SMTP_PORT`` (25) / ``ONEMAP_SMTP_USER`` /
  ``ONEMAP_SMTP_PASSWORD`` / ``ONEMAP_SMTP_STARTTLS`` (``1`` to upgrade) /
  ``ONEMAP_SMTP_FROM``: the mail server (no host: no e-mail is sent);
- ``ONEMAP_NOTIFY_TIMEOUT_S`` (10): how long one attempt may take.

A webhook's body is what work-chat robots read (``msgtype``/``text``) plus the message's
``payload`` (the alert, the case).
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from notifier.errors import NotifierConfigError

CHANNELS = ("email", "webhook")


@dataclass(frozen=True)
class ChannelSettings:
    """How to reach the channels (see the module docstring)."""

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "onemap@localhost"
    timeout_s: float = 10.0
    #: the wait before the second attempt; each later wait doubles it
    backoff_s: float = 2.0

    def usable(self, channel: str) -> bool:
        """Whether ``channel`` can send at all (e-mail needs a server)."""
        return channel != "email" or self.smtp_host is not None


def channel_settings_from(environ: Mapping[str, str] = os.environ) -> ChannelSettings:
    """The channel settings of ``environ``; :class:`NotifierConfigError` when malformed."""
    try:
        port = int(environ.get("ONEMAP_SMTP_PORT", "25"))
    except ValueError:
        raise NotifierConfigError("ONEMAP_SMTP_PORT 不是整数 / is not a number") from None
    try:
        timeout_s = float(environ.get("ONEMAP_NOTIFY_TIMEOUT_S", "10"))
    except ValueError:
        raise NotifierConfigError("ONEMAP_NOTIFY_TIMEOUT_S 不是数字 / is not a number") from None
    return ChannelSettings(
        smtp_host=environ.get("ONEMAP_SMTP_HOST") or None,
        smtp_port=port,
        smtp_user=environ.get("ONEMAP_SMTP_USER") or None,
        smtp_password=environ.get("ONEMAP_SMTP_PASSWORD") or None,
        smtp_starttls=environ.get("ONEMAP_SMTP_STARTTLS", "") == "1",
        smtp_from=environ.get("ONEMAP_SMTP_FROM", "onemap@localhost"),
        timeout_s=timeout_s,
    )


@dataclass(frozen=True)
class Message:
    """What is told: a subject and a body (Chinese first with English), and the JSON payload
    a webhook carries beside the text."""

    subject: str
    body: str
    payload: Mapping[str, Any] = field(default_factory=dict)


def check_target(channel: str, target: str) -> str:
    """``target`` stripped if it can be a target of ``channel``, else
    :class:`NotifierConfigError` (an address needs an ``@``, a webhook an http(s) URL)."""
    target = target.strip()
    if channel == "email" and "@" in target and " " not in target and "," not in target:
        return target
    if channel == "webhook" and target.startswith(("http://", "https://")) and " " not in target:
        return target
    if channel not in CHANNELS:
        raise NotifierConfigError(f"未知渠道 / unknown channel {channel!r}: email or webhook")
    raise NotifierConfigError(
        f"无效的{channel}目标 / {target!r} is not an "
        + ("e-mail address" if channel == "email" else "http(s) URL")
    )


def send_email(targets: tuple[str, ...], message: Message, settings: ChannelSettings) -> None:
    """One e-mail to every target (SMTP, STARTTLS and login when configured)."""
    if settings.smtp_host is None:
        raise NotifierConfigError("未配置邮件服务器 / ONEMAP_SMTP_HOST is not set")
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = ", ".join(targets)
    mail["Subject"] = message.subject
    mail.set_content(message.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_s) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(mail)


def send_webhook(targets: tuple[str, ...], message: Message, settings: ChannelSettings) -> None:
    """A JSON POST to every target; any target failing fails the delivery (and its retry)."""
    body = json.dumps(
        {"msgtype": "text", "text": {"content": f"{message.subject}\n{message.body}"}}
        | dict(message.payload),
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")
    for url in targets:
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


#: How each channel sends (tests may pass their own to :class:`notifier.dispatch.Dispatcher`).
Sender = Callable[[tuple[str, ...], Message, ChannelSettings], None]
SENDERS: dict[str, Sender] = {"email": send_email, "webhook": send_webhook}
