"""The HJ 212 listener of the monitoring package: every line archived, every well-formed
value kept, and each committed batch handed on (judging, the event stream, notifications).

It is :class:`monitoring.hj212.listener.Hj212Listener` (connections, framing, batching, the CN 9014
acknowledgement after commit) with three changes: a line is read leniently
(:mod:`monitoring.readings`); every line — valid or not, including over-long and incomplete
ones — goes to the writer so it is archived in the batch's transaction
(:mod:`monitoring.intake`); and after each commit the batch's result goes to ``after_commit``
callbacks (in the writer's thread; they must not block: they queue). With ``defer_rollups`` a
batch queues its hours for :func:`monitoring.rollups.fold` rather than merging them into the
rollups inside its transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from monitoring import rollups
from monitoring.archive import SOURCE_LISTENER, peer_text
from monitoring.hj212.codec import FRAME_HEAD, Packet
from monitoring.hj212.listener import Hj212Listener
from monitoring.hj212.store import DEFAULT_KINDS, HJ212_ACTOR
from monitoring.intake import Arrival, IntakeResult, arrival_of, store_arrivals

log = logging.getLogger("onemap.hj212")

#: Called inside the batch's transaction, after the values are stored (judging on arrival).
InTransaction = Callable[[sa.Connection, IntakeResult], None]
#: Called once the batch has committed (publish to the stream, queue notifications).
AfterCommit = Callable[[IntakeResult], None]


@dataclass
class _Received:
    arrival: Arrival
    writer: asyncio.StreamWriter | None

    @property
    def packet(self) -> Packet:
        assert self.arrival.reading is not None
        return self.arrival.reading.packet


class MonitoringListener(Hj212Listener):
    """An asyncio HJ 212 server that archives, stores leniently and hands batches on."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        zone: zoneinfo.ZoneInfo,
        kinds: frozenset[str] = DEFAULT_KINDS,
        batch_max_packets: int = 5000,
        batch_wait_s: float = 0.05,
        in_transaction: list[InTransaction] | None = None,
        after_commit: list[AfterCommit] | None = None,
        defer_rollups: bool = False,
    ) -> None:
        super().__init__(
            engine,
            zone=zone,
            kinds=kinds,
            batch_max_packets=batch_max_packets,
            batch_wait_s=batch_wait_s,
        )
        self.in_transaction = list(in_transaction or [])
        self.after_commit = list(after_commit or [])
        #: Queue the rollups' hours for :func:`monitoring.rollups.fold` instead of merging them
        #: in the batch's transaction (the caller folds).
        self.defer_rollups = defer_rollups
        self.unregistered_values = 0

    def _accept(self, peer: object, raw: bytes, writer: asyncio.StreamWriter) -> None:
        if not raw.strip():  # a bare CRLF (the end of a cut over-long line, a keep-alive)
            return
        start = raw.find(FRAME_HEAD)
        frame = raw[start:] if start > 0 else raw
        arrival = arrival_of(frame, self.zone, source=SOURCE_LISTENER, peer=peer_text(peer))
        if arrival.error is not None:
            arrival.raw = raw
            super()._reject(peer, arrival.error.code, arrival.error.reason, raw)
        self._queue.put_nowait(_Received(arrival, writer))

    def _reject(self, peer: object, code: str, reason: str, raw: bytes) -> None:
        """An over-long or incomplete line: counted, logged, and archived as invalid."""
        super()._reject(peer, code, reason, raw)
        from monitoring.hj212.codec import FrameError

        arrival = Arrival(dt.datetime.now(dt.UTC), SOURCE_LISTENER, peer_text(peer), raw)
        arrival.error = FrameError(code, reason)
        self._queue.put_nowait(_Received(arrival, None))

    def _store_batch(self, batch: list[_Received]) -> list[_Received]:  # type: ignore[override]
        """Archive and store a batch in one transaction (worker thread); the packets accepted."""
        from accounts.audit import set_actor

        arrivals = [item.arrival for item in batch]
        was_valid = [a.error is None for a in arrivals]
        with self.engine.begin() as connection:
            set_actor(connection, HJ212_ACTOR)
            if self.defer_rollups:
                rollups.defer(connection)
            result = store_arrivals(connection, arrivals, self._directory, self.kinds)
            for step in self.in_transaction:
                step(connection, result)
        for arrival, valid_before in zip(arrivals, was_valid, strict=True):
            if valid_before and arrival.error is not None:  # unknown MN, found by the writer
                self.stats.rejected[arrival.error.code] += 1
                log.warning(
                    "%s: 丢弃 / dropped (%s) %s",
                    arrival.peer,
                    arrival.error.code,
                    arrival.error.reason,
                )
        self.stats.batches += 1
        self.stats.stored_values += len(result.observations)
        self.unregistered_values += result.unregistered_values
        self.stats.stored_packets += sum(
            1
            for a in result.accepted
            if a.reading is not None and a.reading.values and a.reading.packet.kind in self.kinds
        )
        for callback in self.after_commit:
            try:
                callback(result)
            except Exception:  # a consumer's fault never undoes a stored batch
                log.exception("批次后续处理失败 / after-commit step failed")
        accepted = {id(a) for a in result.accepted}
        return [item for item in batch if id(item.arrival) in accepted and item.writer]
