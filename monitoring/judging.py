"""Judging each stored value on arrival: exceedances and device anomalies become alerts.

Which limit: the station's type gives its standard and class
(:data:`monitoring.quality.limits.DEFAULT_STANDARDS`), except a surface-water station, judged by
the ``target_class`` of the river it stands on (the nearest river within
:data:`RIVER_RADIUS_M`; class III without one). Hourly stations' values are judged against the
1 h limit, sampled stations' (:data:`monitoring.quality.judge.SAMPLE_TYPES`) against the
single-sample one; the limit row is the one in force on the value's local date. Averaged
limits are judged when their window closes, reading the earlier hours from ``observations``: a
24 h mean when a day's last hour (23:00 local) arrives, an 8 h mean at every hour (GB 3095
Table 4 validity: 20 hours a day, 6 of 8; fewer and the window is not judged).

Device data flags (HJ 212-2017 6.6.4: F stopped, M maintenance, S manual, D fault, C
calibration, T over range, B communication failure) open an anomaly alert per parameter and
flag; flagged values are not judged against limits (GB 3095 averages only normal data). A
normal value of the parameter closes it, and any value of a station closes its disconnection.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from layers.parameters import BY_CODE
from monitoring.alerts import (
    ActiveAlert,
    AlertChange,
    active_alerts,
    close_alerts,
    extend_alert,
    flush_extended,
    open_alerts,
)
from monitoring.quality.averaging import MIN_HOURS_PER_8H, MIN_HOURS_PER_DAY
from monitoring.quality.judge import DEFAULT_ZONE, SAMPLE_TYPES
from monitoring.quality.limits import DEFAULT_STANDARDS, read_limits, unit_factor

#: How far a surface-water station may stand from its river's line.
RIVER_RADIUS_M = 1000.0
#: How far a source-online station may stand from the outfall whose enterprise it watches.
OUTFALL_RADIUS_M = 50.0
FLAG_TITLES = {
    "F": ("停运", "stopped"),
    "M": ("维护", "maintenance"),
    "S": ("手工输入", "manual input"),
    "D": ("故障", "fault"),
    "C": ("校准", "calibration"),
    "T": ("超测上限", "over range"),
    "B": ("通讯异常", "communication failure"),
}
#: Averaged periods judged when their window closes: (hours, minimum valid hours).
WINDOWS = {"8h": (8, MIN_HOURS_PER_8H), "24h": (24, MIN_HOURS_PER_DAY)}


@dataclass(frozen=True)
class StationRule:
    """How one station is judged."""

    code: str
    name: str
    type: str
    standard: str | None
    quality_class: str | None
    credit_code: str | None


class JudgingContext:
    """Stations' rules and the limits, read from the database and reread every ``refresh_s``."""

    def __init__(self, engine: sa.Engine, refresh_s: float = 30.0, zone: str = DEFAULT_ZONE):
        self.engine = engine
        self.refresh_s = refresh_s
        self.zone = zone
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self.stations: dict[str, StationRule] = {}
        self._limits: dict[tuple[str, str, str, str], list[Limit]] = {}

    def current(self) -> JudgingContext:
        with self._lock:
            if time.monotonic() - self._read_at >= self.refresh_s:
                with self.engine.connect() as connection:
                    self.stations = read_station_rules(connection)
                    self._limits = index_limits(read_limits(connection))
                self._read_at = time.monotonic()
        return self

    def limits_for(self, rule: StationRule, parameter: str, period: str) -> list[Limit]:
        """The limit rows (every edition and bound) judging ``parameter`` at the station."""
        if rule.standard is None or rule.quality_class is None:
            return []
        return self._limits.get((rule.standard, rule.quality_class, parameter, period), [])


@dataclass(frozen=True)
class Limit:
    """One limit row: value, bound, unit and the local dates it is in force."""

    limit_value: float
    bound: str
    unit: str
    valid_from: dt.date
    valid_to: dt.date


