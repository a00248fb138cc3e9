"""The HJ 212-2017 frame: checking, parsing and building packets.

A frame is ``##`` + a 4-digit decimal length of the data segment + the data segment (at most
1024 characters) + 4 hex digits of CRC16 over the data segment only + ``\\r\\n`` (HJ 212-2017
6.3). The CRC is the standard's Appendix A algorithm, not CRC-16/MODBUS: the register update
is ``crc = (crc >> 8) ^ byte``. The data segment is ``QN=...;ST=..;CN=....;PW=...;MN=...;
Flag=.;CP=&&...&&`` (6.4); the Flag's bit 0 (A) asks for a reply, bit 1 (D) says the packet is
numbered (PNUM/PNO); bits 2-7 are the version, 1 for HJ 212-2017 (so ``Flag=4``/``Flag=5``).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import NamedTuple

FRAME_HEAD = b"##"
FRAME_TAIL = b"\r\n"
MAX_DATA_LENGTH = 1024

#: Data-upload command codes (HJ 212-2017 Table 6.6.5): kind of data per CN.
DATA_COMMANDS: dict[str, str] = {
    "2011": "realtime",
    "2051": "minute",
    "2061": "hour",
    "2031": "day",
}
#: The data acknowledgement (数据应答) a platform returns to an upload asking for one.
CN_DATA_ACK = "9014"
#: ST of system-interaction packets such as acknowledgements.
ST_SYSTEM = "91"

FLAG_ACK = 0x01  # bit A: the device wants an acknowledgement
FLAG_NUMBERED = 0x02  # bit D: PNUM/PNO are present
VERSION_2017 = 1  # V5..V0 = 000001 for HJ 212-2017

#: The data flags of HJ 212-2017 6.6.4 (the values the observations layer accepts).
DATA_FLAGS = frozenset("NFMSDCTB")
#: The value field stored per kind of data: the real-time value, else the interval's mean.
VALUE_FIELD: dict[str, str] = {"realtime": "Rtd", "minute": "Avg", "hour": "Avg", "day": "Avg"}

_FACTOR_CODE = re.compile(r"^[a-z][0-9]{5}$")
_MN = re.compile(r"^[0-9A-Za-z]{1,24}$")


class FrameError(ValueError):
    """A packet that cannot be used; ``reason`` is one bilingual line, ``code`` a short key."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _byte_step(value: int) -> int:
    for _ in range(8):
        lsb = value & 1
        value >>= 1
        if lsb:
            value ^= 0xA001
    return value


# After ``crc = (crc >> 8) ^ byte`` the register holds at most 8 bits, so the 8 shift-and-XOR
# steps of Appendix A depend on that byte alone and can be tabulated.
_STEP_TABLE = tuple(_byte_step(v) for v in range(256))


def crc16(data: bytes) -> int:
    """The HJ 212-2017 Appendix A CRC16 of ``data`` (the data segment only).

    Per byte: ``crc = (crc >> 8) ^ byte`` (not ``crc ^= byte``, which is CRC-16/MODBUS), then 8
    steps of ``lsb = crc & 1; crc >>= 1; if lsb: crc ^= 0xA001``; the register starts at 0xFFFF.
    """
    crc = 0xFFFF
    for byte in data:
        crc = _STEP_TABLE[(crc >> 8) ^ byte]
    return crc


def crc16_reference(data: bytes) -> int:
    """Appendix A written out step by step, as the standard prints it (checks the table)."""
    crc = 0xFFFF
    for byte in data:
        crc = (crc >> 8) ^ byte
        for _ in range(8):
            lsb = crc & 1
            crc >>= 1
            if lsb:
                crc ^= 0xA001
    return crc


