"""The table of parks: each park's key figures, from what was harvested of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

_FIGURES = sa.text(
    """
    SELECT p.code,
           count(*) FILTER (WHERE f.collection = 'enterprises') AS enterprises,
           count(*) FILTER (WHERE f.collection = 'enterprises'
                            AND f.properties ->> 'risk_level' = 'major') AS major_risk,
           count(*) FILTER (WHERE f.collection = 'enterprises'
                            AND f.properties ->> 'risk_level' = 'larger') AS larger_risk,
           count(*) FILTER (WHERE f.collection = 'alerts'
                            AND f.properties ->> 'state' = 'open') AS open_alerts,
           max((f.properties ->> 'aqi')::int) FILTER (
               WHERE f.collection = 'stations'
                 AND (f.properties ->> 'aqi_time')::timestamptz >= :day_start) AS aqi_today,
           count(*) FILTER (WHERE f.collection = 'stations') AS stations,
           count(*) FILTER (WHERE f.collection = 'stations'
                            AND (f.properties ->> 'latest_time')::timestamptz >= :since)
               AS stations_reporting
    FROM province_parks p LEFT JOIN province_features f ON f.park_code = p.code
    GROUP BY p.code ORDER BY p.code
    """
)


@dataclass(frozen=True)
class ParkFigures:
    """One park's row of the provincial table."""

    code: str
    enterprises: int
    major_risk: int
    larger_risk: int
    open_alerts: int
    aqi_today: int | None
    stations: int
    #: stations whose newest value is less than 24 h old, of ``stations`` (data capture)
    stations_reporting: int

    @property
    def capture_rate(self) -> float | None:
        """The share of stations reporting in the last 24 h."""
        return self.stations_reporting / self.stations if self.stations else None


def park_figures(
    connection: sa.Connection, now: dt.datetime, day_start: dt.datetime
) -> list[ParkFigures]:
    """Every registered park's figures at ``now`` (``day_start``: the local day's start)."""
    rows = connection.execute(
        _FIGURES, {"day_start": day_start, "since": now - dt.timedelta(hours=24)}
    ).all()
    return [ParkFigures(*row) for row in rows]
