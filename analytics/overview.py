"""The park at a glance (Jiangsu 7.8.1): the few figures a decision maker looks at first.

Read-only queries over the registry's tables, each answering one small JSON-ready dict for the
API's summary endpoints (geoapi/summary.py) and the page's overview panel:

* :func:`air_now` the latest hourly AQI per air station (stored by ``onemap quality --store``)
  and the park's worst, with its HJ 633 grade; the park's daily AQI of the last 30 days;
* :func:`exceedances_summary` today's and this month's exceedance events by medium (the type
  of their station), the daily event counts of the last 30 days, and the stations offline;
* :func:`enterprises_by_risk` the enterprises per HJ 941 risk level.

"Now" is the data's time: the newest ``latest_time`` of the stations (the time of the newest
reading the judgement saw), else the clock; the days are the park's local days
(:data:`monitoring.quality.judge.DEFAULT_ZONE`). The park's daily AQI is the worst (highest)
daily AQI of its air stations on that day, as the panel names it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from layers import get_layer
from monitoring import rollups
from monitoring.quality.aqi import daily_aqi, read_breakpoints
from monitoring.quality.judge import AIR_AQI_TYPES, DEFAULT_ZONE, averaged_series

TREND_DAYS = 30


@dataclass(frozen=True)
class Grade:
    """One AQI grade of HJ 633-2012 Table 2: upper AQI, level, titles, colour."""

    upper: int
    level: str
    zh: str
    en: str
    color: str


#: HJ 633-2012 Table 2 (AQI grades, their categories and colours, RGB as the table gives them).
GRADES = (
    Grade(50, "I", "优", "Excellent", "#00e400"),
    Grade(100, "II", "良", "Good", "#ffff00"),
    Grade(150, "III", "轻度污染", "Lightly polluted", "#ff7e00"),
    Grade(200, "IV", "中度污染", "Moderately polluted", "#ff0000"),
    Grade(300, "V", "重度污染", "Heavily polluted", "#99004c"),
    Grade(10**9, "VI", "严重污染", "Severely polluted", "#7e0023"),
)


def grade(aqi: int | None) -> dict[str, str] | None:
    """The HJ 633 grade of an AQI as ``{level, zh, en, color}``; None for no AQI."""
    if aqi is None:
        return None
    g = next(g for g in GRADES if aqi <= g.upper)
    return {"level": g.level, "zh": g.zh, "en": g.en, "color": g.color}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def as_of(connection: sa.Connection) -> dt.datetime:
    """The data's "now": the newest reading the stations' status was judged on, else the clock."""
    newest = connection.execute(sa.text("SELECT max(latest_time) FROM stations")).scalar()
    return newest if newest is not None else dt.datetime.now(dt.UTC)


def _local_days(now: dt.datetime, zone: str) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """The local midnight starting today, the first of this month, and the first trend day."""
    local = now.astimezone(ZoneInfo(zone))
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return today, today.replace(day=1), today - dt.timedelta(days=TREND_DAYS - 1)


def _choices(layer_id: str, field: str) -> dict[str, dict[str, str]]:
    choices = get_layer(layer_id).field(field).choices
    return {str(c.value): {"zh": c.zh, "en": c.en} for c in choices}


def air_now(engine: sa.Engine, zone: str = DEFAULT_ZONE) -> dict[str, Any]:
    """The latest hourly AQI of every air station, the park's worst, and the 30-day trend."""
    with engine.connect() as connection:
        now = as_of(connection)
        rows = connection.execute(
            sa.text(
                "SELECT code, name, aqi, aqi_time, primary_pollutant, status FROM stations"
                " WHERE type = ANY(:types) ORDER BY code"
            ),
            {"types": list(AIR_AQI_TYPES)},
        ).fetchall()
        _, _, first_day = _local_days(now, zone)
        # the trend's days: from the first day's local midnight to the end of today
        start = pd.Timestamp(first_day)
        end = pd.Timestamp(first_day + dt.timedelta(days=TREND_DAYS))
        # a month of minute data is 43,200 values per station and parameter: the hourly
        # rollups hold the same hourly means in a sixtieth of the rows
        observations = rollups.read_hourly(connection, start, end)
    stations = [
        {
            "code": r.code,
            "name": r.name,
            "aqi": r.aqi,
            "aqi_time": _iso(r.aqi_time),
            "primary_pollutant": r.primary_pollutant,
            "status": r.status,
            "grade": grade(r.aqi),
        }
        for r in rows
    ]
    rated = [s for s in stations if s["aqi"] is not None]
    worst = max(rated, key=lambda s: s["aqi"]) if rated else None
    return {
        "as_of": now.isoformat(),
        "stations": stations,
        "worst": worst,
        "daily": _park_daily_aqi(observations, [r.code for r in rows], first_day, zone),
    }


