"""The live monitoring API with real HTTP clients: a packet above its limit, sent to the
listener over TCP, reaches an open ``/events`` stream within a second; acknowledging goes
through the policy and the audit trail; each user sees what the policy lets them see."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from flask import Flask

from monitoring.hj212.codec import frame
from monitoring.service import LiveMonitoring
from onemap.database import engine_for

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
AQ01 = "32128322918873"
#: Far from the demo year, so that the rows made here are this test's own.
DAY = "20261130"


class Stream:
    """An ``/events`` stream read in a thread; events land in a queue with their arrival time."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[float, str, dict[str, Any]]] = queue.Queue()
        self.kept: list[tuple[float, str, dict[str, Any]]] = []
        self.response = requests.get(url, headers=headers, stream=True, timeout=(5, 60))
        assert self.response.status_code == 200
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        kind = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind:
                    self.events.put((time.monotonic(), kind, json.loads(line[6:])))
                    kind = None
        except (requests.RequestException, AttributeError, ValueError):
            return

    def next(self, kind: str, match: Any = None, timeout_s: float = 10) -> tuple[float, dict]:
        """The first event of ``kind`` not returned yet for which ``match(data)`` holds (events
        of other kinds stay for later calls)."""
        deadline = time.monotonic() + timeout_s
        while True:
            for index, (at, got, data) in enumerate(self.kept):
                if got == kind and (match is None or match(data)):
                    del self.kept[index]
                    return at, data
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {kind} event within {timeout_s} s"
            try:
                self.kept.append(self.events.get(timeout=remaining))
            except queue.Empty:
                continue

    def close(self) -> None:
        self.response.close()


@pytest.fixture(scope="module")
def site(live_site: tuple[str, Flask]) -> str:
    return live_site[0]


@pytest.fixture
def demo_engine(demo_db_url: str) -> Iterator[sa.Engine]:
    """The shared demo database; the rows this test makes (dated :data:`DAY`) are removed."""
    engine = engine_for(demo_db_url)
    yield engine
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM alerts WHERE opened_at >= '2026-11-30'"))
        c.execute(sa.text("DELETE FROM observations WHERE time >= '2026-11-30'"))


def _packet(hour: int, so2_ugm3: float) -> bytes:
    return frame(
        f"QN={DAY}{hour:02d}0000000;ST=22;CN=2061;PW=1;MN={AQ01};Flag=5;CP=&&"
        f"DataTime={DAY}{hour:02d}0000;a21026-Avg={so2_ugm3:g},a21026-Flag=N;"
        "a21004-Avg=20,a21004-Flag=N&&"
    )


def _send(engine: sa.Engine, packets: list[bytes]) -> float:
    """Send ``packets`` to a live listener; the monotonic time the first was written."""

    async def run() -> float:
        service = LiveMonitoring(engine, zone=ZONE, batch_wait_s=0.01, sweep_every_s=3600)
        host, port = await service.listener.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection(host, port)
        sent_at = time.monotonic()
        for packet in packets:
            writer.write(packet)
        await writer.drain()
        for _ in packets:
            await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)  # acknowledged: committed
        writer.close()
        await writer.wait_closed()
        await service.stop()
        return sent_at

    return asyncio.run(run())


def test_a_packet_above_its_limit_reaches_an_open_page_within_a_second(
    site: str, demo_engine: sa.Engine, demo_accounts: dict[str, Any]
) -> None:
    anonymous = Stream(site + "/events", {})
    staff = Stream(site + "/events", demo_accounts["headers"]["staff"])
    try:
        anonymous.next("snapshot")
        staff.next("snapshot")
        sent_at = _send(demo_engine, [_packet(9, 620)])  # GB 3095 class II SO2 1 h: 500
        at, values = anonymous.next("values", lambda d: d["station_code"] == "AQ-01")
        assert values["values"]["a21026"]["value"] == 620.0
        assert at - sent_at < 1.0
        at, event = anonymous.next("alert", lambda d: d["change"] == "opened")
        alert = event["alert"]
        assert (alert["kind"], alert["station_code"], alert["parameter"]) == (
            "exceedance",
            "AQ-01",
            "a21026",
        )
        assert at - sent_at < 1.0
        assert "acknowledged_by" not in alert  # a private field: staff only
        # acknowledge: anonymous and enterprise users may not, staff may, once
        url = f"{site}/ogcapi/collections/alerts/items/{alert['id']}/acknowledge"
        assert requests.post(url, timeout=10).status_code == 401
        refused = requests.post(url, headers=demo_accounts["headers"]["ent_a"], timeout=10)
        assert refused.status_code == 403
        done = requests.post(url, headers=demo_accounts["headers"]["staff"], timeout=10)
        assert done.status_code == 200, done.text
        assert done.json()["state"] == "acknowledged"
        assert done.json()["acknowledged_by"] == "staff"
        again = requests.post(url, headers=demo_accounts["headers"]["staff"], timeout=10)
        assert again.status_code == 409 and "already" in again.json()["description"]
        _, seen = staff.next("alert", lambda d: d["change"] == "acknowledged")
        assert seen["alert"]["acknowledged_by"] == "staff"
        _, hidden = anonymous.next("alert", lambda d: d["change"] == "acknowledged")
        assert (
            hidden["alert"]["state"] == "acknowledged" and "acknowledged_by" not in hidden["alert"]
        )
        history = requests.get(
            f"{site}/ogcapi/collections/alerts/items/{alert['id']}/history",
            headers=demo_accounts["headers"]["staff"],
            timeout=10,
        )
        assert history.status_code == 200
        assert "user:staff" in history.text
        # the value back within the limit closes the (acknowledged) alert
        _send(demo_engine, [_packet(10, 30)])
        _, closed = anonymous.next("alert", lambda d: d["change"] == "closed")
        assert closed["alert"]["id"] == alert["id"] and closed["alert"]["state"] == "closed"
    finally:
        anonymous.close()
        staff.close()


def test_acknowledging_what_is_not_an_open_alert_is_a_4xx(
    site: str, demo_accounts: dict[str, Any]
) -> None:
    staff = demo_accounts["headers"]["staff"]
    missing = requests.post(
        f"{site}/ogcapi/collections/alerts/items/999999999/acknowledge", headers=staff, timeout=10
    )
    assert missing.status_code == 404 and "no alert" in missing.json()["description"]
    other = requests.post(
        f"{site}/ogcapi/collections/stations/items/1/acknowledge", headers=staff, timeout=10
    )
    assert other.status_code == 404
