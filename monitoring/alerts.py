"""The ``alerts`` layer's rows: open, update, close and acknowledge, each change recorded.

An alert is identified by (kind, station, subject) while it is active (open or acknowledged):
a second exceedance of the same parameter, period and bound extends the active alert rather
than opening another. A change is returned as an :class:`AlertChange` for the event stream and
the notifications; the table's audit trigger records each row's before and after.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from monitoring.errors import AlertNotFoundError, AlertStateError

ACTIVE_STATES = ("open", "acknowledged")


@dataclass(frozen=True)
class AlertChange:
    """One alert opened, updated, acknowledged or closed (``change``), with its row."""

    change: str
    alert_id: int
    kind: str
    station_code: str
    row: dict[str, Any] = field(default_factory=dict)


@dataclass
class ActiveAlert:
    """An open or acknowledged alert, as the judging keeps it during a batch."""

    id: int
    kind: str
    station_code: str
    subject: str
    state: str
    last_time: dt.datetime | None
    peak: float | None
    bound: str | None
    value: float | None = None
    #: Extended in this batch and not yet written (:func:`flush_extended`).
    dirty: bool = False
    #: Opened in this batch (its change is "opened", not "updated").
    new: bool = False
    #: The columns of an alert opened in this batch and not yet inserted (:func:`open_alerts`).
    params: dict[str, Any] | None = None
    closed_at: dt.datetime | None = None


def active_alerts(
    connection: sa.Connection, stations: Iterable[str] | None = None
) -> dict[tuple[str, str, str], ActiveAlert]:
    """Active alerts by (kind, station, subject), of ``stations`` (all when None)."""
    query = (
        "SELECT id, kind, station_code, subject, state, last_time, peak, bound FROM alerts"
        " WHERE state IN ('open', 'acknowledged')"
    )
    params: dict[str, Any] = {}
    if stations is not None:
        query += " AND station_code = ANY(:stations)"
        params["stations"] = sorted(set(stations))
    rows = connection.execute(sa.text(query), params)
    return {(r.kind, r.station_code, r.subject): ActiveAlert(*r) for r in rows}


_OPEN = sa.text(
    "INSERT INTO alerts (kind, state, station_code, subject, parameter, period, opened_at,"
    " last_time, value, peak, limit_value, bound, unit, standard, quality_class, flag,"
    " message_zh, message_en, credit_code, updated_at, geom)"
    " SELECT :kind, 'open', s.code, :subject, :parameter, :period, :opened_at, :last_time,"
    " :value, :peak, :limit_value, :bound, :unit, :standard, :quality_class, :flag,"
    " :message_zh, :message_en, :credit_code, now(), s.geom FROM stations s WHERE s.code = :station"
    " ON CONFLICT (kind, station_code, subject, opened_at) DO UPDATE SET state = 'open',"
    " closed_at = NULL, last_time = EXCLUDED.last_time, value = EXCLUDED.value,"
    " updated_at = now()"
    " RETURNING id"
)
_COLUMNS = (
    "id, kind, state, station_code, subject, parameter, period, opened_at, last_time,"
    " closed_at, value, peak, limit_value, bound, unit, standard, quality_class, flag,"
    " message_zh, message_en, credit_code, acknowledged_by, acknowledged_at, updated_at,"
    " ST_X(geom) AS lon, ST_Y(geom) AS lat"
)


_OPEN_MANY = sa.text(
    "INSERT INTO alerts (kind, state, station_code, subject, parameter, period, opened_at,"
    " last_time, closed_at, value, peak, limit_value, bound, unit, standard, quality_class,"
    " flag, message_zh, message_en, credit_code, updated_at, geom)"
    " SELECT r.kind, r.state, s.code, r.subject, r.parameter, r.period, r.opened_at,"
    " r.last_time, r.closed_at, r.value, r.peak, r.limit_value, r.bound, r.unit, r.standard,"
    " r.quality_class, r.flag, r.message_zh, r.message_en, r.credit_code, now(), s.geom"
    " FROM json_to_recordset(CAST(:rows AS json)) AS r(kind text, state text, station text,"
    " subject text, parameter text, period text, opened_at timestamptz, last_time timestamptz,"
    " closed_at timestamptz, value float8, peak float8, limit_value float8, bound text,"
    " unit text, standard text, quality_class text, flag text, message_zh text,"
    " message_en text, credit_code text)"
    " JOIN stations s ON s.code = r.station"
    " ON CONFLICT (kind, station_code, subject, opened_at) DO UPDATE SET"
    " state = EXCLUDED.state, closed_at = EXCLUDED.closed_at, last_time = EXCLUDED.last_time,"
    " value = EXCLUDED.value, peak = EXCLUDED.peak, updated_at = now()"
    " RETURNING id, kind, station_code, subject, opened_at"
)
_OPEN_FIELDS = (
    "parameter", "period", "limit_value", "bound", "unit", "standard", "quality_class", "flag",
    "message_zh", "message_en", "credit_code",
)  # fmt: skip


def open_alerts(connection: sa.Connection, pending: list[ActiveAlert]) -> list[AlertChange]:
    """Insert the alerts a batch opened (one statement), with their final values; an
    "opened" change for each, and a "closed" one for those closed again in the batch."""
    if not pending:
        return []
    rows = []
    for alert in pending:
        assert alert.params is not None
        row = {name: alert.params.get(name) for name in _OPEN_FIELDS}
        row.update(
            kind=alert.kind, state="closed" if alert.state == "closed" else "open",
            station=alert.station_code, subject=alert.subject,
            opened_at=alert.params["opened_at"].isoformat(),
            last_time=alert.last_time.isoformat() if alert.last_time else None,
            closed_at=alert.closed_at.isoformat() if alert.closed_at else None,
            value=alert.value, peak=alert.peak,
        )  # fmt: skip
        rows.append(row)
    result = connection.execute(_OPEN_MANY, {"rows": json.dumps(rows, ensure_ascii=False)})
    ids = {(r.kind, r.station_code, r.subject, r.opened_at): r.id for r in result}
    changes = []
    for alert in pending:
        assert alert.params is not None
        key = (alert.kind, alert.station_code, alert.subject, alert.params["opened_at"])
        if key not in ids:
            continue  # a station removed meanwhile
        alert.id, alert.params, alert.dirty = int(ids[key]), None, False
        changes.append(AlertChange("opened", alert.id, alert.kind, alert.station_code))
        if alert.state == "closed":
            changes.append(AlertChange("closed", alert.id, alert.kind, alert.station_code))
    return changes


def alert_row(connection: sa.Connection, alert_id: int) -> dict[str, Any] | None:
    """One alert as a dict (times as ISO text, ``lon``/``lat`` of its station)."""
    row = (
        connection.execute(
            sa.text(f"SELECT {_COLUMNS} FROM alerts WHERE id = :id"), {"id": alert_id}
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()}


def alert_rows(connection: sa.Connection, alert_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The alerts ``alert_ids`` as :func:`alert_row` gives each, read in one query."""
    if not alert_ids:
        return {}
    rows = connection.execute(
        sa.text(f"SELECT {_COLUMNS} FROM alerts WHERE id = ANY(:ids)"), {"ids": alert_ids}
    ).mappings()
    return {
        int(row["id"]): {
            k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()
        }
        for row in rows
    }


