"""Delivering notifications: one queue and one thread per channel, retries with growing waits,
and every attempt logged in ``notification_deliveries``.

Delivery never runs in the caller's thread (the listener's writer, a request): a channel that
is down delays only its own messages, and a failure is logged, never raised to the caller.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from notifier.channels import CHANNELS, SENDERS, ChannelSettings, Message, Sender

log = logging.getLogger("onemap.notifier")
ATTEMPTS = 3
QUEUE_SIZE = 10_000


@dataclass(frozen=True)
class Notification:
    """One message for one channel and its targets, about ``topic`` ``ref`` (``alert`` 17,
    ``clues`` 4) and what happened to it (``event``)."""

    topic: str
    ref: int
    event: str
    channel: str
    targets: tuple[str, ...]
    message: Message


class Dispatcher:
    """Queues notifications per channel and delivers them on the channel's own thread."""

    def __init__(
        self,
        engine: sa.Engine,
        settings: ChannelSettings,
        *,
        senders: Mapping[str, Sender] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.senders = dict(senders or SENDERS)
        self.delivered = 0
        self.failed = 0
        self._queues: dict[str, queue.Queue[Notification | None]] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._stop = threading.Event()
        for channel in CHANNELS:
            self._queues[channel] = queue.Queue(QUEUE_SIZE)
            thread = threading.Thread(
                target=self._work, args=(channel,), name=f"onemap-notify-{channel}", daemon=True
            )
            thread.start()
            self._threads[channel] = thread

    def submit(self, notifications: Iterable[Notification]) -> int:
        """Queue ``notifications`` (never blocks); how many were queued. A notification for a
        channel that cannot send (e-mail without a server) or without targets is left out."""
        queued = 0
        for n in notifications:
            if not n.targets or not self.settings.usable(n.channel):
                continue
            try:
                self._queues[n.channel].put_nowait(n)
                queued += 1
            except queue.Full:
                log.error("通知队列已满 / %s queue full, dropped %s %s", n.channel, n.topic, n.ref)
        return queued

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Whether every queued notification was tried within ``timeout_s``."""
        done = threading.Event()

        def join_all() -> None:
            for q in self._queues.values():
                q.join()
            done.set()

        threading.Thread(target=join_all, daemon=True).start()
        return done.wait(timeout_s)

    def close(self) -> None:
        """Stop the channels' threads once their queues are empty (retry waits are cut)."""
        for q in self._queues.values():
            q.put(None)
        for thread in self._threads.values():
            thread.join(5)
        self._stop.set()

    def _work(self, channel: str) -> None:
        q = self._queues[channel]
        while True:
            notification = q.get()
            try:
                if notification is None:
                    return
                self._deliver(notification)
            finally:
                q.task_done()

    def _deliver(self, n: Notification) -> None:
        send = self.senders[n.channel]
        for attempt in range(1, ATTEMPTS + 1):
            error: str | None = None
            try:
                send(n.targets, n.message, self.settings)
            except Exception as exc:  # any failure of the channel: logged, retried
                error = f"{type(exc).__name__}: {exc}"[:500]
            self._log(n, attempt, error)
            if error is None:
                self.delivered += 1
                return
            log.warning(
                "通知失败 / %s to %s failed (attempt %d/%d): %s",
                n.channel,
                ",".join(n.targets),
                attempt,
                ATTEMPTS,
                error,
            )
            if attempt < ATTEMPTS and self._stop.wait(self.settings.backoff_s * 2 ** (attempt - 1)):
                break
        self.failed += 1

    def _log(self, n: Notification, attempt: int, error: str | None) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO notification_deliveries (topic, ref, event, channel,"
                        " targets, attempt, ok, error, tried_utc) VALUES (:topic, :ref, :event,"
                        " :channel, :targets, :attempt, :ok, :error, :at)"
                    ),
                    {
                        "topic": n.topic,
                        "ref": n.ref,
                        "event": n.event,
                        "channel": n.channel,
                        "targets": ",".join(n.targets),
                        "attempt": attempt,
                        "ok": error is None,
                        "error": error,
                        "at": dt.datetime.now(dt.UTC),
                    },
                )
        except sa.exc.SQLAlchemyError as exc:  # the log must not stop the delivery
            log.warning("通知日志写入失败 / notification log not written: %s", exc)
