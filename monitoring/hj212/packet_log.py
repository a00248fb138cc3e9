"""Reading captured HJ 212 packet logs: one frame per line, as capture tools and device consoles
write them (``monitoring.packet_log`` archives, judges and stores them), and the record of a
rejected line.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from etl.errors import UnreadableFileError


@dataclass(frozen=True)
class BadPacket:
    """A rejected line: its number, the reason code and text, and the line itself."""

    line: int
    code: str
    reason: str
    text: str


def read_lines(path: Path) -> list[bytes]:
    """The log's lines as bytes (a ``.gz`` log is decompressed)."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise UnreadableFileError(f"无法读取 {path} / cannot read {path}: {exc}") from None
    return data.split(b"\n")
