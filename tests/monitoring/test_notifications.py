"""Notifications with real receivers: a local SMTP server (aiosmtpd) and a local HTTP server
taking the webhook's POSTs. Delivery is retried and logged, and a channel that is down never
holds up storage or the other channel."""

from __future__ import annotations

import asyncio
import http.server
import json
import socket
import threading
import time
import zoneinfo
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from monitoring.hj212.codec import frame
from monitoring.notifications import Notifier, settings_from
from monitoring.service import LiveMonitoring

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
AQ01 = "32128322918873"
OL01 = "32128332608426"


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.arrived.notify_all()
        return "250 OK"

    def wait(self, count: int, timeout_s: float = 15) -> list[Message]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout_s)
            return list(self.messages)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _closed_port()  # aiosmtpd checks its server by connecting to the port it was given
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook receiver: keeps the JSON bodies; answers ``status`` (500: fails)."""

    def __init__(self, status: int = 200) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        self.arrived = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                with receiver.arrived:
                    receiver.bodies.append(body)
                    receiver.arrived.notify_all()
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def wait(self, count: int, timeout_s: float = 15) -> list[dict[str, Any]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout_s)
            return list(self.bodies)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _send(engine: sa.Engine, notifier: Notifier, packets: list[bytes]) -> float:
    """Send ``packets`` to a live listener; seconds until the last was acknowledged."""

    async def run() -> float:
        service = LiveMonitoring(
            engine, zone=ZONE, batch_wait_s=0.01, sinks=[notifier], sweep_every_s=3600
        )
        host, port = await service.listener.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection(host, port)
        start = time.monotonic()
        for packet in packets:
            writer.write(packet)
        await writer.drain()
        for _ in packets:
            await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)
        acked = time.monotonic() - start
        writer.close()
        await writer.wait_closed()
        await service.stop()
        return acked

    return asyncio.run(run())


def _so2(mn: str, hour: int, value: float) -> bytes:
    return frame(
        f"QN=20250301{hour:02d}0000000;ST=22;CN=2061;PW=1;MN={mn};Flag=5;CP=&&"
        f"DataTime=20250301{hour:02d}0000;a21026-Avg={value:g},a21026-Flag=N&&"
    )


def _log(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as c:
        return [
            tuple(r)
            for r in c.execute(
                sa.text(
                    "SELECT channel, attempt, ok, error IS NOT NULL FROM"
                    " monitoring_notifications ORDER BY channel, attempt"
                )
            )
        ]


def test_an_exceedance_is_mailed_and_posted_and_its_end_too(
    park_engine: sa.Engine, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    hook = Receiver()
    try:
        settings = settings_from(
            {
                "ONEMAP_SMTP_HOST": "127.0.0.1",
                "ONEMAP_SMTP_PORT": str(port),
                "ONEMAP_SMTP_FROM": "onemap@park.example",
                "ONEMAP_ALERT_EMAIL_TO": "duty@park.example",
                "ONEMAP_ALERT_WEBHOOKS": hook.url,
            }
        )
        notifier = Notifier(park_engine, settings)
        _send(park_engine, notifier, [_so2(AQ01, 1, 650)])  # class II SO2 1 h limit: 500
        [mail] = inbox.wait(1)
        assert mail["To"] == "duty@park.example"
        assert "超标告警" in str(mail["Subject"]) and "AQ-01" in str(mail["Subject"])
        assert "500" in mail.get_content()  # type: ignore[attr-defined]
        [posted] = hook.wait(1)
        assert posted["msgtype"] == "text" and posted["alert"]["station_code"] == "AQ-01"
        assert posted["change"] == "opened"
        _send(park_engine, notifier, [_so2(AQ01, 2, 40)])  # back within: cleared
        assert "已恢复" in str(inbox.wait(2)[1]["Subject"])
        assert hook.wait(2)[1]["change"] == "closed"
        assert notifier.wait_idle()
        assert _log(park_engine) == [
            ("email", 1, True, False),
            ("email", 1, True, False),
            ("webhook", 1, True, False),
            ("webhook", 1, True, False),
        ]
        notifier.close()
    finally:
        hook.shutdown()
        hook.server_close()


def test_a_failing_channel_is_retried_and_logged_and_blocks_nothing(
    park_engine: sa.Engine, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    broken = Receiver(status=500)
    try:
        settings = settings_from(
            {
                "ONEMAP_SMTP_HOST": "127.0.0.1",
                "ONEMAP_SMTP_PORT": str(port),
                "ONEMAP_ALERT_EMAIL_TO": "duty@park.example",
                # one webhook answering 500, one where nothing listens
                "ONEMAP_ALERT_WEBHOOKS": f"{broken.url},http://127.0.0.1:{_closed_port()}/x",
                "ONEMAP_ALERT_ROUTES": "exceedance=email,webhook",
            }
        )
        from dataclasses import replace

        notifier = Notifier(park_engine, replace(settings, backoff_s=0.5))
        _send(park_engine, notifier, [_so2(AQ01, 1, 650)])
        inbox.wait(1)  # the mail arrives while the webhook is still being retried
        with park_engine.connect() as c:
            stored = c.execute(sa.text("SELECT count(*) FROM observations")).scalar_one()
        assert stored == 1
        assert notifier.wait_idle()
        assert _log(park_engine) == [
            ("email", 1, True, False),
            ("webhook", 1, False, True),
            ("webhook", 2, False, True),
            ("webhook", 3, False, True),
        ]
        assert (notifier.delivered, notifier.failed) == (1, 1)
        notifier.close()
    finally:
        broken.shutdown()
        broken.server_close()


def test_an_unreachable_smtp_server_delays_only_its_own_notification(
    park_engine: sa.Engine,
) -> None:
    hook = Receiver()
    try:
        settings = settings_from(
            {
                "ONEMAP_SMTP_HOST": "127.0.0.1",
                "ONEMAP_SMTP_PORT": str(_closed_port()),
                "ONEMAP_ALERT_EMAIL_TO": "duty@park.example",
                "ONEMAP_ALERT_WEBHOOKS": hook.url,
            }
        )
        notifier = Notifier(park_engine, settings)  # backoff 2 s, 4 s: retries take 6 s
        acked_s = _send(park_engine, notifier, [_so2(AQ01, 1, 650)])
        hook.wait(1, timeout_s=5)  # the webhook does not wait for the mail's retries
        assert acked_s < 5
        assert notifier.wait_idle()
        assert [r[:3] for r in _log(park_engine)] == [
            ("email", 1, False),
            ("email", 2, False),
            ("email", 3, False),
            ("webhook", 1, True),
        ]
        notifier.close()
    finally:
        hook.shutdown()
        hook.server_close()


def test_bad_notification_settings_are_one_line_errors(tmp_path: Path) -> None:
    from monitoring.errors import NotificationConfigError

    with pytest.raises(NotificationConfigError, match="malformed route"):
        settings_from({"ONEMAP_ALERT_ROUTES": "exceedance=fax"})
    with pytest.raises(NotificationConfigError, match="not a number"):
        settings_from({"ONEMAP_SMTP_PORT": "twenty-five"})
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("credit_code,email,webhook\n91321283MA25XRUQ2P,hse@ent.example,\n")
    settings = settings_from({"ONEMAP_ALERT_CONTACTS": str(contacts)})
    assert settings.contacts["91321283MA25XRUQ2P"] == (("hse@ent.example",), ())
