"""The monitoring listener against a real TCP client on 127.0.0.1 and the test's PostGIS:
every line archived, every well-formed value kept, acknowledgements after commit."""

from __future__ import annotations

import asyncio
import zoneinfo

import sqlalchemy as sa

from monitoring.hj212.codec import decode, frame
from monitoring.intake import IntakeResult
from monitoring.listener import MonitoringListener

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
MT01 = "32128322691867"
AQ01 = "32128322918873"


def met_packet(hour: int) -> bytes:
    return frame(
        f"QN=20250301{hour:02d}0000000;ST=22;CN=2061;PW=1;MN={MT01};Flag=5;CP=&&"
        f"DataTime=20250301{hour:02d}0000;a01001-Avg=12.5,a01001-Flag=N;"
        "R01-Avg=0.2,R01-Flag=N;a01007-Avg=2.4&&"
    )


async def _exchange(listener: MonitoringListener, lines: list[bytes], acks: int) -> list[bytes]:
    host, port = await listener.start("127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(host, port)
    for line in lines:
        writer.write(line)
    await writer.drain()
    replies = [await asyncio.wait_for(reader.readuntil(b"\r\n"), 5) for _ in range(acks)]
    writer.close()
    await writer.wait_closed()
    await listener.stop()
    return replies


def test_every_line_is_archived_and_vendor_codes_do_not_reject_a_packet(
    station_engine: sa.Engine,
) -> None:
    committed: list[IntakeResult] = []
    listener = MonitoringListener(
        station_engine, zone=ZONE, batch_wait_s=0.01, after_commit=[committed.append]
    )
    lines = [
        b"garbage without a head\r\n",
        met_packet(1),
        met_packet(2)[:-6] + b"0000\r\n",  # bad CRC
        b"##" + b"9" * 3000 + b"\r\n",  # longer than any frame
        frame(
            "QN=1;ST=22;CN=2061;PW=1;MN=99999999999999;Flag=5;CP=&&DataTime=20250301030000;"
            "a21026-Avg=1&&"
        ),  # unknown MN: archived, not acknowledged
        frame(
            f"QN=2;ST=22;CN=2061;PW=1;MN={AQ01};Flag=5;CP=&&DataTime=20350301030000;a21026-Avg=1&&"
        ),  # ten years ahead
        met_packet(4),
    ]
    replies = asyncio.run(_exchange(listener, lines, acks=2))
    assert [decode(r).qn for r in replies] == ["20250301010000000", "20250301040000000"]
    with station_engine.connect() as c:
        stored = c.execute(
            sa.text("SELECT parameter, count(*) FROM observations GROUP BY 1 ORDER BY 1")
        ).all()
        kept = c.execute(
            sa.text("SELECT code, count(*) FROM monitoring_unregistered_values GROUP BY 1")
        ).all()
        archived = c.execute(
            sa.text(
                "SELECT valid, reason_code, raw_bytes, peer LIKE '127.0.0.1:%'"
                " FROM monitoring_packet_archive ORDER BY id"
            )
        ).all()
    assert [tuple(r) for r in stored] == [("a01001", 2), ("a01007", 2)]
    assert [tuple(r) for r in kept] == [("R01", 2)]
    codes = [(r[0], r[1]) for r in archived]
    assert sorted(codes, key=str) == sorted(
        [
            (False, "head"),
            (True, None),
            (False, "crc"),
            (False, "length"),
            (False, "mn"),
            (False, "time"),
            (True, None),
        ],
        key=str,
    )
    assert all(r[3] for r in archived)
    assert max(r[2] for r in archived) >= 3000  # the long line's length is recorded
    assert listener.stats.rejected["mn"] == 1
    assert sum(len(r.accepted) for r in committed) == 2
