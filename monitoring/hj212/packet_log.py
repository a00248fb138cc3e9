"""Captured HJ 212 packet logs into ``observations``.

A log is text with one frame per line, as capture tools and device consoles write them; text
before ``##`` on a line (a receive time, ``RECV:``) is ignored, and the CRLF a line lost when it
was written is restored. Every frame is checked like a live one; the good ones are stored in one
transaction and the bad ones are reported with their line and reason, in the report and in a
rejects file beside the log.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from etl.dates import configured_timezone
from etl.errors import UnreadableFileError
from monitoring.hj212.codec import FRAME_TAIL, FrameError, decode
from monitoring.hj212.store import (
    DEFAULT_KINDS,
    MnDirectory,
    ValueRow,
    observation_frame,
    packet_values,
    store_values,
)


@dataclass(frozen=True)
class BadPacket:
    """A rejected line: its number, the reason code and text, and the line itself."""

    line: int
    code: str
    reason: str
    text: str


@dataclass
class LogReport:
    """What loading one packet log did."""

    path: str
    packets: int = 0
    stored_packets: int = 0
    inserted: int = 0
    updated: int = 0
    bad: list[BadPacket] = field(default_factory=list)
    rejects_path: str | None = None

    @property
    def reasons(self) -> Counter[str]:
        return Counter(b.code for b in self.bad)


def read_lines(path: Path) -> list[bytes]:
    """The log's lines as bytes (a ``.gz`` log is decompressed)."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise UnreadableFileError(f"无法读取 {path} / cannot read {path}: {exc}") from None
    return data.split(b"\n")


def load_packet_log(
    path: str | Path,
    engine: sa.Engine,
    *,
    kinds: frozenset[str] = DEFAULT_KINDS,
    rejects_path: str | Path | None = None,
) -> LogReport:
    """Check every frame of the log at ``path`` and store the good packets' values."""
    source = Path(path)
    zone = configured_timezone()
    directory = MnDirectory(engine)
    report = LogReport(str(source))
    values: list[ValueRow] = []
    station_of: dict[str, str] = {}
    for number, line in enumerate(read_lines(source), start=1):
        start = line.find(b"##")
        if start < 0:
            if line.strip():
                report.bad.append(
                    BadPacket(number, "head", "行内没有## / no ## on the line", _text(line))
                )
            continue
        raw = line[start:].rstrip(b"\r") + FRAME_TAIL
        report.packets += 1
        try:
            packet = decode(raw)
            rows = packet_values(packet, zone, kinds)
            station_of[packet.mn] = directory.station_for(packet.mn)
        except FrameError as exc:
            report.bad.append(BadPacket(number, exc.code, exc.reason, _text(line)))
            continue
        values.extend(rows)
        report.stored_packets += 1 if rows else 0
    frame = observation_frame(values, station_of)
    with engine.begin() as connection:
        report.inserted, report.updated = store_values(connection, frame)
    target = Path(rejects_path) if rejects_path else source.with_name(source.name + ".rejects.csv")
    if report.bad:
        with target.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["line", "reason_code", "reject_reason", "packet"])
            for bad in report.bad:
                writer.writerow([bad.line, bad.code, bad.reason, bad.text])
        report.rejects_path = str(target)
    elif target.exists():
        target.unlink()
    return report


def _text(line: bytes) -> str:
    return line.rstrip(b"\r").decode("ascii", "replace")
