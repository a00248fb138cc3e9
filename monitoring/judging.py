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
from monitoring.quality.judge import DEFAULT_ZONE, SAMPLE_TYPES
from monitoring.quality.limits import DEFAULT_STANDARDS, LIMIT_COLUMNS, read_limits
from monitoring.verdicts import WINDOWS, limit_frame, verdicts, window_means, windows_closed

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
        #: The limit rows as :func:`monitoring.verdicts.limit_frame` gives them, and each row's
        #: :class:`Limit` by its ``limit_row``.
        self.limit_frame = limit_frame(read_limit_rows_empty())
        self.limit_rows: list[Limit] = []

    def current(self) -> JudgingContext:
        with self._lock:
            if time.monotonic() - self._read_at >= self.refresh_s:
                with self.engine.connect() as connection:
                    self.stations = read_station_rules(connection)
                    limits = read_limits(connection)
                self._limits = index_limits(limits)
                self.limit_frame = limit_frame(limits)
                self.limit_rows = [_limit_of(r) for r in limits.itertuples(index=False)]
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


def _limit_of(r: Any) -> Limit:
    unit = r.unit if isinstance(r.unit, str) else ""
    return Limit(float(r.limit_value), r.bound, unit, r.valid_from.date(), r.valid_to.date())


def read_limit_rows_empty() -> pd.DataFrame:
    """No limit rows, shaped as :func:`read_limits` gives them (before the first read)."""
    frame = pd.DataFrame(columns=LIMIT_COLUMNS)
    frame["limit_value"] = frame["limit_value"].astype(float)
    return frame


