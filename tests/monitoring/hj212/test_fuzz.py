"""A bounded, deterministic fuzz run of the HJ 212 codec (hypothesis, derandomized).

Whatever a device or an attacker sends, :func:`decode` either gives a packet or raises
:class:`FrameError`; a packet's values either come out or raise :class:`FrameError`; and the
acknowledgement of any packet the listener accepted is itself a frame that decodes. Frames are
generated with their length and CRC right, so the fuzzer gets past the checks into the parser.
"""

from __future__ import annotations

import zoneinfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.hj212.codec import (
    MAX_DATA_LENGTH,
    FrameError,
    data_ack,
    data_segment,
    decode,
    frame,
)
from monitoring.hj212.store import ALL_KINDS, packet_values

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
FUZZ = settings(
    derandomize=True,  # the same examples on every run: it cannot fail by chance
    database=None,
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SEGMENT_CHARS = st.sampled_from(list("0123456789abcdefANZaw;=,&-.:+ QNSTCPWMFlgDt\x00\x7f"))
GOOD = data_segment(
    qn="20250301010000000",
    cn="2061",
    mn="32128322918873",
    data_time="20250301010000",
    values={"a21026": (12.5, "N"), "a21004": (30.0, "N")},
)


def _check(raw: bytes) -> None:
    try:
        packet = decode(raw)
    except FrameError as exc:
        assert exc.code and " / " in exc.reason
        return
    try:
        packet_values(packet, ZONE, ALL_KINDS)
    except FrameError as exc:
        assert exc.code and " / " in exc.reason
    ack = data_ack(packet)
    assert decode(ack).cn == "9014"


def _framed(segment: str) -> bytes:
    data = segment.encode("latin-1")[:MAX_DATA_LENGTH]
    try:
        return frame(data.decode("ascii"))
    except (UnicodeDecodeError, FrameError):
        return b"##" + f"{len(data):04d}".encode() + data + b"0000\r\n"


@FUZZ
@given(st.binary(max_size=1100))
def test_any_bytes(raw: bytes) -> None:
    _check(raw)
    _check(b"##" + raw + b"\r\n")


@FUZZ
@given(st.text(SEGMENT_CHARS, max_size=300))
def test_well_framed_segments(segment: str) -> None:
    _check(_framed(segment))
    _check(_framed(f"QN=1;ST=22;CN=2061;PW=1;MN=1;Flag=5;CP=&&{segment}&&"))


@FUZZ
@given(
    st.lists(
        st.tuples(st.integers(0, len(GOOD) - 1), st.sampled_from(list(";=,&-0aZ9."))),
        max_size=6,
    )
)
def test_mutated_uploads(edits: list[tuple[int, str]]) -> None:
    segment = list(GOOD)
    for at, char in edits:
        segment[at] = char
    _check(_framed("".join(segment)))


@FUZZ
@given(
    qn=st.text("0123456789", min_size=1, max_size=1000),
    pw=st.text("0123456789abc", max_size=400),
    mn=st.text("0123456789AB", min_size=1, max_size=24),
    data_time=st.text("0123456789", max_size=20),
    value=st.floats(allow_nan=True, allow_infinity=True),
    flag=st.integers(0, 255),
)
def test_field_values(qn: str, pw: str, mn: str, data_time: str, value: float, flag: int) -> None:
    segment = (
        f"QN={qn};ST=22;CN=2061;PW={pw};MN={mn};Flag={flag};"
        f"CP=&&DataTime={data_time};a21026-Avg={value},a21026-Flag=N&&"
    )
    _check(_framed(segment))


@FUZZ
@given(moment=st.datetimes(), kind=st.sampled_from(["2011", "2051", "2061", "2031"]))
def test_any_data_time(moment: object, kind: str) -> None:
    stamp = moment.strftime("%Y%m%d%H%M%S")  # type: ignore[attr-defined]
    segment = (
        f"QN={stamp}000;ST=22;CN={kind};PW=1;MN=1;Flag=5;"
        f"CP=&&DataTime={stamp};a21026-Rtd=1,a21026-Avg=1,a21026-Flag=N&&"
    )
    _check(_framed(segment))