def index_limits(limits: pd.DataFrame) -> dict[tuple[str, str, str, str], list[Limit]]:
    """Limit rows by (standard, class, parameter, period), for a lookup per value."""
    index: dict[tuple[str, str, str, str], list[Limit]] = {}
    for r in limits.itertuples(index=False):
        key = (r.standard, r.quality_class, r.parameter, r.period)
        unit = r.unit if isinstance(r.unit, str) else ""
        index.setdefault(key, []).append(
            Limit(float(r.limit_value), r.bound, unit, r.valid_from.date(), r.valid_to.date())
        )
    return index


def read_station_rules(connection: sa.Connection) -> dict[str, StationRule]:
    """Each station's standard and class, its river's target class, its enterprise."""
    rows = connection.execute(
        sa.text(
            "SELECT s.code, s.name, s.type, r.target_class, o.credit_code FROM stations s"
            " LEFT JOIN LATERAL (SELECT target_class FROM rivers r WHERE s.type = 'surface_water'"
            "  AND r.target_class IS NOT NULL"
            "  AND ST_DWithin(r.geom::geography, s.geom::geography, :river_m)"
            "  ORDER BY r.geom::geography <-> s.geom::geography LIMIT 1) r ON true"
            " LEFT JOIN LATERAL (SELECT credit_code FROM outfalls o WHERE s.type = 'source_online'"
            "  AND ST_DWithin(o.geom::geography, s.geom::geography, :outfall_m)"
            "  ORDER BY o.geom::geography <-> s.geom::geography LIMIT 1) o ON true"
        ),
        {"river_m": RIVER_RADIUS_M, "outfall_m": OUTFALL_RADIUS_M},
    )
    rules = {}
    for code, name, kind, target_class, credit_code in rows:
        standard, quality_class = DEFAULT_STANDARDS.get(kind, (None, None))
        if kind == "surface_water" and target_class:
            quality_class = target_class
        rules[code] = StationRule(code, name, kind, standard, quality_class, credit_code)
    return rules


def _name(parameter: str) -> tuple[str, str]:
    p = BY_CODE.get(parameter)
    return (p.zh, p.en) if p is not None else (parameter, parameter)


@dataclass(frozen=True)
class Value:
    """One stored value being judged."""

    station_code: str
    time: dt.datetime
    parameter: str
    value: float
    unit: str
    flag: str
    local_date: dt.date
    local_hour: int


