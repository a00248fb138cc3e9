from __future__ import annotations

import zoneinfo

import pytest

from monitoring.hj212.codec import (
    FrameError,
    crc16,
    crc16_reference,
    data_ack,
    data_segment,
    decode,
    frame,
)
from monitoring.hj212.store import packet_values

STANDARD_EXAMPLE = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    b"Flag=5;CP=&&RtdInterval=30&&1C80\r\n"
)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_standards_example_frame_verifies() -> None:
    packet = decode(STANDARD_EXAMPLE)
    assert (packet.qn, packet.st, packet.cn, packet.pw) == (
        "20160801085857223",
        "32",
        "1062",
        "100000",
    )
    assert packet.mn == "010000A8900016F000169DC0"
    assert packet.flag == 5 and packet.wants_ack
    assert packet.cp_extra == {"RtdInterval": "30"}


def test_crc_is_appendix_a_not_modbus() -> None:
    segment = STANDARD_EXAMPLE[6:-6]
    assert crc16(segment) == crc16_reference(segment) == 0x1C80
    # CRC-16/MODBUS (crc ^= byte) gives 0x0759 for the same bytes.
    modbus = 0xFFFF
    for byte in segment:
        modbus ^= byte
        for _ in range(8):
            modbus = (modbus >> 1) ^ 0xA001 if modbus & 1 else modbus >> 1
    assert modbus == 0x0759


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (STANDARD_EXAMPLE.replace(b"1C80", b"1C81"), "crc"),
        (STANDARD_EXAMPLE.replace(b"##0101", b"##0102"), "length"),
        (STANDARD_EXAMPLE.replace(b"##0101", b"##01a1"), "length"),
        (STANDARD_EXAMPLE[1:], "head"),
        (STANDARD_EXAMPLE[:-2], "tail"),
        (STANDARD_EXAMPLE.replace(b"RtdInterval=30", b"RtdInterval=31"), "crc"),
    ],
)
def test_each_frame_fault_is_rejected_with_its_reason(raw: bytes, code: str) -> None:
    with pytest.raises(FrameError) as caught:
        decode(raw)
    assert caught.value.code == code
    assert " / " in caught.value.reason  # bilingual


def test_data_segment_round_trip_and_values() -> None:
    segment = data_segment(
        qn="20250101010000000",
        cn="2061",
        mn="32128322918873",
        data_time="20250101010000",
        values={"a21026": (19.5, "N"), "a34004": (40.0, "D")},
    )
    packet = decode(frame(segment))
    assert packet.kind == "hour" and packet.data_time == "20250101010000"
    rows = packet_values(packet, ZONE, {"hour"})
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("a21026", 19.5, "μg/m³", "N"),
        ("a34004", 40.0, "μg/m³", "D"),
    ]
    assert rows[0][1].isoformat() == "2025-01-01T01:00:00+08:00"
    assert packet_values(packet, ZONE, {"realtime"}) == []  # not a stored kind


@pytest.mark.parametrize(
    "cp",
    [
        "DataTime=20250101010000;a21026-Avg=abc,a21026-Flag=N",
        "DataTime=20250101010000;a21026-Avg=1,a21026-Flag=Q",
        "a21026-Avg=1,a21026-Flag=N",
        "DataTime=2025010101;a21026-Avg=1",
        "DataTime=20250101010000;A21026-Avg=1",
        "DataTime=20250101010000;a21026Avg1",
    ],
)
def test_malformed_cp_is_rejected(cp: str) -> None:
    segment = f"QN=20250101010000000;ST=22;CN=2061;PW=123456;MN=32128322918873;Flag=5;CP=&&{cp}&&"
    with pytest.raises(FrameError) as caught:
        packet_values(decode(frame(segment)), ZONE, {"hour"})
    assert caught.value.code == "cp"


def test_ack_is_cn_9014_with_the_packets_qn() -> None:
    ack = data_ack(decode(STANDARD_EXAMPLE))
    packet = decode(ack)
    assert (packet.cn, packet.st, packet.qn, packet.flag) == ("9014", "91", "20160801085857223", 4)
    assert not packet.wants_ack
