"""The live panel in headless Chromium: a packet above its limit, sent to a real listener over
TCP, shows on the open page within a second, rings, flashes its station and sends an e-mail to
a local SMTP server (aiosmtpd); its return within the limit takes it off the panel."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from monitoring.hj212.codec import frame
from monitoring.notifications import Notifier, settings_from
from monitoring.service import LiveMonitoring
from onemap.database import engine_for

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
AQ02 = "32128322649769"
DAY = "20261201"  # after the demo year: the rows made here are this test's own
TIMEOUT_MS = 20_000


class Inbox:
    def __init__(self) -> None:
        self.count = 0
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            self.count += 1
            self.arrived.notify_all()
        return "250 OK"


@pytest.fixture
def smtp_port() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def demo_engine(demo_db_url: str) -> Iterator[sa.Engine]:
    engine = engine_for(demo_db_url)
    yield engine
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM alerts WHERE opened_at >= '2026-12-01'"))
        c.execute(sa.text("DELETE FROM observations WHERE time >= '2026-12-01'"))


def _packet(hour: int, so2_ugm3: float) -> bytes:
    return frame(
        f"QN={DAY}{hour:02d}0000000;ST=22;CN=2061;PW=1;MN={AQ02};Flag=5;CP=&&"
        f"DataTime={DAY}{hour:02d}0000;a21026-Avg={so2_ugm3:g},a21026-Flag=N&&"
    )


def _send(engine: sa.Engine, notifier: Notifier, packet: bytes) -> float:
    async def run() -> float:
        service = LiveMonitoring(
            engine, zone=ZONE, batch_wait_s=0.01, sinks=[notifier], sweep_every_s=3600
        )
        host, port = await service.listener.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection(host, port)
        sent_at = time.monotonic()
        writer.write(packet)
        await writer.drain()
        await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)
        writer.close()
        await writer.wait_closed()
        await service.stop()
        return sent_at

    # Playwright's sync API runs an event loop in this thread: the device gets its own
    result: list[float] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(run())))
    thread.start()
    thread.join(30)
    assert result, "the listener did not acknowledge the packet"
    return result[0]


def test_a_new_alert_shows_within_a_second_rings_and_is_mailed(
    site_url: str,
    browser_context: Any,
    demo_engine: sa.Engine,
    smtp_port: tuple[Inbox, int],
) -> None:
    inbox, port = smtp_port
    notifier = Notifier(
        demo_engine,
        settings_from(
            {
                "ONEMAP_SMTP_HOST": "127.0.0.1",
                "ONEMAP_SMTP_PORT": str(port),
                "ONEMAP_ALERT_EMAIL_TO": "duty@park.example",
            }
        ),
    )
    tab = browser_context.new_page()
    try:
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(site_url + "/")
        tab.wait_for_selector(".leaflet-container[data-ready]")
        tab.wait_for_selector(".om-live .om-live-state:not(.om-live-lost):has-text('实时')")
        tab.locator(".om-live-sound").check()  # a person turns the sound on
        before = int(tab.locator('.om-live-kind[data-kind="exceedance"] b').inner_text())
        sent_at = _send(demo_engine, notifier, _packet(9, 640))  # class II SO2 1 h: 500
        item = tab.locator(".om-live-list li", has_text="AQ-02").or_(
            tab.locator(".om-live-list li", has_text="永丰村")
        )
        item.first.wait_for()
        shown_s = time.monotonic() - sent_at
        assert shown_s < 1.0, shown_s
        after = int(tab.locator('.om-live-kind[data-kind="exceedance"] b').inner_text())
        assert after == before + 1
        assert tab.evaluate("window.onemap.live.rang") >= 1  # it rang
        assert tab.evaluate("window.onemap.live.flashing.size") >= 1  # its station flashes
        with inbox.arrived:
            assert inbox.arrived.wait_for(lambda: inbox.count >= 1, 15)  # and was mailed
        item.first.click()  # one click opens it on the map
        tab.wait_for_selector(".leaflet-popup-content")
        _send(demo_engine, notifier, _packet(10, 30))  # back within the limit
        tab.wait_for_function(
            f"Number(document.querySelector('.om-live-kind[data-kind=\"exceedance\"] b')"
            f".textContent) === {before}"
        )
    finally:
        notifier.close()
        tab.close()


def test_staff_acknowledge_an_alert_from_the_live_panel(
    site_url: str, browser_context: Any, demo_engine: sa.Engine, demo_accounts: dict[str, Any]
) -> None:
    from tests.conftest import PASSWORD

    notifier = Notifier(demo_engine, settings_from({}))  # nothing configured: nothing sent
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(site_url + "/")
        tab.wait_for_selector(".leaflet-container[data-ready]")
        tab.wait_for_selector(".om-live .om-live-state:not(.om-live-lost):has-text('实时')")
        _send(demo_engine, notifier, _packet(11, 660))  # class II SO2 1 h: 500
        with demo_engine.connect() as c:
            alert_id = c.execute(
                sa.text(
                    "SELECT id FROM alerts WHERE station_code = 'AQ-02' AND state = 'open'"
                    " AND opened_at >= '2026-12-01' ORDER BY id DESC LIMIT 1"
                )
            ).scalar_one()
        item = tab.locator(f'.om-live-list li[data-alert="{alert_id}"]')
        item.wait_for()
        assert item.locator(".om-live-ack").count() == 0  # anonymous: no button
        tab.click(".om-sign-in-open")
        tab.fill(".om-sign-in input[name=login]", "staff")
        tab.fill(".om-sign-in input[name=password]", PASSWORD)
        tab.click(".om-sign-in button[type=submit]")
        if tab.locator(".om-bar").is_visible():  # a phone shows the panel as a sheet
            tab.click('.om-bar [data-panel="live"]')
        item.locator(".om-live-ack").click()
        item.filter(has_text="已确认").wait_for()
        item.locator(".om-live-ack").wait_for(state="detached")
        with demo_engine.connect() as c:
            row = c.execute(
                sa.text("SELECT state, acknowledged_by FROM alerts WHERE id = :i"), {"i": alert_id}
            ).one()
        assert tuple(row) == ("acknowledged", "staff")
        assert errors == []
    finally:
        notifier.close()
        tab.close()
        browser_context.clear_cookies()
