"""One batch of received packets into the database: archive, values, unregistered values.

Used by the listener (a batch every few tens of milliseconds), by ``onemap hj212 parse`` (a
packet log) and by ``onemap hj212 reprocess`` (packets read back from the archive, which are
not archived again). Everything happens in the caller's transaction: the archive rows, the
observations (:func:`monitoring.hj212.store.store_values`, the COPY + upsert every load uses) and
the unregistered values commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from monitoring.alerts import AlertChange
from monitoring.amounts import INTERVAL_OF_KIND, AmountRow, store_amounts
from monitoring.archive import ArchivedPacket, write_archive
from monitoring.factor_codes import resolve
from monitoring.hj212.codec import FrameError
from monitoring.hj212.store import MnDirectory, ValueRow, observation_frame, store_values
from monitoring.readings import Reading, Value, read_packet

log = logging.getLogger("onemap.monitoring")


@dataclass
class Arrival:
    """A line received: when, from where, its bytes, and what reading it gave.

    ``error`` is set for a packet that cannot be used at all; ``reading`` otherwise.
    ``station`` is filled in by :func:`store_arrivals` once the MN is looked up.
    """

    received_utc: dt.datetime
    source: str
    peer: str | None
    raw: bytes
    reading: Reading | None = None
    error: FrameError | None = None
    station: str | None = None

    @property
    def valid(self) -> bool:
        return self.reading is not None and self.error is None


def arrival_of(
    raw: bytes,
    zone: zoneinfo.ZoneInfo,
    *,
    source: str,
    peer: str | None = None,
    received_utc: dt.datetime | None = None,
) -> Arrival:
    """Read one frame (with its CRLF) into an :class:`Arrival`; never raises for bad input."""
    when = received_utc or dt.datetime.now(dt.UTC)
    arrival = Arrival(when, source, peer, raw)
    try:
        arrival.reading = read_packet(raw, zone, when)
    except FrameError as exc:
        arrival.error = exc
    return arrival


@dataclass
class IntakeResult:
    """What storing a batch did."""

    accepted: list[Arrival] = field(default_factory=list)
    rejected: list[Arrival] = field(default_factory=list)
    observations: pd.DataFrame = field(default_factory=pd.DataFrame)
    inserted: int = 0
    updated: int = 0
    unregistered_values: int = 0
    #: the devices' amounts (HJ 212 ``Cou``) stored (monitoring.amounts)
    amounts: int = 0
    #: (MN, code) pairs seen for the first time (reported once per device and code).
    new_codes: list[tuple[str, str]] = field(default_factory=list)
    #: What judging the batch changed (``monitoring.judging``), once it has run.
    alert_changes: list[AlertChange] = field(default_factory=list)


def store_arrivals(
    connection: sa.Connection,
    arrivals: Sequence[Arrival],
    directory: MnDirectory,
    kinds: Iterable[str],
    *,
    archive: bool = True,
) -> IntakeResult:
    """Store a batch inside ``connection``'s transaction (see the module docstring)."""
    kinds = frozenset(kinds)
    result = IntakeResult()
    station_of: dict[str, str] = {}
    registered: list[ValueRow] = []
    unregistered: list[tuple[Arrival, Value]] = []
    amounts: list[AmountRow] = []
    for arrival in arrivals:
        reading = arrival.reading
        if reading is None:
            result.rejected.append(arrival)
            continue
        mn = reading.packet.mn
        try:
            if mn not in station_of:
                station_of[mn] = directory.station_for(mn)
        except FrameError as exc:
            arrival.error = exc
            result.rejected.append(arrival)
            continue
        arrival.station = station_of[mn]
        result.accepted.append(arrival)
        if reading.time is None or reading.packet.kind not in kinds:
            continue
        for value in reading.values:
            if value.registered:
                registered.append(
                    (mn, reading.time, value.code, value.value, value.unit, value.flag)
                )
                if value.cou is not None and reading.packet.kind in INTERVAL_OF_KIND:
                    interval = INTERVAL_OF_KIND[reading.packet.kind]
                    amounts.append((station_of[mn], value.code, reading.time, interval, value.cou))
            else:
                unregistered.append((arrival, value))
    if archive:
        write_archive(connection, (_archived(a) for a in arrivals))
    frame = observation_frame(registered, station_of)
    result.inserted, result.updated = store_values(connection, frame)
    result.observations = frame
    result.amounts = store_amounts(connection, amounts)
    result.unregistered_values, result.new_codes = _store_unregistered(connection, unregistered)
    for mn, code in result.new_codes:
        name = resolve(code).name_zh
        log.warning(
            "MN %s: 目录外因子 / factor %s%s outside the catalogue, stored as unregistered",
            mn,
            code,
            f" ({name})" if name else "",
        )
    return result