class Factor(NamedTuple):
    """One factor of a CP: its HJ 212 code and its fields (``Rtd``, ``Avg``, ``Flag`` ...).
    (A named tuple: one per factor of every packet, cheaper to make than a frozen dataclass.)"""

    code: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Packet:
    """A checked, parsed data segment."""

    qn: str
    st: str
    cn: str
    pw: str
    mn: str
    flag: int
    pnum: str | None
    pno: str | None
    data_time: str | None
    factors: tuple[Factor, ...]
    cp_extra: dict[str, str] = field(default_factory=dict)

    @property
    def wants_ack(self) -> bool:
        return bool(self.flag & FLAG_ACK)

    @property
    def kind(self) -> str | None:
        """``realtime``/``minute``/``hour``/``day`` for a data upload, else ``None``."""
        return DATA_COMMANDS.get(self.cn)


def frame(segment: str) -> bytes:
    """The full frame around a data segment (length, CRC, CRLF)."""
    data = segment.encode("ascii")
    if len(data) > MAX_DATA_LENGTH:
        raise FrameError(
            "length", f"数据段超过1024字节 / data segment over 1024 bytes ({len(data)})"
        )
    return (
        FRAME_HEAD + f"{len(data):04d}".encode() + data + f"{crc16(data):04X}".encode() + FRAME_TAIL
    )


def check_frame(raw: bytes) -> str:
    """The data segment of a complete frame (with its CRLF); :class:`FrameError` on a fault."""
    if not raw.startswith(FRAME_HEAD):
        raise FrameError("head", "包头不是## / frame does not start with ##")
    if not raw.endswith(FRAME_TAIL):
        raise FrameError("tail", "包尾不是CRLF / frame does not end with CR LF")
    length_text = raw[2:6]
    if len(length_text) != 4 or not length_text.isdigit():
        raise FrameError("length", "数据段长度不是4位数字 / length is not 4 decimal digits")
    length = int(length_text)
    if length > MAX_DATA_LENGTH:
        raise FrameError("length", f"数据段长度{length}超过1024 / length {length} over 1024")
    body = raw[6 : -len(FRAME_TAIL)]
    if len(body) != length + 4:
        raise FrameError(
            "length",
            f"数据段长度{len(body) - 4}与声明的{length}不符 / data segment is "
            f"{len(body) - 4} bytes, the frame says {length}",
        )
    data, crc_text = body[:length], body[length:]
    try:
        declared = int(crc_text, 16)
    except ValueError:
        raise FrameError("crc", f"CRC不是十六进制 / CRC {crc_text!r} is not hex") from None
    actual = crc16(data)
    if declared != actual:
        raise FrameError(
            "crc",
            f"CRC校验失败 / CRC mismatch: frame says {crc_text.decode('ascii', 'replace')}, "
            f"data gives {actual:04X}",
        )
    try:
        return data.decode("ascii")
    except UnicodeDecodeError:
        raise FrameError("segment", "数据段含非ASCII字符 / data segment is not ASCII") from None


def parse_segment(segment: str) -> Packet:
    """Parse a data segment into a :class:`Packet`; :class:`FrameError` on a fault."""
    fields, cp = split_segment(segment)
    data_time, factors, extra = parse_cp(cp)
    return packet_of(fields, data_time, factors, extra)


def split_segment(segment: str) -> tuple[dict[str, str], str]:
    """The checked head fields (QN, ST, CN, PW, MN, Flag ...) and the CP text of a segment."""
    cp_at = segment.find("CP=&&")
    if cp_at < 0 or not segment.endswith("&&") or len(segment) < cp_at + 7:
        raise FrameError("cp", "缺少CP=&&…&& / CP=&&...&& is missing or not closed")
    head, cp = segment[:cp_at], segment[cp_at + 5 : -2]
    fields: dict[str, str] = {}
    for item in head.split(";"):
        if not item:
            continue
        name, sep, value = item.partition("=")
        if not sep:
            raise FrameError("segment", f"字段缺少= / field {item!r} has no '='")
        fields[name] = value
    for name in ("QN", "ST", "CN", "MN", "Flag"):
        if name not in fields:
            raise FrameError("segment", f"缺少字段{name} / field {name} is missing")
    try:
        flag = int(fields["Flag"])
    except ValueError:
        raise FrameError(
            "segment", f"Flag不是整数 / Flag {fields['Flag']!r} is not a number"
        ) from None
    if not _MN.match(fields["MN"]):
        raise FrameError("segment", f"MN格式错误 / malformed MN {fields['MN']!r}")
    if flag & FLAG_NUMBERED and not ("PNUM" in fields and "PNO" in fields):
        raise FrameError("segment", "Flag要求分包但缺少PNUM/PNO / Flag D set without PNUM/PNO")
    return fields, cp


