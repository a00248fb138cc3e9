"""The listener against a real TCP client on 127.0.0.1 and the test's own PostGIS."""

from __future__ import annotations

import asyncio
import logging
import zoneinfo

import pytest
import sqlalchemy as sa

from monitoring.hj212.codec import data_segment, decode, frame
from monitoring.hj212.listener import Hj212Listener

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
AQ01 = "32128322918873"
MT01 = "32128322691867"


def upload(mn: str, hour: int, value: float, *, flag: int = 5) -> bytes:
    return frame(
        data_segment(
            qn=f"20250301{hour:02d}0000000",
            cn="2061",
            mn=mn,
            data_time=f"20250301{hour:02d}0000",
            values={"a21026": (value, "N"), "a21004": (value + 1, "N")},
            flag=flag,
        )
    )


async def _exchange(listener: Hj212Listener, frames: list[bytes], acks: int) -> list[bytes]:
    host, port = await listener.start("127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(host, port)
    for raw in frames:
        writer.write(raw)
    await writer.drain()
    replies = [await asyncio.wait_for(reader.readuntil(b"\r\n"), 5) for _ in range(acks)]
    writer.close()
    await writer.wait_closed()
    await listener.stop()
    return replies


def _stored(engine: sa.Engine) -> list[tuple[str, str, float]]:
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT station_code, parameter, value FROM observations ORDER BY time, parameter"
            )
        )
        return [(r[0], r[1], r[2]) for r in rows]


def test_bad_packets_are_dropped_with_reasons_and_the_connection_goes_on(
    station_engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    good = upload(AQ01, 1, 10)
    frames = [
        good,
        upload(AQ01, 2, 20).replace(b"##", b"##9", 1)[:-1],  # bad length (and no CRLF yet)
        b"\r\n",
        upload(AQ01, 3, 30)[:-6] + b"0000\r\n",  # bad CRC
        upload("99999999999999", 4, 40),  # unknown MN
        frame(
            "QN=1;ST=22;CN=2061;PW=1;MN=32128322918873;Flag=5;CP=&&DataTime=20250301050000;"
            "a21026-Avg=x&&"
        ),  # malformed CP
        upload(MT01, 6, 60, flag=4),  # good, no ack asked
        upload(AQ01, 7, 70),  # good, after all the faults
    ]
    listener = Hj212Listener(station_engine, zone=ZONE, batch_wait_s=0.01)
    with caplog.at_level(logging.WARNING, logger="onemap.hj212"):
        replies = asyncio.run(_exchange(listener, frames, acks=2))
    assert [decode(r).qn for r in replies] == ["20250301010000000", "20250301070000000"]
    assert all(decode(r).cn == "9014" for r in replies)
    assert _stored(station_engine) == [
        ("AQ-01", "a21004", 11.0),
        ("AQ-01", "a21026", 10.0),
        ("MT-01", "a21004", 61.0),
        ("MT-01", "a21026", 60.0),
        ("AQ-01", "a21004", 71.0),
        ("AQ-01", "a21026", 70.0),
    ]
    assert listener.stats.rejected == {"length": 1, "crc": 1, "mn": 1, "cp": 1}
    text = caplog.text
    assert "CRC" in text and "unknown MN 99999999999999" in text and "not a number" in text


def test_ack_is_sent_only_after_commit(station_engine: sa.Engine) -> None:
    """When the ack arrives, another connection already sees the stored values."""

    async def run() -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float]]]:
        listener = Hj212Listener(station_engine, zone=ZONE, batch_wait_s=0.2)
        host, port = await listener.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(upload(AQ01, 8, 80))
        await writer.drain()
        before = await asyncio.to_thread(_stored, station_engine)  # still batching: nothing yet
        await asyncio.wait_for(reader.readuntil(b"\r\n"), 5)
        after = await asyncio.to_thread(_stored, station_engine)
        writer.close()
        await listener.stop()
        return before, after

    before, after = asyncio.run(run())
    assert before == []
    assert after == [("AQ-01", "a21004", 81.0), ("AQ-01", "a21026", 80.0)]


def test_no_ack_when_the_database_refuses(station_engine: sa.Engine) -> None:
    """A batch that cannot be committed is not acknowledged (the device will resend)."""
    with station_engine.begin() as c:
        c.execute(sa.text("ALTER TABLE observations ADD CONSTRAINT no_so2 CHECK (value < 50)"))
    listener = Hj212Listener(station_engine, zone=ZONE, batch_wait_s=0.01)

    async def run() -> bytes:
        host, port = await listener.start("127.0.0.1", 0)
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(upload(AQ01, 9, 90))
        await writer.drain()
        while listener.stats.failed_batches == 0:
            await asyncio.sleep(0.01)
        writer.write(upload(AQ01, 10, 10))
        await writer.drain()
        reply = await asyncio.wait_for(reader.readuntil(b"\r\n"), 5)
        writer.close()
        await listener.stop()
        return reply

    logging.disable(logging.CRITICAL)
    try:
        reply = asyncio.run(run())
    finally:
        logging.disable(logging.NOTSET)
    assert decode(reply).qn == "20250301100000000"  # the first batch (hour 9) got no ack
    assert _stored(station_engine) == [("AQ-01", "a21004", 11.0), ("AQ-01", "a21026", 10.0)]
