"""The live monitoring service: the listener with judging, events, notifications and the
disconnection sweep wired together (what ``onemap hj212 listen`` runs).

Per batch, inside its transaction: store (archive, values), judge (alerts), NOTIFY (events).
After the commit: hand the alert changes to the notifier, whose own thread delivers them, so
a slow or failing channel never holds up storage. Every ``sweep_every_s`` the stations silent
past their threshold get their disconnection alerts, the same way. The batches' rollups are
deferred (:mod:`monitoring.rollups`): folded every ``rollup_every_s`` after a batch, at start
(what a stopped listener left) and at stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
import zoneinfo
from collections.abc import Callable

import pandas as pd
import sqlalchemy as sa

from accounts.audit import set_actor
from monitoring import rollups
from monitoring.alerts import AlertChange
from monitoring.disconnection import sweep
from monitoring.events import notify
from monitoring.hj212.store import DEFAULT_KINDS, HJ212_ACTOR
from monitoring.intake import IntakeResult
from monitoring.judging import JudgingContext, judge_batch
from monitoring.listener import MonitoringListener

log = logging.getLogger("onemap.monitoring")
#: Receives the alert changes of each committed batch or sweep (must not block).
ChangeSink = Callable[[list[AlertChange]], None]
NO_VALUES = pd.DataFrame(columns=["station_code", "time", "parameter", "value", "unit", "flag"])


class LiveMonitoring:
    """The listener of :mod:`monitoring.listener` judging, announcing and notifying."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        zone: zoneinfo.ZoneInfo,
        kinds: frozenset[str] = DEFAULT_KINDS,
        sinks: list[ChangeSink] | None = None,
        sweep_every_s: float = 60.0,
        batch_wait_s: float = 0.05,
        rollup_every_s: float = 2.0,
    ) -> None:
        self.engine = engine
        self.context = JudgingContext(engine)
        self.sinks = list(sinks or [])
        self.sweep_every_s = sweep_every_s
        self.rollup_every_s = rollup_every_s
        self.folds = 0
        self._stored = threading.Event()  # a batch committed since the last fold
        self.listener = MonitoringListener(
            engine,
            zone=zone,
            kinds=kinds,
            batch_wait_s=batch_wait_s,
            in_transaction=[self._judge],
            after_commit=[self._hand_on],
            defer_rollups=True,
        )
        self._sweeper: asyncio.Task[None] | None = None
        self._folder: asyncio.Task[None] | None = None
        self._fold_running: asyncio.Future[None] | None = None

    def _judge(self, connection: sa.Connection, result: IntakeResult) -> None:
        result.alert_changes = judge_batch(connection, self.context, result.observations)
        notify(connection, result.alert_changes, result.observations)

    def _hand_on(self, result: IntakeResult) -> None:
        self._stored.set()
        self._deliver(result.alert_changes)

    def _deliver(self, changes: list[AlertChange]) -> None:
        if not changes:
            return
        for sink in self.sinks:
            try:
                sink(changes)
            except Exception:  # a sink's fault never undoes what is stored
                log.exception("告警下发失败 / alert sink failed")

    def sweep_once(self, now_utc: dt.datetime | None = None) -> list[AlertChange]:
        """Open the disconnection alerts due at ``now_utc`` (default now), announce them."""
        with self.engine.begin() as connection:
            set_actor(connection, HJ212_ACTOR)
            changes = sweep(connection, now_utc or dt.datetime.now(dt.UTC))
            notify(connection, changes, NO_VALUES)
        self._deliver(changes)
        return changes

    def fold_once(self) -> tuple[int, int]:
        """Bring the rollups up to the stored values (:func:`monitoring.rollups.fold`)."""
        self._stored.clear()
        folded = rollups.fold(self.engine)
        self.folds += 1
        return folded

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Start the listener, the periodic sweep and the rollups' folding; the bound
        (host, port)."""
        self._stored.set()  # what a listener stopped before its fold left queued
        bound = await self.listener.start(host, port)
        self._sweeper = asyncio.create_task(self._sweep_forever())
        self._folder = asyncio.create_task(self._fold_forever())
        return bound

    def _fold_logged(self) -> None:
        try:
            self.fold_once()
        except sa.exc.DBAPIError as exc:  # tried again after the next batch
            self._stored.set()
            log.warning("汇总更新失败 / rollups not folded: %s", exc)

    async def _fold_forever(self) -> None:
        while True:
            if self._stored.is_set():
                # shielded: a stop waits for a fold under way rather than leave it running
                self._fold_running = asyncio.ensure_future(asyncio.to_thread(self._fold_logged))
                await asyncio.shield(self._fold_running)
            await asyncio.sleep(self.rollup_every_s)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.sweep_once)
            except sa.exc.OperationalError as exc:
                log.warning("断线检查失败 / disconnection sweep failed: %s", exc)
            await asyncio.sleep(self.sweep_every_s)

    async def stop(self) -> None:
        """Stop the sweep, the folding and the listener, then fold what its last batches
        queued."""
        for task in (self._sweeper, self._folder):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.listener.stop()
        if self._fold_running is not None:
            await self._fold_running
        await asyncio.to_thread(self._fold_logged)
