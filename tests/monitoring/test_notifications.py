"""Alert notifications with real receivers: a local SMTP server (aiosmtpd) and a local HTTP
server taking the webhook's POSTs (tests/conftest.py). Delivery is retried and logged, and a
channel that is down never holds up storage or the other channel."""

from __future__ import annotations

import asyncio
import socket
import time
import zoneinfo
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from accounts import store as accounts
from monitoring.hj212.codec import frame
from monitoring.notifications import Notifier, settings_from
from monitoring.service import LiveMonitoring
from notifier.recipients import set_targets

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
AQ01 = "32128322918873"


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
                    " notification_deliveries WHERE topic = 'alert' ORDER BY channel, attempt"
                )
            )
        ]


def test_an_exceedance_is_mailed_and_posted_and_its_end_too(
    park_engine: sa.Engine, mail_server: Any, webhook_receiver: Any
) -> None:
    hook = webhook_receiver()
    settings = settings_from(
        {
            "ONEMAP_SMTP_HOST": "127.0.0.1",
            "ONEMAP_SMTP_PORT": str(mail_server.port),
            "ONEMAP_SMTP_FROM": "onemap@park.example",
            "ONEMAP_ALERT_EMAIL_TO": "duty@park.example",
            "ONEMAP_ALERT_WEBHOOKS": hook.url,
        }
    )
    notifier = Notifier(park_engine, settings)
    _send(park_engine, notifier, [_so2(AQ01, 1, 650)])  # class II SO2 1 h limit: 500
    [mail] = mail_server.wait(1)
    assert mail["To"] == "duty@park.example"
    assert "超标告警" in str(mail["Subject"]) and "AQ-01" in str(mail["Subject"])
    assert "500" in mail.get_content()
    [posted] = hook.wait(1)
    assert posted["msgtype"] == "text" and posted["alert"]["station_code"] == "AQ-01"
    assert posted["change"] == "opened"
    _send(park_engine, notifier, [_so2(AQ01, 2, 40)])  # back within: cleared
    assert "已恢复" in str(mail_server.wait(2)[1]["Subject"])
    assert hook.wait(2)[1]["change"] == "closed"
    assert notifier.wait_idle()
    assert _log(park_engine) == [
        ("email", 1, True, False),
        ("email", 1, True, False),
        ("webhook", 1, True, False),
        ("webhook", 1, True, False),
    ]
    notifier.close()


def test_the_enterprise_user_with_a_channel_gets_its_own_alerts(
    park_engine: sa.Engine, mail_server: Any
) -> None:
    code = "91321283MA25XRUQ2P"  # the first demo enterprise
    accounts.add_user(park_engine, "hse-a", "enterprise", [code], None)
    accounts.add_user(park_engine, "hse-b", "enterprise", ["91321283MA34B97A7U"], None)
    with park_engine.begin() as c:
        set_targets(c, "hse-a", "email", ["hse@a.example"])
        set_targets(c, "hse-b", "email", ["hse@b.example"])
    settings = settings_from(
        {
            "ONEMAP_SMTP_HOST": "127.0.0.1",
            "ONEMAP_SMTP_PORT": str(mail_server.port),
            "ONEMAP_ALERT_EMAIL_TO": "duty@park.example",
        }
    )
    notifier = Notifier(park_engine, settings)
    alert = {"id": 1, "kind": "exceedance", "station_code": "WS-01", "state": "open"}
    with park_engine.connect() as c:
        told = notifier.notifications(c, "opened", alert | {"credit_code": code})
        air = notifier.notifications(c, "opened", alert | {"credit_code": None})
    assert [(n.channel, n.targets) for n in told] == [
        ("email", ("duty@park.example", "hse@a.example"))
    ]
    # an air station's alert carries no enterprise: only the duty staff are told
    assert [(n.channel, n.targets) for n in air] == [("email", ("duty@park.example",))]
    notifier.close()


def test_a_failing_channel_is_retried_and_logged_and_blocks_nothing(
    park_engine: sa.Engine, mail_server: Any, webhook_receiver: Any
) -> None:
    broken = webhook_receiver(status=500)
    settings = settings_from(
        {
            "ONEMAP_SMTP_HOST": "127.0.0.1",
            "ONEMAP_SMTP_PORT": str(mail_server.port),
            "ONEMAP_ALERT_EMAIL_TO": "duty@park.example",
            # one webhook answering 500, one where nothing listens
            "ONEMAP_ALERT_WEBHOOKS": f"{broken.url},http://127.0.0.1:{_closed_port()}/x",
            "ONEMAP_ALERT_ROUTES": "exceedance=email,webhook",
        }
    )
    settings = replace(settings, channels=replace(settings.channels, backoff_s=0.5))
    notifier = Notifier(park_engine, settings)
    _send(park_engine, notifier, [_so2(AQ01, 1, 650)])
    mail_server.wait(1)  # the mail arrives while the webhook is still being retried
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


def test_an_unreachable_smtp_server_delays_only_its_own_notification(
    park_engine: sa.Engine, webhook_receiver: Any
) -> None:
    hook = webhook_receiver()
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


def test_bad_notification_settings_are_one_line_errors(tmp_path: Path) -> None:
    from monitoring.errors import NotificationConfigError

    with pytest.raises(NotificationConfigError, match="malformed route"):
        settings_from({"ONEMAP_ALERT_ROUTES": "exceedance=fax"})
    with pytest.raises(NotificationConfigError, match="not a number"):
        settings_from({"ONEMAP_SMTP_PORT": "twenty-five"})
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("credit_code,email,webhook\n91321283MA25XRUQ2P,hse@ent.example,\n")
    settings = settings_from({"ONEMAP_ALERT_CONTACTS": str(contacts)})
    assert settings.contacts["91321283MA25XRUQ2P"] == {"email": ("hse@ent.example",)}
