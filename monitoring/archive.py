"""The raw packet archive: every line received, valid or not, kept as received.

Written in the same transaction as the values a batch stores (so a value is never stored
without its packet), by COPY. A line is kept as ASCII text with other bytes (and NUL) escaped
as ``\\xNN``; lines longer than :data:`MAX_ARCHIVED_BYTES` (a flood of garbage, a 10 MB line)
keep their first bytes and their full length. The table is append-only (a trigger refuses
UPDATE, DELETE and TRUNCATE) and partitioned by month of ``received_utc``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import psycopg
import sqlalchemy as sa

from monitoring.schema import ARCHIVE, PARTITION_PREFIX

#: Longest line kept whole (a full frame is 1,036 bytes).
MAX_ARCHIVED_BYTES = 4096
SOURCE_LISTENER = "listener"
_COLUMNS = (
    "received_utc",
    "source",
    "peer",
    "valid",
    "reason_code",
    "reason",
    "mn",
    "raw",
    "raw_bytes",
)


class ArchivedPacket(NamedTuple):
    """One archive row to write (a named tuple: one per line received)."""

    received_utc: dt.datetime
    source: str
    peer: str | None
    valid: bool
    reason_code: str | None
    reason: str | None
    mn: str | None
    raw: bytes


@dataclass(frozen=True)
class StoredPacket:
    """One archive row read back."""

    id: int
    received_utc: dt.datetime
    source: str
    peer: str | None
    valid: bool
    reason_code: str | None
    mn: str | None
    raw: str


def raw_text(raw: bytes) -> str:
    """``raw`` as text PostgreSQL can hold: ASCII as is, other bytes and NUL as ``\\xNN``."""
    text = raw[:MAX_ARCHIVED_BYTES].decode("ascii", "backslashreplace")
    return text.replace("\x00", "\\x00")


def partition_name(month: dt.date) -> str:
    """The partition of the month starting at ``month`` (its day is ignored)."""
    return f"{PARTITION_PREFIX}{month.year:04d}m{month.month:02d}"


def _month_start(when: dt.datetime) -> dt.date:
    return when.astimezone(dt.UTC).date().replace(day=1)


def ensure_partitions(connection: sa.Connection, times: Iterable[dt.datetime]) -> None:
    """Create the month partitions ``times`` fall in, when missing.

    Asked of the database in every batch (one call per month in it, a catalogue lookup when
    the partition exists): a cache in the process would go stale when a database is dropped
    and made again, or a month is detached, and every later batch would then fail.
    """
    for month in sorted({_month_start(t) for t in times}):
        connection.execute(sa.text("SELECT monitoring_archive_partition(:month)"), {"month": month})


def write_archive(connection: sa.Connection, packets: Iterable[ArchivedPacket]) -> int:
    """Append ``packets`` inside ``connection``'s transaction (one COPY); rows written."""
    rows = list(packets)
    if not rows:
        return 0
    ensure_partitions(connection, (p.received_utc for p in rows))
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    statement = psycopg.sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=psycopg.sql.Identifier(ARCHIVE),
        columns=psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, _COLUMNS)),
    )
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for p in rows:
            copy.write_row(
                (
                    p.received_utc,
                    p.source,
                    p.peer,
                    p.valid,
                    p.reason_code,
                    p.reason,
                    p.mn,
                    raw_text(p.raw),
                    len(p.raw),
                )
            )
    return len(rows)


def read_archive(
    connection: sa.Connection,
    since: dt.datetime,
    until: dt.datetime | None = None,
    *,
    batch_rows: int = 5000,
) -> Iterator[list[StoredPacket]]:
    """Archived packets received in ``[since, until)``, oldest first, in batches."""
    query = sa.text(
        f"SELECT id, received_utc, source, peer, valid, reason_code, mn, raw FROM {ARCHIVE}"
        " WHERE received_utc >= :since AND (CAST(:until AS timestamptz) IS NULL"
        " OR received_utc < :until) ORDER BY received_utc, id"
    )
    result = connection.execution_options(yield_per=batch_rows).execute(
        query, {"since": since, "until": until}
    )
    for chunk in result.partitions(batch_rows):
        yield [StoredPacket(*row) for row in chunk]


def peer_text(peer: object) -> str | None:
    """``host:port`` of an asyncio peer name (a tuple), else its text."""
    if isinstance(peer, tuple) and len(peer) >= 2:
        return f"{peer[0]}:{peer[1]}"
    return None if peer is None else str(peer)