class BatchJudge:
    """Judges one committed-to-be batch inside its transaction; collects the changes."""

    def __init__(self, connection: sa.Connection, context: JudgingContext, stations: list[str]):
        self.connection = connection
        self.context = context
        self.active = active_alerts(connection, stations)
        self.changes: list[AlertChange] = []
        #: Stations with an active anomaly: only their normal values can close one.
        self.anomalous = {station for kind, station, _ in self.active if kind == "anomaly"}

        #: Alerts opened in this batch, inserted together by :meth:`flush`.
        self.pending: list[ActiveAlert] = []
        #: Alerts closed in this batch (with the data time), written together by flush.
        self.closing: list[tuple[ActiveAlert, dt.datetime]] = []
        #: unit_factor of each (value unit, limit unit) pair met in the batch
        self._factors: dict[tuple[str, str], float] = {}

    def _alert(self, kind: str, station: str, subject: str) -> ActiveAlert | None:
        alert = self.active.get((kind, station, subject))
        return alert if alert is not None and alert.state != "closed" else None

    def _pend(self, params: dict[str, Any]) -> None:
        """Open an alert: kept in memory (with its later values) until :meth:`flush`."""
        alert = ActiveAlert(
            0, params["kind"], params["station"], params["subject"], "open",
            params["last_time"], params.get("peak"), params.get("bound"), params.get("value"),
            new=True, params=params,
        )  # fmt: skip
        self.pending.append(alert)
        self.active[(alert.kind, alert.station_code, alert.subject)] = alert

    def _close(self, alert: ActiveAlert, when: dt.datetime) -> None:
        if alert.params is not None:  # opened in this batch: inserted closed
            alert.state, alert.closed_at = "closed", when
        else:  # written by flush, with the batch's other closes
            alert.state = "closed"
            self.closing.append((alert, when))

    def flush(self) -> list[AlertChange]:
        """Write the batch's new and extended alerts; every change of the batch."""
        self.changes += close_alerts(self.connection, self.closing)
        self.closing = []
        opened = open_alerts(self.connection, self.pending)
        self.pending = []
        return self.changes + opened + flush_extended(self.connection, self.active.values())

    def beyond(
        self, rule: StationRule, row: Value, period: str, limit: Limit, value: float
    ) -> None:
        """A value (or window mean) beyond ``limit``: open or extend the exceedance."""
        subject = f"{row.parameter}/{period}/{limit.bound}"
        when = row.time
        alert = self._alert("exceedance", rule.code, subject)
        if alert is not None:
            if alert.last_time is None or when >= alert.last_time:
                extend_alert(alert, last_time=when, value=value)
            return
        zh, en = _name(row.parameter)
        unit = limit.unit
        side_zh, side_en = ("低于", "below") if limit.bound == "lower" else ("超过", "above")
        self._pend(
            {
                "kind": "exceedance",
                "station": rule.code,
                "subject": subject,
                "parameter": row.parameter,
                "period": period,
                "opened_at": when,
                "last_time": when,
                "value": value,
                "peak": value,
                "limit_value": limit.limit_value,
                "bound": limit.bound,
                "unit": unit,
                "standard": rule.standard,
                "quality_class": rule.quality_class,
                "credit_code": rule.credit_code,
                "message_zh": f"{rule.name} {zh}{period}值{value:g}{unit}{side_zh}"
                f"{rule.standard} {rule.quality_class}类限值{limit.limit_value:g}{unit}",
                "message_en": f"{rule.code} {en} {period} value {value:g} {unit} is {side_en} "
                f"the {rule.standard} class {rule.quality_class} limit "
                f"{limit.limit_value:g} {unit}",
            },
        )

    def within(self, station: str, subject: str, when: dt.datetime) -> None:
        """A value within the limit (or a normal flag): close the active alert, if any."""
        for kind in ("exceedance", "anomaly"):
            alert = self._alert(kind, station, subject)
            if alert is not None and (alert.last_time is None or when >= alert.last_time):
                self._close(alert, when)

    def judge_value(self, rule: StationRule, row: Value, period: str, value: float) -> None:
        """Judge one value (or window mean) against every limit row in force for ``period``."""
        limits = self.context.limits_for(rule, row.parameter, period)
        if not limits:
            return
        local = row.local_date
        for limit in limits:
            if not limit.valid_from <= local <= limit.valid_to:
                continue
            units = (row.unit, limit.unit)
            factor = self._factors.get(units)
            if factor is None:
                factor = self._factors[units] = unit_factor(*units)
            if factor != factor:
                continue  # units the judgement cannot compare (NaN): not judged
            scaled = value * factor
            lower = limit.bound == "lower"
            if (scaled < limit.limit_value) if lower else (scaled > limit.limit_value):
                self.beyond(rule, row, period, limit, scaled)
            else:
                self.within(rule.code, f"{row.parameter}/{period}/{limit.bound}", row.time)

    def anomaly(self, rule: StationRule, row: Value) -> None:
        """A value with a device flag: open (or extend) the anomaly of its parameter."""
        flag = row.flag
        subject = f"{row.parameter}/{flag}"
        when = row.time
        alert = self._alert("anomaly", rule.code, subject)
        if alert is not None:
            if alert.last_time is None or when >= alert.last_time:
                extend_alert(alert, last_time=when, value=row.value)
            return
        zh, en = _name(row.parameter)
        flag_zh, flag_en = FLAG_TITLES.get(flag, (flag, flag))
        self._pend(
            {
                "kind": "anomaly",
                "station": rule.code,
                "subject": subject,
                "parameter": row.parameter,
                "opened_at": when,
                "last_time": when,
                "value": row.value,
                "unit": row.unit,
                "flag": flag,
                "credit_code": rule.credit_code,
                "message_zh": f"{rule.name} {zh}数据标记{flag}（{flag_zh}）",
                "message_en": f"{rule.code} {en} data flag {flag} ({flag_en})",
            },
        )
        self.anomalous.add(rule.code)

    def station_heard(self, station: str, when: dt.datetime) -> None:
        alert = self._alert("disconnection", station, "station")
        if alert is not None:
            self._close(alert, when)