def open_alert(connection: sa.Connection, values: dict[str, Any]) -> AlertChange:
    """Insert an open alert (``values``: the columns of :data:`_OPEN`, missing ones None)."""
    names = (
        "parameter",
        "period",
        "last_time",
        "value",
        "peak",
        "limit_value",
        "bound",
        "unit",
        "standard",
        "quality_class",
        "flag",
        "message_zh",
        "message_en",
        "credit_code",
    )
    params: dict[str, Any] = dict.fromkeys(names)
    params.update(values)
    alert_id = int(connection.execute(_OPEN, params).scalar_one())
    return AlertChange("opened", alert_id, params["kind"], params["station"])


def extend_alert(alert: ActiveAlert, *, last_time: dt.datetime, value: float | None) -> None:
    """A further value beyond the limit (or a further flagged value): latest value and peak,
    kept in memory until :func:`flush_extended` writes every extended alert of the batch."""
    if value is not None:
        if alert.peak is None:
            alert.peak = value
        else:
            alert.peak = (
                min(alert.peak, value) if alert.bound == "lower" else max(alert.peak, value)
            )
    alert.last_time, alert.value, alert.dirty = last_time, value, True


def flush_extended(connection: sa.Connection, alerts: Iterable[ActiveAlert]) -> list[AlertChange]:
    """Write the alerts extended in a batch (one statement); an "updated" change for each
    that was not opened in the batch and is still active."""
    dirty = [a for a in alerts if a.dirty and a.params is None]
    if not dirty:
        return []
    connection.execute(
        sa.text(
            "UPDATE alerts a SET last_time = u.last_time, value = u.value, peak = u.peak,"
            " updated_at = now() FROM unnest(CAST(:ids AS bigint[]),"
            " CAST(:last_times AS timestamptz[]), CAST(:values AS float8[]),"
            " CAST(:peaks AS float8[])) AS u(id, last_time, value, peak) WHERE a.id = u.id"
        ),
        {
            "ids": [a.id for a in dirty],
            "last_times": [a.last_time for a in dirty],
            "values": [a.value for a in dirty],
            "peaks": [a.peak for a in dirty],
        },
    )
    changes = [
        AlertChange("updated", a.id, a.kind, a.station_code)
        for a in dirty
        if not a.new and a.state != "closed"
    ]
    for a in dirty:
        a.dirty = False
    return changes