def _park_daily_aqi(
    observations: pd.DataFrame, air: list[str], first_day: dt.datetime, zone: str
) -> list[dict[str, Any]]:
    """Per local day of the trend, the worst daily AQI of the air stations (None: no AQI)."""
    days = [(first_day + dt.timedelta(days=k)).date() for k in range(TREND_DAYS)]
    worst: dict[dt.date, int] = {}
    observations = observations[observations["station_code"].isin(air)]
    if not observations.empty:
        stations = pd.DataFrame({"code": air, "type": AIR_AQI_TYPES[0]})
        series = averaged_series(observations, stations, zone)
        inputs = {"daily": series["24h"], "max_1h": series["max_1h"], "max_8h": series["8h"]}
        aqi = daily_aqi(inputs, read_breakpoints()).dropna(subset=["aqi"])
        if not aqi.empty:
            by_day = aqi.groupby(pd.to_datetime(aqi["date"]).dt.date)["aqi"].max()
            worst = {day: int(value) for day, value in by_day.items()}
    return [
        {"date": day.isoformat(), "aqi": worst.get(day), "grade": grade(worst.get(day))}
        for day in days
    ]


EXCEEDANCES_SQL = sa.text(
    """
    SELECT s.type AS medium,
           count(*) FILTER (WHERE e.start_time >= :today) AS today,
           count(*) FILTER (WHERE e.start_time >= :month) AS month
    FROM exceedances e JOIN stations s ON s.code = e.station_code
    WHERE e.start_time >= least(:month, :today) AND e.start_time <= :now
    GROUP BY s.type
    """
)
#: Events per local day of the trend (days without events as 0).
DAILY_EXCEEDANCES_SQL = sa.text(
    """
    SELECT d::date AS day, count(e.id) AS events
    FROM generate_series(CAST(:first AS timestamp), CAST(:last AS timestamp), interval '1 day') d
    LEFT JOIN exceedances e
      ON (e.start_time AT TIME ZONE :zone) >= d
     AND (e.start_time AT TIME ZONE :zone) < d + interval '1 day'
     AND e.start_time <= :now
    GROUP BY d ORDER BY d
    """
)
STATIONS_SQL = sa.text(
    "SELECT type, count(*) AS stations, count(*) FILTER (WHERE status = 'offline') AS offline"
    " FROM stations GROUP BY type ORDER BY type"
)


def exceedances_summary(engine: sa.Engine, zone: str = DEFAULT_ZONE) -> dict[str, Any]:
    """Exceedance events today and this month by medium, per day of the trend; stations offline."""
    media = _choices("stations", "type")
    with engine.connect() as connection:
        now = as_of(connection)
        today, month, first_day = _local_days(now, zone)
        counts = {
            r.medium: r
            for r in connection.execute(
                EXCEEDANCES_SQL, {"today": today, "month": month, "now": now}
            )
        }
        daily = connection.execute(
            DAILY_EXCEEDANCES_SQL,
            {
                "first": first_day.replace(tzinfo=None),
                "last": today.replace(tzinfo=None),
                "zone": zone,
                "now": now,
            },
        ).fetchall()
        stations = connection.execute(STATIONS_SQL).fetchall()
    by_medium = [
        {
            "medium": r.type,
            **media.get(r.type, {"zh": r.type, "en": r.type}),
            "stations": r.stations,
            "offline": r.offline,
            "today": counts[r.type].today if r.type in counts else 0,
            "month": counts[r.type].month if r.type in counts else 0,
        }
        for r in stations
    ]
    return {
        "as_of": now.isoformat(),
        "today": today.date().isoformat(),
        "month": month.date().isoformat()[:7],
        "total": {
            "today": sum(m["today"] for m in by_medium),
            "month": sum(m["month"] for m in by_medium),
            "offline": sum(m["offline"] for m in by_medium),
            "stations": sum(m["stations"] for m in by_medium),
        },
        "by_medium": by_medium,
        "daily": [{"date": r.day.isoformat(), "events": r.events} for r in daily],
    }


def enterprises_by_risk(engine: sa.Engine) -> dict[str, Any]:
    """The enterprises per HJ 941 risk level (every level of the registry, 0 when none)."""
    levels = _choices("enterprises", "risk_level")
    with engine.connect() as connection:
        counts: dict[Any, int] = dict(
            connection.execute(
                sa.text("SELECT risk_level, count(*) FROM enterprises GROUP BY risk_level")
            ).fetchall()
        )
    style = dict(get_layer("enterprises").style.palette)
    return {
        "layer": "enterprises",
        "field": "risk_level",
        "total": sum(counts.values()),
        "levels": [
            {"value": value, **titles, "count": counts.get(value, 0), "color": style.get(value)}
            for value, titles in levels.items()
        ],
        "unrated": counts.get(None, 0),
    }