def _archived(arrival: Arrival) -> ArchivedPacket:
    reading, error = arrival.reading, arrival.error
    reason = error.reason if error is not None else None
    if error is None and reading is not None and reading.problems:
        reason = "; ".join(reading.problems)[:2000]
    return ArchivedPacket(
        received_utc=arrival.received_utc,
        source=arrival.source,
        peer=arrival.peer,
        valid=error is None and reading is not None,
        reason_code=error.code if error is not None else ("items" if reason else None),
        reason=reason,
        mn=reading.packet.mn if reading is not None else None,
        raw=arrival.raw,
    )


_UPSERT_VALUE = sa.text(
    "INSERT INTO monitoring_unregistered_values"
    " (station_code, time, code, sent_code, value, unit, flag, mn)"
    " VALUES (:station, :time, :code, :sent, :value, :unit, :flag, :mn)"
    " ON CONFLICT (station_code, code, time) DO UPDATE SET value = EXCLUDED.value,"
    " unit = EXCLUDED.unit, flag = EXCLUDED.flag, sent_code = EXCLUDED.sent_code,"
    " mn = EXCLUDED.mn"
)
_UPSERT_CODE = sa.text(
    "INSERT INTO monitoring_unregistered_codes"
    " (mn, code, name_zh, listed, first_seen_utc, last_seen_utc, values_count)"
    " VALUES (:mn, :code, :name, :listed, :seen, :seen, :count)"
    " ON CONFLICT (mn, code) DO UPDATE SET last_seen_utc = EXCLUDED.last_seen_utc,"
    " values_count = monitoring_unregistered_codes.values_count + EXCLUDED.values_count"
    " RETURNING mn, code, (xmax = 0) AS inserted"
)


def _store_unregistered(
    connection: sa.Connection, values: list[tuple[Arrival, Value]]
) -> tuple[int, list[tuple[str, str]]]:
    if not values:
        return 0, []
    rows: dict[tuple[str, str, pd.Timestamp], dict[str, object]] = {}
    counts: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str], dt.datetime] = {}
    for arrival, value in values:
        reading = arrival.reading
        assert reading is not None and arrival.station is not None
        key = (arrival.station, value.code, reading.time)
        rows[key] = {  # a later value for the same key replaces an earlier one
            "station": arrival.station,
            "time": reading.time,
            "code": value.code,
            "sent": value.sent,
            "value": value.value,
            "unit": value.unit or None,
            "flag": value.flag,
            "mn": reading.packet.mn,
        }
        code_key = (reading.packet.mn, value.code)
        counts[code_key] = counts.get(code_key, 0) + 1
        seen[code_key] = max(seen.get(code_key, arrival.received_utc), arrival.received_utc)
    connection.execute(_UPSERT_VALUE, list(rows.values()))
    new: list[tuple[str, str]] = []
    for (mn, code), count in sorted(counts.items()):
        resolved = resolve(code)
        row = connection.execute(
            _UPSERT_CODE,
            {
                "mn": mn,
                "code": code,
                "name": resolved.name_zh or None,
                "listed": resolved.listed is not None,
                "seen": seen[(mn, code)],
                "count": count,
            },
        ).one()
        if row.inserted:
            new.append((mn, code))
    return len(rows), new