def close_alerts(
    connection: sa.Connection, closing: list[tuple[ActiveAlert, dt.datetime]]
) -> list[AlertChange]:
    """:func:`close_alert` for several alerts in one statement, in order."""
    if not closing:
        return []
    connection.execute(
        sa.text(
            "UPDATE alerts a SET state = 'closed', closed_at = u.closed_at, updated_at = now()"
            " FROM unnest(CAST(:ids AS bigint[]), CAST(:times AS timestamptz[]))"
            " AS u(id, closed_at) WHERE a.id = u.id"
        ),
        {"ids": [a.id for a, _ in closing], "times": [t for _, t in closing]},
    )
    for alert, _ in closing:
        alert.state = "closed"
    return [AlertChange("closed", a.id, a.kind, a.station_code) for a, _ in closing]


def close_alert(
    connection: sa.Connection, alert: ActiveAlert, closed_at: dt.datetime
) -> AlertChange:
    """Close an active alert at data time ``closed_at`` (the value back within the limit, the
    flag back to normal, the station heard from again)."""
    connection.execute(
        sa.text(
            "UPDATE alerts SET state = 'closed', closed_at = :closed_at, updated_at = now()"
            " WHERE id = :id"
        ),
        {"id": alert.id, "closed_at": closed_at},
    )
    alert.state = "closed"
    return AlertChange("closed", alert.id, alert.kind, alert.station_code)


def acknowledge(
    connection: sa.Connection, alert_id: int, login: str, *, owners: tuple[str, ...] | None
) -> AlertChange:
    """Mark an alert acknowledged by ``login`` now. ``owners``: the credit codes the user may
    write (None: any alert), from the policy's write scope."""
    row = connection.execute(
        sa.text(
            "SELECT state, kind, station_code, credit_code FROM alerts WHERE id = :id FOR UPDATE"
        ),
        {"id": alert_id},
    ).first()
    if row is None or (owners is not None and row.credit_code not in owners):
        raise AlertNotFoundError(f"没有告警 {alert_id} / no alert {alert_id}")
    if row.state == "closed":
        raise AlertStateError(f"告警 {alert_id} 已关闭 / alert {alert_id} is closed already")
    if row.state == "acknowledged":
        raise AlertStateError(f"告警 {alert_id} 已确认 / alert {alert_id} is acknowledged already")
    connection.execute(
        sa.text(
            "UPDATE alerts SET state = 'acknowledged', acknowledged_by = :login,"
            " acknowledged_at = now(), updated_at = now() WHERE id = :id"
        ),
        {"id": alert_id, "login": login},
    )
    return AlertChange("acknowledged", alert_id, row.kind, row.station_code)
