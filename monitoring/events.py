"""Live events across processes: the listener NOTIFYs, every API process LISTENs.

Inside a batch's transaction the listener sends, with ``pg_notify`` on :data:`CHANNEL`, one
notice per alert change (``{"type": "alert", "id": …, "change": …}``) and the batch's fresh
station values (``{"type": "values", "stations": {code: {"time": …, "values": {…}}}}``, cut
into notices under PostgreSQL's 8,000-byte payload limit). PostgreSQL delivers them only when
the transaction commits, so nothing is announced that was not stored.

:class:`EventHub` (one per API process) holds one connection LISTENing, reads each changed
alert once (the notices waiting are taken together, their alerts read in one query), and hands
every event to the subscribers' queues; the ``/events`` route filters
them per user (``accounts.policy``) and writes them as Server-Sent Events.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from monitoring.alerts import AlertChange, alert_rows

log = logging.getLogger("onemap.events")
CHANNEL = "onemap_events"
#: The server's own URL for LISTEN when the database URL is a transaction pooler's.
ENV_LISTEN_URL = "ONEMAP_DATABASE_LISTEN_URL"
#: PostgreSQL refuses payloads of 8,000 bytes or more; keep a margin.
MAX_PAYLOAD_BYTES = 7000
#: Events a slow subscriber may fall behind by before it is dropped (its page reconnects).
SUBSCRIBER_BACKLOG = 2000


def _chunks(stations: dict[str, Any]) -> Iterable[str]:
    """The ``values`` notices of ``stations``, each under :data:`MAX_PAYLOAD_BYTES`: every
    station's entry is encoded once and the notices are joined from those texts."""
    head, tail = '{"type": "values", "stations": {', "}}"
    parts: list[str] = []
    frame_bytes = len(head) + len(tail)
    size = frame_bytes
    for code, entry in stations.items():
        text = f"{json.dumps(code, ensure_ascii=False)}: {json.dumps(entry, ensure_ascii=False)}"
        length = len(text.encode()) + 2
        if parts and size + length > MAX_PAYLOAD_BYTES:
            yield head + ", ".join(parts) + tail
            parts, size = [], frame_bytes
        parts.append(text)
        size += length
    if parts:
        yield head + ", ".join(parts) + tail


def fresh_values(observations: pd.DataFrame) -> dict[str, Any]:
    """Per station, its newest time in ``observations`` and the values at that time."""
    if observations.empty:
        return {}
    newest = observations.groupby("station_code")["time"].transform("max")
    latest = observations[(observations["time"] == newest).to_numpy()]
    # few distinct times in a batch: each formatted once
    time_codes, times = pd.factorize(latest["time"])
    texts = [t.isoformat() for t in times]
    numbers = [None if v != v else v for v in latest["value"].astype(float).tolist()]  # NaN
    out: dict[str, Any] = {}
    for station, code, parameter, value, unit, flag in zip(
        latest["station_code"].tolist(), time_codes.tolist(), latest["parameter"].tolist(),
        numbers, latest["unit"].tolist(), latest["flag"].tolist(), strict=True,
    ):  # fmt: skip
        entry = out.get(station)
        if entry is None:
            entry = out[station] = {"time": texts[code], "values": {}}
        entry["values"][parameter] = {
            "value": value,
            "unit": unit if isinstance(unit, str) else "",
            "flag": flag if isinstance(flag, str) else "N",
        }
    return out


def notify(
    connection: sa.Connection, changes: Iterable[AlertChange], observations: pd.DataFrame
) -> int:
    """Queue the notices of a batch in ``connection``'s transaction; how many."""
    # values first: a page sees the number change before the alert's row is read for it
    payloads = list(_chunks(fresh_values(observations)))
    payloads.extend(
        json.dumps({"type": "alert", "id": c.alert_id, "change": c.change}) for c in changes
    )
    if payloads:
        connection.execute(
            sa.text("SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[])) p"),
            {"channel": CHANNEL, "payloads": payloads},
        )
    return len(payloads)


@dataclass(frozen=True)
class Event:
    """One event for the stream: ``kind`` (``alert``, ``values``) and its data."""

    kind: str
    data: dict[str, Any]


def announce_forget(connection: sa.Connection, key: str) -> None:
    """Tell every API process, when ``connection``'s transaction commits, to forget the
    credential cached under ``key`` (a session ended on one app server ends on all of them
    at once, not when their caches expire)."""
    connection.execute(
        sa.text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": json.dumps({"type": "forget", "key": key})},
    )


class EventHub:
    """One LISTEN connection per process, fanned out to subscriber queues (started lazily)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._subscribers: set[queue.Queue[Event | None]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._forgetters: list[Callable[[str], None]] = []

    def on_forget(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(key)`` for each credential another process has ended (a sign-out):
        the cache of principals of this process drops it at once."""
        self._forgetters.append(callback)

    def subscribe(self) -> queue.Queue[Event | None]:
        """A new subscriber's queue (``None`` in it: the hub dropped it, reconnect)."""
        self.start()
        subscriber: queue.Queue[Event | None] = queue.Queue(SUBSCRIBER_BACKLOG)
        with self._lock:
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: queue.Queue[Event | None]) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="onemap-events", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def publish(self, event: Event) -> None:
        """Hand ``event`` to every subscriber; one too far behind is dropped."""
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber.put_nowait(event)
            except queue.Full:
                self.unsubscribe(subscriber)
                log.warning("事件订阅者过慢，已断开 / slow event subscriber dropped")

    def _run(self) -> None:
        # LISTEN holds a session: behind a transaction pooler it needs the server itself
        direct = os.environ.get(ENV_LISTEN_URL, "").strip()
        url = make_url(direct or self.engine.url).set(drivername="postgresql")
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    url.render_as_string(hide_password=False), autocommit=True
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        first = connection.notifies(timeout=1.0, stop_after=1)
                        waiting = [n.payload for n in first]
                        # and every notice already here: one read of their alerts, not one each
                        waiting += [n.payload for n in connection.notifies(timeout=0)]
                        if waiting:
                            self._dispatch_all(waiting)
            except psycopg.OperationalError as exc:
                self.listening.clear()
                log.warning("事件连接断开，重连 / event connection lost, retrying: %s", exc)
                self._stop.wait(2.0)

    def _dispatch_all(self, payloads: list[str]) -> None:
        """Publish the events of ``payloads`` in their order (alerts read in one query), and
        pass sign-outs (``forget``) to the processes' credential caches."""
        messages = []
        for payload in payloads:
            try:
                messages.append(json.loads(payload))
            except ValueError:
                continue
        for message in messages:
            if message.get("type") == "forget":
                for forget in self._forgetters:
                    forget(str(message.get("key", "")))
        ids = [int(m["id"]) for m in messages if m.get("type") == "alert"]
        rows = {}
        if ids:
            with self.engine.connect() as connection:
                rows = alert_rows(connection, sorted(set(ids)))
        for message in messages:
            if message.get("type") == "alert":
                row = rows.get(int(message["id"]))
                if row is not None:
                    self.publish(Event("alert", {"change": message.get("change"), "alert": row}))
            elif message.get("type") == "values":
                for code, entry in message.get("stations", {}).items():
                    self.publish(Event("values", {"station_code": code, **entry}))
