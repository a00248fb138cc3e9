"""How the API writes values whose JSON form is not PostgreSQL's: times and real numbers.

Times are written in the park's zone with its offset (``2025-01-01T23:00:00+08:00``), the zone
files are read in (``ONEMAP_TIMEZONE``, default Asia/Shanghai): QGIS 3.22 drops the offset of a
time it reads and shows the wall-clock part, so a time written in UTC reads 8 hours off on a
Beijing desktop. RFC 3339 either way, so any client reads the same instant.

Real numbers are written with a decimal point even when whole (``205.0``): GDAL and QGIS type a
field from the first features they read, and a ``double precision`` column whose first values
are whole would become Integer and truncate the rest (``10.67`` → ``10``).

Both are SQL expressions giving ``json`` values, which ``row_to_json`` embeds verbatim, so a page
is still built in one statement.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import zoneinfo

from etl.dates import DEFAULT_TIMEZONE, TIMEZONE_VARIABLE
from geoapi.errors import GeoApiError
from layers.spec import Field, FieldType

#: Whole doubles below this magnitude are written by PostgreSQL without an exponent (its
#: shortest-exact output switches to ``1e+15`` form at 15 digits); larger ones already carry
#: one, which JSON readers take as a real number.
_PLAIN_MAGNITUDE = 1e15


def response_zone() -> str:
    """The IANA name of the zone responses are written in: ``$ONEMAP_TIMEZONE`` or
    Asia/Shanghai; :class:`GeoApiError` for a name the system does not know."""
    name = os.environ.get(TIMEZONE_VARIABLE, "").strip() or DEFAULT_TIMEZONE
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise GeoApiError(
            f"未知时区 {name!r}（{TIMEZONE_VARIABLE}）/ unknown time zone {name!r} in "
            f"{TIMEZONE_VARIABLE}; use an IANA name such as Asia/Shanghai"
        ) from None
    return name


def local_isoformat(value: dt.datetime, zone: str) -> str:
    """``value`` as RFC 3339 in ``zone`` with its offset, as the items write it."""
    return value.astimezone(zoneinfo.ZoneInfo(zone)).isoformat()


def real_json_sql(column: str) -> str:
    """``json`` of a double precision column, a decimal point in every finite value; NaN and
    infinities (not JSON numbers) as null."""
    plain = f"{_PLAIN_MAGNITUDE:.0f}"
    return (
        f"CASE WHEN abs({column}) < {plain} THEN CASE WHEN {column} = trunc({column})"
        f" THEN ({column}::text || '.0')::json ELSE to_json({column}) END"
        f" WHEN abs({column}) < 'Infinity'::float8 THEN to_json({column}) END"
    )


@functools.lru_cache(maxsize=8)
def steady_offset(zone: str) -> tuple[dt.datetime, dt.timedelta]:
    """``(since, offset)``: from ``since`` on (to 2100 at least) ``zone`` keeps one UTC offset.

    Asia/Shanghai has kept +08:00 since its last daylight saving ended in September 1991. Read
    a week at a time backwards from 2100 (a change of offset lasts months, not hours): ``since``
    may be up to a week late, which costs speed for that week, never correctness.
    """
    tz = zoneinfo.ZoneInfo(zone)
    day = dt.datetime(2100, 1, 1, 12, tzinfo=dt.UTC)
    offset = day.astimezone(tz).utcoffset()
    assert offset is not None
    earliest = dt.datetime(1900, 1, 1, 12, tzinfo=dt.UTC)
    week = dt.timedelta(days=7)
    while day > earliest and (day - week).astimezone(tz).utcoffset() == offset:
        day -= week
    return day, offset


def _offset_text(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_time_json_sql(column: str, zone: str, zone_name: str) -> str:
    """``json`` of a timestamptz column as RFC 3339 in the zone (``zone`` a bound placeholder
    of ``zone_name``) with the zone's offset at that instant.

    From the zone's steady offset on, the time is shifted by that offset as a constant (a
    conversion to a named zone looks the zone up again for every value: 2.4 times the cost
    of a page of 1,000 observations); before it, each value is converted by its zone rules.
    """
    since, offset = steady_offset(zone_name)
    local = f"({column} AT TIME ZONE {zone})"
    utc = f"({column} AT TIME ZONE 'UTC')"
    by_rules = (
        f"CASE WHEN {local} >= {utc} THEN '+' || to_char({local} - {utc}, 'HH24:MI') "
        f"ELSE '-' || to_char({utc} - {local}, 'HH24:MI') END"
    )
    shift = f"interval '{int(offset.total_seconds())} seconds'"
    # to_json of a timestamp is ISO 8601 whatever DateStyle says; its closing quote moves
    # after the offset
    return (
        f"CASE WHEN {column} >= '{since.isoformat()}'::timestamptz AND isfinite({column}) "
        f"THEN (left(to_json({utc} + {shift})::text, -1) || '{_offset_text(offset)}\"')::json "
        f"WHEN isfinite({column}) THEN (left(to_json({local})::text, -1) || {by_rules} || '\"')"
        f"::json ELSE to_json({column}) END"
    )


def property_json_sql(f: Field, zone: str, zone_name: str) -> str | None:
    """The select-list expression of ``f`` in a feature's properties, or ``None`` when the
    column's own JSON is right; ``zone`` is the bound placeholder of ``zone_name``."""
    column = f'"{f.name}"'
    if f.type is FieldType.REAL:
        return f"{real_json_sql(column)} AS {column}"
    if f.type is FieldType.TIMESTAMPTZ:
        return f"{local_time_json_sql(column, zone, zone_name)} AS {column}"
    return None