def packet_of(
    fields: dict[str, str],
    data_time: str | None,
    factors: tuple[Factor, ...],
    extra: dict[str, str],
) -> Packet:
    """A :class:`Packet` from head fields checked by :func:`split_segment` and a parsed CP."""
    return Packet(
        qn=fields["QN"],
        st=fields["ST"],
        cn=fields["CN"],
        pw=fields.get("PW", ""),
        mn=fields["MN"],
        flag=int(fields["Flag"]),
        pnum=fields.get("PNUM"),
        pno=fields.get("PNO"),
        data_time=data_time,
        factors=factors,
        cp_extra=extra,
    )


def parse_cp(cp: str) -> tuple[str | None, tuple[Factor, ...], dict[str, str]]:
    """``DataTime``, the factors and the other CP fields of a command parameter string.

    ``;`` separates groups and ``,`` fields within a group; a factor field is
    ``code-Name=value`` (``a21026-Rtd=19.2``).
    """
    data_time: str | None = None
    factors: dict[str, dict[str, str]] = {}
    extra: dict[str, str] = {}
    for group in cp.split(";"):
        if not group:
            continue
        for item in group.split(","):
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise FrameError("cp", f"CP字段格式错误 / malformed CP field {item!r}")
            if name == "DataTime":
                data_time = value
                continue
            code, dash, part = name.partition("-")
            if dash:
                if not _FACTOR_CODE.match(code) or not part:
                    raise FrameError("cp", f"CP因子编码错误 / malformed CP factor {name!r}")
                factors.setdefault(code, {})[part] = value
            else:
                extra[name] = value
    return data_time, tuple(Factor(c, f) for c, f in factors.items()), extra


def decode(raw: bytes) -> Packet:
    """Check a complete frame and parse its data segment."""
    return parse_segment(check_frame(raw))


def parse_time(text: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """``yyyyMMddHHmmss`` (DataTime) or ``yyyyMMddHHmmssSSS`` (QN) in the device's zone."""
    if not text.isdigit() or len(text) not in (14, 17):
        raise FrameError("cp", f"时间格式错误 / malformed time {text!r} (yyyyMMddHHmmss)")
    micro = int(text[14:]) * 1000 if len(text) == 17 else 0
    try:  # the fields by position (strptime per packet was a tenth of reading one)
        return dt.datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]),
            int(text[10:12]), int(text[12:14]), micro, tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        raise FrameError("cp", f"时间无效 / invalid time {text!r}") from None


def data_ack(packet: Packet) -> bytes:
    """The data acknowledgement (CN 9014) to ``packet`` (HJ 212-2017 6.6.4, 9014 数据应答)."""
    flag = VERSION_2017 << 2  # no ack asked for the ack itself
    segment = (
        f"QN={packet.qn};ST={ST_SYSTEM};CN={CN_DATA_ACK};PW={packet.pw};MN={packet.mn};"
        f"Flag={flag};CP=&&&&"
    )
    return frame(segment)


def data_segment(
    *,
    qn: str,
    cn: str,
    mn: str,
    data_time: str,
    values: dict[str, tuple[float, str]],
    st: str = "22",
    pw: str = "123456",
    flag: int = (VERSION_2017 << 2) | FLAG_ACK,
) -> str:
    """A data-upload segment, as a device writes one (for simulators, tests and benchmarks).

    ``values`` maps a factor code to (value, data flag).
    """
    kind = DATA_COMMANDS[cn]
    value_field = VALUE_FIELD[kind]
    groups = [f"DataTime={data_time}"]
    for code, (value, data_flag) in values.items():
        groups.append(f"{code}-{value_field}={value:g},{code}-Flag={data_flag}")
    return f"QN={qn};ST={st};CN={cn};PW={pw};MN={mn};Flag={flag};CP=&&{';'.join(groups)}&&"
