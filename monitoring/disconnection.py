"""Disconnection (断线, Jiangsu 8.1): a station silent past its offline threshold.

The thresholds are today's :data:`monitoring.quality.status.OFFLINE_AFTER` (three missed
reporting cycles of the station type); stations sampled by hand (groundwater, soil, noise) have
no fixed cycle and are not swept. A station that never sent anything is "no data", not
disconnected. The alert opens at the station's last data time and closes when a value of the
station arrives (:mod:`monitoring.judging`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from monitoring.alerts import AlertChange, active_alerts, open_alert
from monitoring.quality.status import OFFLINE_AFTER


def sweep(connection: sa.Connection, now_utc: dt.datetime) -> list[AlertChange]:
    """Open a disconnection alert for every automatic station silent past its threshold."""
    types = sorted(OFFLINE_AFTER)
    rows = connection.execute(
        sa.text(
            "SELECT s.code, s.name, s.type, latest.time FROM stations s"
            " CROSS JOIN LATERAL (SELECT max(o.time) AS time FROM observations o"
            "  WHERE o.station_code = s.code) latest"
            " WHERE s.type = ANY(:types) AND latest.time IS NOT NULL"
        ),
        {"types": types},
    ).all()
    active = active_alerts(connection, [r.code for r in rows])
    changes = []
    for code, name, kind, latest in rows:
        threshold = OFFLINE_AFTER[kind]
        if pd.Timestamp(now_utc) - pd.Timestamp(latest) <= threshold:
            continue
        if ("disconnection", code, "station") in active:
            continue
        hours = threshold / pd.Timedelta(hours=1)
        changes.append(
            open_alert(
                connection,
                {
                    "kind": "disconnection",
                    "station": code,
                    "subject": "station",
                    "opened_at": latest,
                    "last_time": latest,
                    "message_zh": f"{name} 超过{hours:g}小时无数据（断线）",
                    "message_en": f"{code} sent no data for over {hours:g} h (disconnected)",
                },
            )
        )
    return changes
