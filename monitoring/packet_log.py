"""Captured HJ 212 packet logs, read like live packets: archived, stored leniently, reported.

A log is text with one frame per line (text before ``##`` — a receive time, ``RECV:`` — is
ignored, and a lost CRLF restored, as :mod:`monitoring.hj212.packet_log` reads them). Every line is
archived (source ``log:<file name>``); the values of the good packets are stored in one
transaction with the archive; rejected packets and rejected single items of good packets are
reported with their line and reason, in the report and in a rejects file beside the log.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from accounts.audit import set_actor
from etl.dates import configured_timezone
from monitoring.hj212.codec import FRAME_TAIL, FrameError
from monitoring.hj212.packet_log import BadPacket, read_lines
from monitoring.hj212.store import DEFAULT_KINDS, HJ212_ACTOR, MnDirectory
from monitoring.intake import Arrival, arrival_of, store_arrivals


@dataclass
class LogReport:
    """What loading one packet log did."""

    path: str
    packets: int = 0
    stored_packets: int = 0
    inserted: int = 0
    updated: int = 0
    unregistered_values: int = 0
    new_codes: list[tuple[str, str]] = field(default_factory=list)
    archived: int = 0
    bad: list[BadPacket] = field(default_factory=list)
    rejects_path: str | None = None


def load_packet_log(
    path: str | Path,
    engine: sa.Engine,
    *,
    kinds: frozenset[str] = DEFAULT_KINDS,
    rejects_path: str | Path | None = None,
) -> LogReport:
    """Archive every line of the log at ``path`` and store the good packets' values."""
    source = Path(path)
    zone = configured_timezone()
    report = LogReport(str(source))
    received = dt.datetime.now(dt.UTC)
    origin = f"log:{source.name}"
    arrivals: list[tuple[int, Arrival]] = []
    for number, line in enumerate(read_lines(source), start=1):
        text = line.rstrip(b"\r")
        if not text.strip():
            continue
        start = text.find(b"##")
        if start < 0:
            arrival = Arrival(received, origin, None, text)
            arrival.error = FrameError("head", "行内没有## / no ## on the line")
        else:
            report.packets += 1
            arrival = arrival_of(
                text[start:] + FRAME_TAIL, zone, source=origin, received_utc=received
            )
            arrival.raw = text
        arrivals.append((number, arrival))
    with engine.begin() as connection:
        set_actor(connection, HJ212_ACTOR)
        result = store_arrivals(connection, [a for _, a in arrivals], MnDirectory(engine), kinds)
    report.archived = len(arrivals)
    report.inserted, report.updated = result.inserted, result.updated
    report.unregistered_values = result.unregistered_values
    report.new_codes = result.new_codes
    for number, arrival in arrivals:
        shown = arrival.raw.decode("ascii", "replace")
        if arrival.error is not None:
            report.bad.append(BadPacket(number, arrival.error.code, arrival.error.reason, shown))
            continue
        assert arrival.reading is not None
        if arrival.reading.values and arrival.reading.packet.kind in kinds:
            report.stored_packets += 1
        for problem in arrival.reading.problems:
            report.bad.append(BadPacket(number, "item", problem, shown))
    _write_rejects(report, source, rejects_path)
    return report


def _write_rejects(report: LogReport, source: Path, rejects_path: str | Path | None) -> None:
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
