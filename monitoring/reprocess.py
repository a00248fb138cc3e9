"""Reprocessing archived packets after the catalogue or a station's MN changed.

Reads the archive back (``received_utc`` in ``[since, until)``), reads every line again with
today's code tables and MN directory, and stores what is good now — values that were
unregistered and are in the catalogue now go to ``observations``, packets of an MN that was
unknown then and is a station now are stored. The archive itself is not written (it holds the
packets as received, once). Values stored before are upserted, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from accounts.audit import set_actor
from etl.dates import configured_timezone
from monitoring.archive import read_archive
from monitoring.hj212.codec import FRAME_HEAD, FRAME_TAIL
from monitoring.hj212.store import DEFAULT_KINDS, HJ212_ACTOR, MnDirectory
from monitoring.intake import arrival_of, store_arrivals


@dataclass
class ReprocessReport:
    """What a reprocessing run did."""

    packets: int = 0
    stored_packets: int = 0
    inserted: int = 0
    updated: int = 0
    unregistered_values: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


def reprocess(
    engine: sa.Engine,
    since: dt.datetime,
    until: dt.datetime | None = None,
    *,
    kinds: frozenset[str] = DEFAULT_KINDS,
) -> ReprocessReport:
    """Read the archived packets of ``[since, until)`` again and store them (see module)."""
    zone = configured_timezone()
    directory = MnDirectory(engine)
    report = ReprocessReport()
    with engine.connect() as reader:
        for chunk in read_archive(reader, since, until):
            arrivals = []
            for stored in chunk:
                raw = stored.raw.encode("ascii", "replace")
                start = raw.find(FRAME_HEAD)
                frame = (raw[start:] if start >= 0 else raw).rstrip(b"\r\n") + FRAME_TAIL
                arrivals.append(
                    arrival_of(
                        frame,
                        zone,
                        source=stored.source,
                        peer=stored.peer,
                        received_utc=stored.received_utc,
                    )
                )
            with engine.begin() as connection:
                set_actor(connection, HJ212_ACTOR)
                result = store_arrivals(connection, arrivals, directory, kinds, archive=False)
            report.packets += len(arrivals)
            report.inserted += result.inserted
            report.updated += result.updated
            report.unregistered_values += result.unregistered_values
            report.stored_packets += sum(
                1
                for a in result.accepted
                if a.reading is not None and a.reading.values and a.reading.packet.kind in kinds
            )
            report.rejected.update(a.error.code for a in result.rejected if a.error is not None)
    return report
