"""The exceedance events of the batch judgement (``onemap quality --store``) as alerts.

Each stored event of ``[start, end)`` becomes (or updates) the exceedance alert with the same
station, parameter, period, bound and start — the key judging on arrival uses, so an event
seen live and recomputed later is one alert. An event that ended by ``as_of`` is closed at its
end; a running one stays open (or acknowledged, when someone acknowledged it already).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from accounts.audit import set_actor
from monitoring.judging import OUTFALL_RADIUS_M

ACTOR = "cli:quality"

_FEED = sa.text(
    "INSERT INTO alerts (kind, state, station_code, subject, parameter, period, opened_at,"
    " last_time, closed_at, value, peak, limit_value, bound, unit, standard, quality_class,"
    " message_zh, message_en, credit_code, updated_at, geom)"
    " SELECT 'exceedance', CASE WHEN e.end_time <= :as_of THEN 'closed' ELSE 'open' END,"
    " e.station_code, e.parameter || '/' || e.period || '/' || coalesce(e.bound, 'upper'),"
    " e.parameter, e.period, e.start_time, e.end_time,"
    " CASE WHEN e.end_time <= :as_of THEN e.end_time END, e.peak, e.peak, e.limit_value,"
    " coalesce(e.bound, 'upper'), e.unit, e.standard, e.quality_class,"
    " s.name || ' ' || coalesce(p.name_zh, e.parameter) || ' ' || e.period || '均值峰值'"
    "  || e.peak || coalesce(e.unit, '') || CASE WHEN e.bound = 'lower' THEN '低于' ELSE '超过'"
    "  END || e.standard || ' ' || coalesce(e.quality_class, '') || '类限值' || e.limit_value"
    "  || coalesce(e.unit, ''),"
    " e.station_code || ' ' || coalesce(p.name_en, e.parameter) || ' ' || e.period"
    "  || ' mean peaked at ' || e.peak || ' ' || coalesce(e.unit, '') || CASE WHEN"
    "  e.bound = 'lower' THEN ', below' ELSE ', above' END || ' the ' || e.standard || ' class '"
    "  || coalesce(e.quality_class, '') || ' limit ' || e.limit_value,"
    " o.credit_code, now(), s.geom"
    " FROM exceedances e JOIN stations s ON s.code = e.station_code"
    " LEFT JOIN parameters p ON p.code = e.parameter"
    " LEFT JOIN LATERAL (SELECT credit_code FROM outfalls o WHERE s.type = 'source_online'"
    "  AND ST_DWithin(o.geom::geography, s.geom::geography, :outfall_m)"
    "  ORDER BY o.geom::geography <-> s.geom::geography LIMIT 1) o ON true"
    " WHERE e.start_time >= :start AND e.start_time < :end"
    " ON CONFLICT (kind, station_code, subject, opened_at) DO UPDATE SET"
    " last_time = EXCLUDED.last_time, peak = EXCLUDED.peak, closed_at = EXCLUDED.closed_at,"
    " state = CASE WHEN EXCLUDED.state = 'closed' THEN 'closed'"
    "  WHEN alerts.state = 'acknowledged' THEN 'acknowledged' ELSE 'open' END,"
    " updated_at = now()"
)


def alerts_from_exceedances(
    connection: sa.Connection, start: dt.datetime, end: dt.datetime, as_of: dt.datetime
) -> int:
    """Feed the exceedance events starting in ``[start, end)`` into ``alerts``; rows written."""
    set_actor(connection, ACTOR)
    result = connection.execute(
        _FEED,
        {"start": start, "end": end, "as_of": as_of, "outfall_m": OUTFALL_RADIUS_M},
    )
    return int(result.rowcount or 0)
