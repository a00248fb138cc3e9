"""The HJ 212-2017 TCP listener: devices connect, send frames, get data acknowledgements.

Each connection reads frames up to CRLF. A frame is checked (head, length, CRC, tail) and
parsed in the event loop; a bad one is logged with its reason and dropped, and the connection
goes on. Good packets are queued for one writer task, which stores a batch at a time (one COPY +
upsert, :mod:`monitoring.hj212.store`) in a worker thread and, only after that transaction has
committed, writes the CN 9014 acknowledgement to every device of the batch that asked for one.
An unknown MN is found in the writer (it may need a directory reread) and dropped there with
its reason, unacknowledged. When a batch cannot be stored (the database is down) no packet of it
is acknowledged, so the devices resend.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from monitoring.hj212.codec import FRAME_HEAD, MAX_DATA_LENGTH, FrameError, Packet, data_ack, decode
from monitoring.hj212.store import (
    DEFAULT_KINDS,
    MnDirectory,
    ValueRow,
    observation_frame,
    packet_values,
    store_values,
)

log = logging.getLogger("onemap.hj212")

#: Longest line read: a full frame is 2 + 4 + 1024 + 4 + 2 bytes.
MAX_LINE_BYTES = MAX_DATA_LENGTH + 64


@dataclass
class ListenerStats:
    """Counters of what the listener did since it started."""

    received: int = 0
    stored_packets: int = 0
    stored_values: int = 0
    acknowledged: int = 0
    batches: int = 0
    failed_batches: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


@dataclass
class _Pending:
    packet: Packet
    rows: list[ValueRow]
    writer: asyncio.StreamWriter


class Hj212Listener:
    """An asyncio server storing HJ 212 data uploads in ``observations``.

    Parameters
    ----------
    engine : the park database.
    zone : the zone of the devices' clocks (HJ 212 times carry none).
    kinds : which data kinds to store (``hour`` by default; see :mod:`monitoring.hj212.store`).
    batch_max_packets : a batch is written when it holds this many packets ...
    batch_wait_s : ... or when this long has passed since its first packet.
    """

    def __init__(
        self,
        engine: sa.Engine,
        *,
        zone: zoneinfo.ZoneInfo,
        kinds: frozenset[str] = DEFAULT_KINDS,
        batch_max_packets: int = 5000,
        batch_wait_s: float = 0.05,
    ) -> None:
        self.engine = engine
        self.zone = zone
        self.kinds = kinds
        self.batch_max_packets = batch_max_packets
        self.batch_wait_s = batch_wait_s
        self.stats = ListenerStats()
        self._directory = MnDirectory(engine)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._server: asyncio.Server | None = None
        self._writer_task: asyncio.Task[None] | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Start listening; returns the bound (host, port) (``port=0`` picks a free one)."""
        self._writer_task = asyncio.create_task(self._write_batches())
        self._server = await asyncio.start_server(
            self._serve_connection, host, port, limit=MAX_LINE_BYTES, backlog=1024
        )
        bound = self._server.sockets[0].getsockname()
        return str(bound[0]), int(bound[1])

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()

    async def stop(self) -> None:
        """Stop accepting, store what is queued, then stop the writer."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        await self._queue.join()
        if self._writer_task is not None:
            self._writer_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer_task

    def _reject(self, peer: object, code: str, reason: str, raw: bytes) -> None:
        self.stats.rejected[code] += 1
        log.warning("%s: 丢弃 / dropped (%s) %s: %r", peer, code, reason, raw[:120])

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        peer = writer.get_extra_info("peername")
        try:
            while True:
                try:
                    raw = await reader.readuntil(b"\r\n")
                except asyncio.LimitOverrunError as exc:
                    # No CRLF within a frame's length: drop the bytes read so far and go on.
                    dropped = await reader.readexactly(exc.consumed)
                    self._reject(peer, "length", "超长无CRLF / too long without CR LF", dropped)
                    continue
                except asyncio.IncompleteReadError as exc:
                    if exc.partial.strip():
                        self._reject(
                            peer, "tail", "连接关闭时包不完整 / incomplete frame", exc.partial
                        )
                    break
                self.stats.received += 1
                self._accept(peer, raw, writer)
        except (ConnectionError, OSError) as exc:
            log.info("%s: 连接断开 / connection lost: %s", peer, exc)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _accept(self, peer: object, raw: bytes, writer: asyncio.StreamWriter) -> None:
        """Check one line (ending in CRLF) and queue its packet for the writer, or drop it."""
        start = raw.find(FRAME_HEAD)
        frame = raw[start:] if start > 0 else raw
        try:
            packet = decode(frame)
            rows = packet_values(packet, self.zone, self.kinds)
        except FrameError as exc:
            self._reject(peer, exc.code, exc.reason, raw)
            return
        self._queue.put_nowait(_Pending(packet, rows, writer))

    async def _write_batches(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            deadline = loop.time() + self.batch_wait_s
            while len(batch) < self.batch_max_packets:
                remaining = deadline - loop.time()
                if remaining <= 0 and self._queue.empty():
                    break
                try:
                    batch.append(self._queue.get_nowait())
                except asyncio.QueueEmpty:
                    try:
                        batch.append(await asyncio.wait_for(self._queue.get(), max(remaining, 0)))
                    except TimeoutError:
                        break
            try:
                accepted = await asyncio.to_thread(self._store_batch, batch)
            except sa.exc.OperationalError as exc:  # the database is down: no ack, devices resend
                first_line = (str(exc.orig or exc).strip().splitlines() or [""])[0]
                log.warning(
                    "数据库不可用，批次未入库、未应答 / database unavailable, batch of %d not "
                    "stored, nothing acknowledged: %s",
                    len(batch),
                    first_line,
                )
                self.stats.failed_batches += 1
                accepted = []
            except Exception:  # the database refused the batch: no ack, devices resend
                log.exception("批次写入失败，未应答 / batch not stored, nothing acknowledged")
                self.stats.failed_batches += 1
                accepted = []
            for pending in accepted:
                if pending.packet.wants_ack and not pending.writer.is_closing():
                    pending.writer.write(data_ack(pending.packet))
                    self.stats.acknowledged += 1
            for _ in batch:
                self._queue.task_done()

    def _store_batch(self, batch: list[_Pending]) -> list[_Pending]:
        """Store a batch in one transaction (worker thread); the packets accepted."""
        station_of: dict[str, str] = {}
        accepted: list[_Pending] = []
        values: list[ValueRow] = []
        for pending in batch:
            mn = pending.packet.mn
            try:
                if mn not in station_of:
                    station_of[mn] = self._directory.station_for(mn)
            except FrameError as exc:
                self._reject(pending.writer.get_extra_info("peername"), exc.code, exc.reason, b"")
                continue
            accepted.append(pending)
            values.extend(pending.rows)
        frame = observation_frame(values, station_of)
        with self.engine.begin() as connection:
            store_values(connection, frame)
        # Counted only once committed.
        self.stats.batches += 1
        self.stats.stored_values += len(frame)
        self.stats.stored_packets += sum(1 for p in accepted if p.rows)
        return accepted
