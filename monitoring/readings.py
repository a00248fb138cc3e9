"""Reading HJ 212 packets without losing values: every well-formed value of a packet with a
valid frame and CRC is kept.

:func:`monitoring.hj212.codec.parse_cp` rejects a whole packet for one factor code outside
``[a-z][0-9]{5}`` — a vendor code (``R01-Rtd``), a 2005 code (``011-Avg``), a noise code
(``Leq-Rtd``) — or for one value that is not a number. Here the frame, the CRC and the head
(QN, ST, CN, MN, Flag) are checked as strictly as before (:func:`codec.check_frame`,
:func:`codec.split_segment`), but the CP is read item by item: a 2005 code becomes its 2017
code (:mod:`monitoring.factor_codes`); a code outside the park's catalogue is kept as an
*unregistered* value under its code; a malformed item or value is reported as a problem of
that item only.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from monitoring.factor_codes import resolve
from monitoring.hj212.codec import (
    DATA_FLAGS,
    VALUE_FIELD,
    Factor,
    FrameError,
    Packet,
    check_frame,
    packet_of,
    parse_time,
    split_segment,
)

#: A factor code as devices write them: 2017 (``a21026``), 2005 (``011``, ``B01``, ``S01``),
#: noise (``Leq``), vendor (``R01``). Anything else is a malformed item.
_LENIENT_CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")
#: Values dated further ahead than this (device clock wrong) are not stored.
MAX_AHEAD = dt.timedelta(days=1)


class Value(NamedTuple):
    """One value of a packet: the code stored under, the code sent, value, unit, data flag.
    (A named tuple: a packet log or a listener batch makes one per value, and a frozen
    dataclass's ``__init__`` costs five times as much.)"""

    code: str
    sent: str
    value: float
    unit: str
    flag: str
    registered: bool
    #: the amount discharged in the interval (HJ 212-2017 ``Cou`` of hour and day data)
    cou: float | None = None


@dataclass
class Reading:
    """A checked packet and what it carries: values (registered or not), device flags, and
    the problems of single items (the rest of the packet is good)."""

    packet: Packet
    time: pd.Timestamp | None
    values: list[Value] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Per 2017 ``EFlag`` (equipment flag) of a factor: code → flag text.
    device_flags: dict[str, str] = field(default_factory=dict)


def read_cp(cp: str) -> tuple[str | None, tuple[Factor, ...], dict[str, str], list[str]]:
    """Like :func:`codec.parse_cp`, but a malformed item is a problem, not a failure."""
    data_time: str | None = None
    factors: dict[str, dict[str, str]] = {}
    extra: dict[str, str] = {}
    problems: list[str] = []
    for group in cp.split(";"):
        if not group:
            continue
        for item in group.split(","):
            name, sep, value = item.partition("=")
            if not sep or not name:
                problems.append(f"CP字段格式错误 / malformed CP field {item[:40]!r}")
                continue
            if name == "DataTime":
                data_time = value
                continue
            code, dash, part = name.partition("-")
            if dash:
                if not _LENIENT_CODE.match(code) or not part:
                    problems.append(f"CP因子编码错误 / malformed CP factor {name[:40]!r}")
                    continue
                factors.setdefault(code, {})[part] = value
            else:
                extra[name] = value
    return data_time, tuple(Factor(c, f) for c, f in factors.items()), extra, problems


def read_packet(raw: bytes, zone: zoneinfo.ZoneInfo, now_utc: dt.datetime | None = None) -> Reading:
    """Check ``raw`` (a whole frame with its CRLF) and read its values.

    :class:`FrameError` for a packet that cannot be used at all: a bad frame, length or CRC,
    a malformed head, a data upload without (or with an invalid, or a far future) DataTime.
    """
    fields, cp = split_segment(check_frame(raw))
    data_time, factors, extra, problems = read_cp(cp)
    packet = packet_of(fields, data_time, factors, extra)
    reading = Reading(packet, None, problems=problems)
    kind = packet.kind
    if kind is None:
        return reading
    if data_time is None:
        raise FrameError("cp", "数据包缺少DataTime / data packet without DataTime")
    stamp = parse_time(data_time, zone)
    now = now_utc or dt.datetime.now(dt.UTC)
    if stamp - now > MAX_AHEAD:
        raise FrameError(
            "time",
            f"数据时间{data_time}超前 / DataTime {data_time} is more than a day ahead of now",
        )
    reading.time = pd.Timestamp(stamp)
    value_field = VALUE_FIELD[kind]
    for factor in factors:
        _read_factor(reading, factor, value_field)
    return reading


def _read_factor(reading: Reading, factor: Factor, value_field: str) -> None:
    text = factor.fields.get(value_field)
    if "EFlag" in factor.fields:
        reading.device_flags[resolve(factor.code).code] = factor.fields["EFlag"]
    if text is None:
        if factor.fields.keys() & {"Rtd", "Avg"}:
            reading.problems.append(
                f"{factor.code}缺少{value_field} / {factor.code} has no {value_field} value"
            )
        return  # a ZsRtd-only or Cou-only group: nothing to store
    try:
        value = float(text)
    except ValueError:
        reading.problems.append(
            f"{factor.code}的值不是数字 / {factor.code}-{value_field}={text[:20]!r} is not a number"
        )
        return
    if value != value or value in (float("inf"), float("-inf")):
        reading.problems.append(f"{factor.code}的值无效 / {factor.code} value {text!r}")
        return
    flag = factor.fields.get("Flag", "N")
    if flag not in DATA_FLAGS:
        reading.problems.append(
            f"{factor.code}数据标记未知 / unknown data flag {factor.code}-Flag={flag[:8]!r}"
        )
        return
    resolved = resolve(factor.code)
    cou = _amount(reading, factor) if value_field == "Avg" else None
    reading.values.append(
        Value(resolved.code, factor.code, value, resolved.unit, flag, resolved.registered, cou)
    )


def _amount(reading: Reading, factor: Factor) -> float | None:
    """The factor's ``Cou`` (kg of a pollutant, m³ of a flow) when sent as a number ≥ 0; a bad
    one is reported and dropped (its value is still stored)."""
    text = factor.fields.get("Cou")
    if text is None:
        return None
    try:
        amount = float(text)
    except ValueError:
        amount = float("nan")
    if not 0 <= amount < float("inf"):  # NaN, negative or infinite
        reading.problems.append(f"{factor.code}的Cou无效 / {factor.code}-Cou={text[:20]!r}")
        return None
    return amount