def judge_batch(
    connection: sa.Connection, context: JudgingContext, observations: pd.DataFrame
) -> list[AlertChange]:
    """Judge the values just stored (in the same transaction); the alert changes."""
    if observations.empty:
        return []
    context = context.current()
    frame = observations.sort_values("time", kind="stable")
    judge = BatchJudge(connection, context, frame["station_code"].unique().tolist())
    for station, latest in frame.groupby("station_code")["time"].max().items():
        judge.station_heard(str(station), latest.to_pydatetime())
    windows: list[tuple[StationRule, Value, str, dt.datetime, dt.datetime]] = []
    # a batch holds few distinct times: each is converted once (per value, pandas' datetime
    # accessors were a third of the judging)
    codes, times = pd.factorize(frame["time"])
    local_times = pd.DatetimeIndex(times).tz_convert(context.zone)
    stamps = list(pd.DatetimeIndex(times).to_pydatetime())
    dates = [t.date() for t in local_times]
    hours = local_times.hour.tolist()
    columns = zip(
        frame["station_code"].tolist(), codes.tolist(), frame["parameter"].tolist(),
        frame["value"].tolist(), frame["unit"].tolist(), frame["flag"].tolist(), strict=True,
    )  # fmt: skip
    for station, code, parameter, number, unit, flag in columns:
        stamp, local_date, local_hour = stamps[code], dates[code], hours[code]
        rule = context.stations.get(station)
        if rule is None or number is None or np.isnan(number):
            continue
        row = Value(
            station,
            stamp,
            parameter,
            float(number),
            unit if isinstance(unit, str) else "",
            flag if isinstance(flag, str) else "N",
            local_date,
            int(local_hour),
        )
        if row.flag != "N":
            judge.anomaly(rule, row)
            continue
        if station in judge.anomalous:  # a normal value ends its parameter's anomalies
            for device_flag in FLAG_TITLES:
                judge.within(rule.code, f"{parameter}/{device_flag}", stamp)
        period = "sample" if rule.type in SAMPLE_TYPES else "1h"
        judge.judge_value(rule, row, period, row.value)
        if period == "1h":
            for averaged in WINDOWS:
                if not context.limits_for(rule, parameter, averaged):
                    continue
                span = window_of(row, averaged)
                if span is not None:
                    windows.append((rule, row, averaged, *span))
    means = window_means(connection, [(w[1], w[3], w[4]) for w in windows])
    for (rule, row, averaged, _, _), (count, mean) in zip(windows, means, strict=True):
        if mean is not None and count >= WINDOWS[averaged][1]:
            judge.judge_value(rule, row, averaged, mean)
    return judge.flush()


def window_of(row: Value, period: str) -> tuple[dt.datetime, dt.datetime] | None:
    """``[start, end)`` of the window ``period`` that the hour ``row`` closes; None when no
    window closes at this hour (a day is judged when its last local hour, 23:00, arrives)."""
    hours, _ = WINDOWS[period]
    if period == "24h" and row.local_hour != 23:
        return None
    end = row.time + dt.timedelta(hours=1)
    return end - dt.timedelta(hours=hours), end


def window_means(
    connection: sa.Connection, windows: list[tuple[Value, dt.datetime, dt.datetime]]
) -> list[tuple[int, float | None]]:
    """(valid hours, mean) of each window, read from ``observations`` in one query."""
    if not windows:
        return []
    rows = connection.execute(
        sa.text(
            "SELECT r.i, count(o.value), avg(o.value) FROM unnest(CAST(:stations AS text[]),"
            " CAST(:parameters AS text[]), CAST(:starts AS timestamptz[]),"
            " CAST(:ends AS timestamptz[])) WITH ORDINALITY AS r(s, p, a, b, i)"
            " LEFT JOIN observations o ON o.station_code = r.s AND o.parameter = r.p"
            " AND o.time >= r.a AND o.time < r.b AND o.value IS NOT NULL"
            " AND (o.flag IS NULL OR o.flag = 'N')"
            " GROUP BY r.i ORDER BY r.i"
        ),
        {
            "stations": [w[0].station_code for w in windows],
            "parameters": [w[0].parameter for w in windows],
            "starts": [w[1] for w in windows],
            "ends": [w[2] for w in windows],
        },
    ).all()
    return [(int(count), None if mean is None else float(mean)) for _, count, mean in rows]
