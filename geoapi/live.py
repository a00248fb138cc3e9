"""Live monitoring on the API: the ``/events`` stream and acknowledging an alert.

``GET /events`` is a Server-Sent Events stream (``text/event-stream``): on connect a
``snapshot`` of the active alerts, then ``alert`` events (opened, updated, acknowledged,
closed) and ``values`` events (a station's fresh values) as the listener commits them
(:mod:`monitoring.events`), each filtered for the user by the policy
(``accounts.policy.visible_fields``), and a comment line every :data:`HEARTBEAT_S`.

``POST …/collections/alerts/items/{id}/acknowledge`` marks an alert acknowledged by the
signed-in user: the guard asks the policy whether the user may write alerts at all, the
policy's write scope limits which alerts, and the audit trail records the change under
``user:LOGIN``.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, stream_with_context

from accounts import audit, policy
from accounts.principal import Principal
from geoapi.auth import current_principal
from geoapi.errors import Conflict, NotFound, error_response
from layers import BY_ID
from monitoring.alerts import acknowledge, alert_row
from monitoring.errors import AlertNotFoundError, AlertStateError
from monitoring.events import Event, EventHub, notify

HEARTBEAT_S = 15.0
#: The client's reconnection delay after a dropped stream (SSE ``retry:``).
RETRY_MS = 2000


def _sse(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _alert_for(principal: Principal, row: dict[str, Any]) -> dict[str, Any] | None:
    fields = policy.visible_fields(principal, BY_ID["alerts"], row)
    if fields is None:
        return None
    shown = {name: row.get(name) for name in fields}
    shown.update(id=row["id"], lon=row.get("lon"), lat=row.get("lat"))
    return shown


def filtered(principal: Principal, event: Event) -> dict[str, Any] | None:
    """What of ``event`` the user may see (None: nothing)."""
    if event.kind == "alert":
        alert = _alert_for(principal, event.data["alert"])
        return None if alert is None else {"change": event.data["change"], "alert": alert}
    if event.kind == "values":
        return event.data if policy.may_read(principal, BY_ID["observations"]) else None
    return None


def _snapshot(engine: sa.Engine, principal: Principal) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        ids = (
            connection.execute(
                sa.text("SELECT id FROM alerts WHERE state IN ('open', 'acknowledged') ORDER BY id")
            )
            .scalars()
            .all()
        )
        rows = [alert_row(connection, int(i)) for i in ids]
    shown = [_alert_for(principal, r) for r in rows if r is not None]
    return [a for a in shown if a is not None]


def install(app: Flask, engine: sa.Engine) -> None:
    """Add the ``/events`` stream and the acknowledge route to ``app``."""
    from geoapi.auth import forget

    hub = EventHub(engine)
    hub.on_forget(forget)  # a sign-out on another app server
    app.extensions["onemap_event_hub"] = hub

    @app.before_request
    def _listen() -> None:
        hub.start()  # once per process (a no-op while it runs): its cache follows the others

    mount = app.config["ONEMAP_MOUNT"]

    def events() -> Response:
        principal = current_principal()
        subscriber = hub.subscribe()
        hub.listening.wait(5)  # a page opened as the hub starts misses nothing after this

        def stream() -> Iterator[str]:
            try:
                yield f"retry: {RETRY_MS}\n\n"
                yield _sse("snapshot", {"alerts": _snapshot(engine, principal)})
                while True:
                    try:
                        event = subscriber.get(timeout=HEARTBEAT_S)
                    except queue.Empty:
                        yield ": heartbeat\n\n"
                        continue
                    if event is None:
                        return
                    shown = filtered(principal, event)
                    if shown is not None:
                        yield _sse(event.kind, shown)
            finally:
                hub.unsubscribe(subscriber)

        response = Response(stream_with_context(stream()), mimetype="text/event-stream")
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Accel-Buffering"] = "no"  # a proxy in front must not buffer it
        return response

    def acknowledge_alert(collection_id: str, item_id: int) -> Response:
        principal = current_principal()
        layer = BY_ID.get(collection_id)
        if layer is None or layer.id != "alerts":
            return error_response(
                NotFound(f"只有告警可以确认 / {collection_id} has no acknowledge")
            )
        scope = policy.write_scope(principal, layer)
        assert scope is not None and principal.login is not None  # the guard's check
        try:
            with engine.begin() as connection:
                audit.set_actor(connection, f"user:{principal.login}")
                change = acknowledge(connection, item_id, principal.login, owners=scope.owners)
                notify(connection, [change], _no_values())
                row = alert_row(connection, item_id)
        except AlertNotFoundError as exc:
            return error_response(NotFound(str(exc)))
        except AlertStateError as exc:
            return error_response(Conflict(str(exc)))
        assert row is not None
        body = json.dumps(_alert_for(principal, row), ensure_ascii=False, default=str)
        return Response(body, status=200, mimetype="application/json")

    app.add_url_rule("/events", "events", events, methods=["GET"])
    app.add_url_rule(
        mount + "/collections/<path:collection_id>/items/<int:item_id>/acknowledge",
        "alert_acknowledge",
        acknowledge_alert,
        methods=["POST"],
    )


def _no_values() -> Any:
    import pandas as pd

    return pd.DataFrame(columns=["station_code", "time", "parameter", "value", "unit", "flag"])