def index_limits(limits: pd.DataFrame) -> dict[tuple[str, str, str, str], list[Limit]]:
    """Limit rows by (standard, class, parameter, period), for a lookup per value."""
    index: dict[tuple[str, str, str, str], list[Limit]] = {}
    for r in limits.itertuples(index=False):
        key = (r.standard, r.quality_class, r.parameter, r.period)
        index.setdefault(key, []).append(_limit_of(r))
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
        self,
        rule: StationRule,
        parameter: str,
        when: dt.datetime,
        period: str,
        limit: Limit,
        value: float,
    ) -> None:
        """A value (or window mean) at ``when`` beyond ``limit``: open or extend the
        exceedance."""
        subject = f"{parameter}/{period}/{limit.bound}"
        alert = self._alert("exceedance", rule.code, subject)
        if alert is not None:
            if alert.last_time is None or when >= alert.last_time:
                extend_alert(alert, last_time=when, value=value)
            return
        zh, en = _name(parameter)
        unit = limit.unit
        side_zh, side_en = ("低于", "below") if limit.bound == "lower" else ("超过", "above")
        self._pend(
            {
                "kind": "exceedance",
                "station": rule.code,
                "subject": subject,
                "parameter": parameter,
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
    """Judge the values just stored (in the same transaction); the alert changes.

    In time order, as a device sends them: the device flags first (anomalies opened, extended
    and closed), then each normal value against the limits of its period, then the averaged
    windows the batch closes. Which values are beyond which limit is found for the whole batch
    at once (:mod:`monitoring.verdicts`); only those that can change an alert go one by one.
    """
    if observations.empty:
        return []
    context = context.current()
    frame = observations.sort_values("time", kind="stable")
    judge = BatchJudge(connection, context, frame["station_code"].unique().tolist())
    for station, latest in frame.groupby("station_code")["time"].max().items():
        judge.station_heard(str(station), latest.to_pydatetime())
    rows, stamps = _judged_rows(frame, context)
    if rows.empty:
        return judge.flush()
    _judge_flags(judge, context, rows, stamps)
    normal = rows[(rows["flag"] == "N").to_numpy()]
    _apply(judge, context, normal, stamps)
    windows = windows_closed(normal, context.limit_frame)
    if not windows.empty:
        counts, means = window_means(connection, windows)
        enough = counts >= windows["period"].map(lambda p: WINDOWS[p][1]).to_numpy()
        closed = windows.assign(value=means)[enough & ~np.isnan(means)]
        _apply(judge, context, closed, stamps)
    return judge.flush()


def _judged_rows(
    frame: pd.DataFrame, context: JudgingContext
) -> tuple[pd.DataFrame, list[dt.datetime]]:
    """The batch's values at stations with a rule, with their rule's standard, class and
    period, their local day and hour, ``order`` (their place in time order) and
    ``time_code``: their time is ``stamps[time_code]``, the batch's distinct times (kept out
    of the frame: a column of datetime objects is parsed again by pandas)."""
    rules = context.stations
    station = frame["station_code"]
    known = station.isin(rules.keys()).to_numpy(dtype=bool)
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    keep = known & ~np.isnan(value)
    rows = frame[keep].copy()
    rows["value"] = value[keep]
    rows["order"] = np.arange(len(rows))
    codes = rows["station_code"]
    rows["standard"] = codes.map({c: r.standard for c, r in rules.items()})
    rows["quality_class"] = codes.map({c: r.quality_class for c, r in rules.items()})
    sampled = codes.map({c: r.type in SAMPLE_TYPES for c, r in rules.items()})
    rows["period"] = np.where(sampled.to_numpy(dtype=bool), "sample", "1h")
    rows["unit"] = rows["unit"].where(rows["unit"].map(lambda u: isinstance(u, str)), "")
    rows["flag"] = rows["flag"].where(rows["flag"].map(lambda f: isinstance(f, str)), "N")
    # a batch holds few distinct times: each is converted once
    time_codes, times = pd.factorize(rows["time"])
    index = pd.DatetimeIndex(times)
    local = index.tz_convert(context.zone)
    rows["local_day"] = (
        local.tz_localize(None).normalize().to_numpy(dtype="datetime64[D]")[time_codes]
    )
    rows["local_hour"] = local.hour.to_numpy()[time_codes]
    rows["time_code"] = time_codes
    return rows, list(index.to_pydatetime())


def _judge_flags(
    judge: BatchJudge, context: JudgingContext, rows: pd.DataFrame, stamps: list[dt.datetime]
) -> None:
    """Device flags: a flagged value opens or extends its anomaly; a normal value of a station
    with an anomaly closes its parameter's (in time order, as they interleave)."""
    flagged = (rows["flag"] != "N").to_numpy()
    stations = set(rows["station_code"][flagged]) | judge.anomalous
    if not stations:
        return
    subset = rows[rows["station_code"].isin(stations).to_numpy()]
    for station, code, parameter, number, unit, flag, local_day, local_hour in zip(
        subset["station_code"], subset["time_code"], subset["parameter"], subset["value"],
        subset["unit"], subset["flag"], subset["local_day"], subset["local_hour"], strict=True,
    ):  # fmt: skip
        rule, stamp = context.stations[station], stamps[code]
        if flag != "N":
            day = pd.Timestamp(local_day).date()
            judge.anomaly(
                rule, Value(station, stamp, parameter, float(number), unit, flag, day, local_hour)
            )
        elif station in judge.anomalous:  # a normal value ends its parameter's anomalies
            for device_flag in FLAG_TITLES:
                judge.within(station, f"{parameter}/{device_flag}", stamp)


def _apply(
    judge: BatchJudge, context: JudgingContext, values: pd.DataFrame, stamps: list[dt.datetime]
) -> None:
    """Judge ``values`` (rows as :func:`_judged_rows` gives them, ``period`` the limits'
    period) against the limits in force: open, extend or close exceedances in order."""
    active = {
        (station, subject)
        for (kind, station, subject), alert in judge.active.items()
        if kind == "exceedance" and alert.state != "closed"
    }
    found = verdicts(values, context.limit_frame, active)
    if found.empty:
        return
    for station, code, parameter, period, limit_row, scaled, beyond, subject in zip(
        found["station_code"], found["time_code"], found["parameter"], found["period"],
        found["limit_row"], found["scaled"], found["beyond"], found["subject"], strict=True,
    ):  # fmt: skip
        stamp = stamps[code]
        if beyond:
            limit = context.limit_rows[limit_row]
            rule = context.stations[station]
            judge.beyond(rule, parameter, stamp, period, limit, float(scaled))
        else:
            judge.within(station, subject, stamp)
