"""Hourly and daily aggregates of observations per station and parameter (count, mean, min,
max), kept by the database itself as values arrive.

Only valid values are aggregated, as :func:`monitoring.quality.averaging.valid` judges them: a
value with a normal (``N``) or no HJ 212 flag. Hours are UTC clock hours (``hour_utc``, their
start); days are the park's local calendar days (``day``, in :data:`ZONE`, GB 3095's daily
means). Each bucket keeps its sum, so a mean is ``value_sum / value_count`` (the generated
``value_mean``).

Statement-level triggers on ``observations`` keep them (set-based, one statement per batch,
like the audit trail): an insert adds its rows to their buckets (count and sum added, min and
max widened); an update or delete recomputes the buckets it touched from the observations.
Rows moved between partitions by ``onemap db maintain`` pass no trigger (they were counted on
arrival), and a detached month keeps its rollups. :func:`rebuild` recomputes a window (``onemap
db rollups``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd
import sqlalchemy as sa

#: The park's zone for daily buckets (the judgement's ``DEFAULT_ZONE``).
ZONE = "Asia/Shanghai"
HOURLY = "observations_hourly"
DAILY = "observations_daily"
_VALID = "value IS NOT NULL AND (flag IS NULL OR flag = 'N')"
_HOUR = "date_trunc('hour', time, 'UTC')"
_DAY = f"(time AT TIME ZONE '{ZONE}')::date"

_MERGE = """
    INSERT INTO {table} AS r (station_code, parameter, {bucket}, unit,
                              value_count, value_sum, value_min, value_max)
    SELECT station_code, parameter, {expr}, max(unit), count(*), sum(value), min(value),
           max(value)
    FROM new_rows WHERE {valid}
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (station_code, parameter, {bucket}) DO UPDATE SET
        unit = COALESCE(EXCLUDED.unit, r.unit),
        value_count = r.value_count + EXCLUDED.value_count,
        value_sum = r.value_sum + EXCLUDED.value_sum,
        value_min = LEAST(r.value_min, EXCLUDED.value_min),
        value_max = GREATEST(r.value_max, EXCLUDED.value_max);"""

#: Recompute the buckets named in the temporary table ``touched_{bucket}`` from observations,
#: in place: a bucket keeps its row (and the daily one its feature id) while it has values.
_RECOMPUTE = """
    INSERT INTO {table} AS r (station_code, parameter, {bucket}, unit,
                              value_count, value_sum, value_min, value_max)
    SELECT o.station_code, o.parameter, {expr_o}, max(o.unit), count(*), sum(o.value),
           min(o.value), max(o.value)
    FROM observations o JOIN {touched} t
      ON o.station_code = t.station_code AND o.parameter = t.parameter
     AND o.time >= t.t0 AND o.time < t.t1
    WHERE o.value IS NOT NULL AND (o.flag IS NULL OR o.flag = 'N')
    GROUP BY 1, 2, 3
    ON CONFLICT (station_code, parameter, {bucket}) DO UPDATE SET {replace};
    DELETE FROM {table} r USING {touched} t
    WHERE r.station_code = t.station_code AND r.parameter = t.parameter
      AND r.{bucket} = t.{bucket}
      AND NOT EXISTS (
          SELECT 1 FROM observations o
          WHERE o.station_code = t.station_code AND o.parameter = t.parameter
            AND o.time >= t.t0 AND o.time < t.t1
            AND o.value IS NOT NULL AND (o.flag IS NULL OR o.flag = 'N'));"""

#: A recomputed bucket's values replace the stored ones.
_REPLACE = ", ".join(
    f"{c} = EXCLUDED.{c}" for c in ("unit", "value_count", "value_sum", "value_min", "value_max")
)

_TOUCHED = """
    CREATE TEMPORARY TABLE IF NOT EXISTS {touched} (
        station_code text, parameter text, {bucket} {type}, t0 timestamptz, t1 timestamptz
    ) ON COMMIT DROP;
    TRUNCATE {touched};
    INSERT INTO {touched}
    SELECT DISTINCT station_code, parameter, {expr}, {t0}, {t1} FROM {source};"""

_HOUR_T0 = f"{_HOUR}"
_HOUR_T1 = f"{_HOUR} + interval '1 hour'"
_DAY_T0 = f"({_DAY})::timestamp AT TIME ZONE '{ZONE}'"
_DAY_T1 = f"({_DAY} + 1)::timestamp AT TIME ZONE '{ZONE}'"


def _recompute(source: str) -> str:
    parts = []
    for table, bucket, kind, expr, t0, t1 in (
        (HOURLY, "hour_utc", "timestamptz", _HOUR, _HOUR_T0, _HOUR_T1),
        (DAILY, "day", "date", _DAY, _DAY_T0, _DAY_T1),
    ):
        touched = f"onemap_touched_{bucket}"
        parts.append(
            _TOUCHED.format(
                touched=touched, bucket=bucket, type=kind, expr=expr, t0=t0, t1=t1, source=source
            )
        )
        parts.append(
            _RECOMPUTE.format(
                table=table,
                touched=touched,
                bucket=bucket,
                expr_o=expr.replace("time", "o.time"),
                replace=_REPLACE,
            )
        )
    return "\n".join(parts)


FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION onemap_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_MERGE.format(table=HOURLY, bucket="hour_utc", expr=_HOUR, valid=_VALID)}
    {_MERGE.format(table=DAILY, bucket="day", expr=_DAY, valid=_VALID)}
    RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION onemap_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {
        _recompute(
            "(SELECT station_code, parameter, time FROM old_rows UNION ALL "
            "SELECT station_code, parameter, time FROM new_rows) AS changed"
        )
    }
    RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION onemap_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_recompute("old_rows")}
    RETURN NULL;
END $$""",
)

