"""The data of one report period, read once: the judgement of the period and of the same period
a year before (:func:`monitoring.quality.judge.judge`), the stations with their river's target
class, the outfalls' enterprises, the period's alerts and the cases registered in it.

The sections (``reports.sections``) are pure functions of a :class:`PeriodData`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from monitoring.quality.judge import Judgement, judge
from monitoring.quality.limits import read_outfall_stations
from reports.periods import Period

#: A station is on the river reach nearest to it within this distance (m) for its target class.
RIVER_MATCH_M = 1000.0

STATIONS_SQL = sa.text(
    """
    SELECT s.code, s.name, s.type, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
           river.name AS river, river.target_class
    FROM stations s
    LEFT JOIN LATERAL (
        SELECT r.name, r.target_class FROM rivers r
        WHERE s.type = 'surface_water'
          AND ST_DWithin(r.geom::geography, s.geom::geography, :radius_m)
        ORDER BY r.geom::geography <-> s.geom::geography LIMIT 1
    ) river ON true
    ORDER BY s.code
    """
)

ALERTS_SQL = sa.text(
    """
    SELECT a.kind, a.state, a.station_code, a.parameter, a.opened_at, a.closed_at,
           a.credit_code, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat
    FROM alerts a
    WHERE a.opened_at < :end AND coalesce(a.closed_at, 'infinity') >= :start
    ORDER BY a.opened_at
    """
)


@dataclass(frozen=True)
class PeriodData:
    """Everything the periodic sections read, for ``period``."""

    period: Period
    judgement: Judgement
    year_before: Judgement
    stations: pd.DataFrame  # code, name, type, lon, lat, river, target_class
    outfall_stations: pd.DataFrame  # station_code, outfall_code, credit_code, standard, ...
    enterprises: pd.DataFrame  # credit_code, name
    alerts: pd.DataFrame
    park_name: str

    @property
    def observations(self) -> pd.DataFrame:
        """The period's observations (station_code, time UTC, parameter, value, unit, flag)."""
        observations = self.judgement.observations
        assert observations is not None
        return observations


def _timestamp(moment: dt.datetime) -> pd.Timestamp:
    return pd.Timestamp(moment)


def park_name(connection: sa.Connection) -> str:
    """The park's name (the first park row), or a neutral title without one."""
    name = connection.execute(sa.text("SELECT name FROM park ORDER BY id LIMIT 1")).scalar()
    return str(name) if name else "园区"


def gather(engine: sa.Engine, period: Period) -> PeriodData:
    """Read the data of ``period`` (and of the year before, for comparison)."""
    start, end = _timestamp(period.start), _timestamp(period.end)
    judgement = judge(engine, start, end, as_of=end)
    before = period.year_before()
    year_before = judge(engine, _timestamp(before.start), _timestamp(before.end))
    with engine.connect() as connection:
        stations = pd.read_sql(STATIONS_SQL, connection, params={"radius_m": RIVER_MATCH_M})
        outfalls = read_outfall_stations(connection)
        enterprises = pd.read_sql(sa.text("SELECT credit_code, name FROM enterprises"), connection)
        alerts = pd.read_sql(ALERTS_SQL, connection, params={"start": start, "end": end})
        name = park_name(connection)
    return PeriodData(period, judgement, year_before, stations, outfalls, enterprises, alerts, name)