TRIGGERS = (
    "CREATE TRIGGER rollup_insert AFTER INSERT ON observations REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION onemap_rollup_insert()",
    "CREATE TRIGGER rollup_update AFTER UPDATE ON observations REFERENCING OLD TABLE AS old_rows"
    " NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION onemap_rollup_update()",
    "CREATE TRIGGER rollup_delete AFTER DELETE ON observations REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION onemap_rollup_delete()",
)


def rebuild(
    connection: sa.Connection, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> tuple[int, int]:
    """Recompute the rollups of the observations in ``[start, end)`` (every one by default),
    the window widened to whole local days; returns (hours, days) written."""
    zone = zoneinfo.ZoneInfo(ZONE)
    first = (start or dt.datetime(1900, 1, 1, tzinfo=dt.UTC)).astimezone(zone).date()
    last = (end or dt.datetime(2200, 1, 1, tzinfo=dt.UTC)) - dt.timedelta(microseconds=1)
    after = last.astimezone(zone).date() + dt.timedelta(days=1)
    bounds = {
        "t0": dt.datetime.combine(first, dt.time(), zone),
        "t1": dt.datetime.combine(after, dt.time(), zone),
        "d0": first,
        "d1": after,
    }
    counts = []
    for table, bucket, expr, lo, hi in (
        (HOURLY, "hour_utc", _HOUR, "t0", "t1"),
        (DAILY, "day", _DAY, "d0", "d1"),
    ):
        # in place, as the triggers recompute: a bucket that still has values keeps its row
        fresh = f"onemap_rebuilt_{bucket}"
        connection.execute(
            sa.text(
                f"CREATE TEMPORARY TABLE {fresh} ON COMMIT DROP AS"
                f" SELECT station_code, parameter, {expr} AS {bucket}, max(unit) AS unit,"
                f" count(*) AS value_count, sum(value) AS value_sum, min(value) AS value_min,"
                f" max(value) AS value_max FROM observations"
                f" WHERE time >= :t0 AND time < :t1 AND {_VALID} GROUP BY 1, 2, 3"
            ),
            bounds,
        )
        connection.execute(
            sa.text(
                f"DELETE FROM {table} r WHERE r.{bucket} >= :{lo} AND r.{bucket} < :{hi}"
                f" AND NOT EXISTS (SELECT 1 FROM {fresh} f WHERE f.station_code = r.station_code"
                f" AND f.parameter = r.parameter AND f.{bucket} = r.{bucket})"
            ),
            bounds,
        )
        written = connection.execute(
            sa.text(
                f"INSERT INTO {table} (station_code, parameter, {bucket}, unit, value_count,"
                f" value_sum, value_min, value_max) SELECT * FROM {fresh}"
                f" ON CONFLICT (station_code, parameter, {bucket}) DO UPDATE SET {_REPLACE}"
            ),
        ).rowcount
        connection.execute(sa.text(f"DROP TABLE {fresh}"))
        counts.append(int(written))
    return counts[0], counts[1]


def read_hourly(connection: sa.Connection, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The hourly means of ``[start, end)`` shaped as observations (station_code, time as the
    hour's start in UTC, parameter, value, unit, flag ``N``): what the averaging of
    :mod:`monitoring.quality.averaging` reads, a sixtieth of the rows of minute data."""
    rows = connection.execute(
        sa.text(
            f"SELECT station_code, hour_utc AS time, parameter, value_mean AS value, unit"
            f" FROM {HOURLY} WHERE hour_utc >= :t0 AND hour_utc < :t1"
        ),
        {"t0": start.to_pydatetime(), "t1": end.to_pydatetime()},
    ).all()
    frame = pd.DataFrame(rows, columns=["station_code", "time", "parameter", "value", "unit"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame["value"] = frame["value"].astype(float)
    frame["flag"] = "N"
    for code in ("station_code", "parameter", "unit", "flag"):
        frame[code] = frame[code].astype("category")
    return frame


def daily_means(
    connection: sa.Connection, first_day: dt.date, last_day: dt.date
) -> list[sa.Row[tuple[str, str, dt.date, int, float, float, float]]]:
    """Each station's and parameter's daily (count, mean, min, max) from ``first_day`` to
    ``last_day`` (local days, inclusive)."""
    return list(
        connection.execute(
            sa.text(
                f"SELECT station_code, parameter, day, value_count, value_mean, value_min,"
                f" value_max FROM {DAILY} WHERE day >= :d0 AND day <= :d1"
                f" ORDER BY station_code, parameter, day"
            ),
            {"d0": first_day, "d1": last_day},
        ).all()
    )
