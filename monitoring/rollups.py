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

**Deferred writers.** A transaction that calls :func:`defer` (the live HJ 212 listener) has the
triggers only append to ``observations_rollup_queue``: an insert its count, sum, min and max
per hour and day, an update or delete the buckets it touched (no index, no conflict check).
:func:`fold` brings the queue in, in a REPEATABLE READ transaction of its own (the rows it takes
are exactly those whose observations it reads): the deltas added, the touched buckets
recomputed. The listener's service folds every ``LiveMonitoring.rollup_every_s`` (2 s) after a
batch, at start (what a stopped listener left) and at stop; ``onemap db rollups`` and ``onemap
db maintain`` fold too.

Why, and the price (server CPU of storing a batch of 12,000 hourly values of 500 stations,
measured at load average 5-6): merged by the triggers, 380-420 ms in the writing transaction;
queued, 220-240 ms, and the fold 190-250 ms afterwards. The batch's transaction, which the
devices' acks and the page's events wait for, costs 45 % less; the database's work in all
grows by about 15 %. The rollups
trail a live value by up to ``rollup_every_s`` plus a fold (a fraction of a second), and a
listener killed before its fold leaves its last seconds queued until the next fold. Readers of
the rollups (the overview's trend, daily means) read them as folded.
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
QUEUE = "observations_rollup_queue"
#: The transaction-local setting that makes the triggers queue instead of merge.
DEFER_SETTING = "onemap.rollups"
_DEFERRED = f"current_setting('{DEFER_SETTING}', true) = 'deferred'"
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


_QUEUE_COLUMNS = (
    "station_code, parameter, hour_utc, day, unit, value_count, value_sum, value_min,"
    " value_max, recompute"
)


def _queue_deltas(source: str) -> str:
    """Queue the rows' count, sum, min and max per hour (and its day)."""
    return (
        f"INSERT INTO {QUEUE} ({_QUEUE_COLUMNS})"
        f" SELECT station_code, parameter, {_HOUR}, {_DAY}, max(unit), count(*), sum(value),"
        f" min(value), max(value), false FROM {source} GROUP BY 1, 2, 3, 4;"
    )


def _queue_recompute(source: str) -> str:
    """Queue the rows' hours and days to be recomputed (an update or a delete)."""
    return (
        f"INSERT INTO {QUEUE} ({_QUEUE_COLUMNS})"
        f" SELECT DISTINCT station_code, parameter, {_HOUR}, {_DAY}, NULL::text, 0, 0,"
        f" NULL::float8, NULL::float8, true FROM {source};"
    )


_CHANGED = (
    "(SELECT station_code, parameter, time FROM old_rows UNION ALL "
    "SELECT station_code, parameter, time FROM new_rows) AS changed"
)

FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION onemap_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_DEFERRED} THEN
        {_queue_deltas(f"new_rows WHERE {_VALID}")}
        RETURN NULL;
    END IF;
    {_MERGE.format(table=HOURLY, bucket="hour_utc", expr=_HOUR, valid=_VALID)}
    {_MERGE.format(table=DAILY, bucket="day", expr=_DAY, valid=_VALID)}
    RETURN NULL;
END $$""",
    # an INSERT ... ON CONFLICT DO UPDATE fires the update trigger even when no row conflicted
    f"""
CREATE OR REPLACE FUNCTION onemap_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM new_rows) THEN
        RETURN NULL;
    END IF;
    IF {_DEFERRED} THEN
        {_queue_recompute(_CHANGED)}
        RETURN NULL;
    END IF;
    {_recompute(_CHANGED)}
    RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION onemap_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_DEFERRED} THEN
        {_queue_recompute("old_rows")}
        RETURN NULL;
    END IF;
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


def defer(connection: sa.Connection) -> None:
    """Have the triggers queue, not merge, the buckets this transaction touches (see the
    module docstring); :func:`fold` brings them in."""
    connection.execute(sa.text(f"SELECT set_config('{DEFER_SETTING}', 'deferred', true)"))


_ADD = """
    ON CONFLICT (station_code, parameter, {bucket}) DO UPDATE SET
        unit = COALESCE(EXCLUDED.unit, r.unit),
        value_count = r.value_count + EXCLUDED.value_count,
        value_sum = r.value_sum + EXCLUDED.value_sum,
        value_min = LEAST(r.value_min, EXCLUDED.value_min),
        value_max = GREATEST(r.value_max, EXCLUDED.value_max)"""
#: The fold, statement by statement, in one REPEATABLE READ snapshot: the queue's rows taken
#: are exactly those whose observations the recomputations read.
_FOLD = (
    f"""CREATE TEMPORARY TABLE onemap_fold ON COMMIT DROP AS
    WITH taken AS (DELETE FROM {QUEUE} RETURNING *) SELECT * FROM taken""",
    """CREATE TEMPORARY TABLE onemap_fold_hours ON COMMIT DROP AS
    SELECT DISTINCT station_code, parameter, hour_utc FROM onemap_fold WHERE recompute""",
    """CREATE TEMPORARY TABLE onemap_fold_days ON COMMIT DROP AS
    SELECT DISTINCT station_code, parameter, day FROM onemap_fold WHERE recompute""",
    "ANALYZE onemap_fold",
    "ANALYZE onemap_fold_hours",
    "ANALYZE onemap_fold_days",
    # the deltas of the buckets not recomputed, added
    f"""INSERT INTO {HOURLY} AS r (station_code, parameter, hour_utc, unit, value_count,
                                   value_sum, value_min, value_max)
    SELECT station_code, parameter, hour_utc, max(unit), sum(value_count), sum(value_sum),
           min(value_min), max(value_max)
    FROM onemap_fold f WHERE NOT recompute AND NOT EXISTS (SELECT FROM onemap_fold_hours t
        WHERE t.station_code = f.station_code AND t.parameter = f.parameter
          AND t.hour_utc = f.hour_utc)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
    + _ADD.format(bucket="hour_utc"),
    f"""INSERT INTO {DAILY} AS r (station_code, parameter, day, unit, value_count, value_sum,
                                  value_min, value_max)
    SELECT station_code, parameter, day, max(unit), sum(value_count), sum(value_sum),
           min(value_min), max(value_max)
    FROM onemap_fold f WHERE NOT recompute AND NOT EXISTS (SELECT FROM onemap_fold_days t
        WHERE t.station_code = f.station_code AND t.parameter = f.parameter AND t.day = f.day)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
    + _ADD.format(bucket="day"),
    # the buckets an update or a delete touched, recomputed from the observations
    *(
        statement
        for table, bucket, expr, t0, t1 in (
            (HOURLY, "hour_utc", _HOUR, "t.hour_utc", "t.hour_utc + interval '1 hour'"),
            (
                DAILY,
                "day",
                _DAY,
                f"t.day::timestamp AT TIME ZONE '{ZONE}'",
                f"(t.day + 1)::timestamp AT TIME ZONE '{ZONE}'",
            ),
        )
        for statement in _RECOMPUTE.format(
            table=table,
            touched=f"onemap_fold_{'hours' if bucket == 'hour_utc' else 'days'}",
            bucket=bucket,
            expr_o=expr.replace("time", "o.time"),
            replace=_REPLACE,
        )
        .replace("o.time >= t.t0 AND o.time < t.t1", f"o.time >= {t0} AND o.time < {t1}")
        .split(";")
        if statement.strip()
    ),
)

#: The fold of a queue holding deltas only: taken, grouped and added in one statement.
_FOLD_DELTAS = f"""
    WITH taken AS (DELETE FROM {QUEUE} RETURNING *),
    hours AS (
        INSERT INTO {HOURLY} AS r (station_code, parameter, hour_utc, unit, value_count,
                                    value_sum, value_min, value_max)
        SELECT station_code, parameter, hour_utc, max(unit), sum(value_count), sum(value_sum),
               min(value_min), max(value_max)
        FROM taken GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 {_ADD.format(bucket="hour_utc")}
        RETURNING 1),
    days AS (
        INSERT INTO {DAILY} AS r (station_code, parameter, day, unit, value_count, value_sum,
                                   value_min, value_max)
        SELECT station_code, parameter, day, max(unit), sum(value_count), sum(value_sum),
               min(value_min), max(value_max)
        FROM taken GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 {_ADD.format(bucket="day")}
        RETURNING 1)
    SELECT (SELECT count(*) FROM hours), (SELECT count(*) FROM days)"""


def fold(engine: sa.Engine) -> tuple[int, int]:
    """Bring the deferred writers' queued buckets into the rollups, in a transaction of its
    own (REPEATABLE READ, see :data:`_FOLD`); returns (hours, days) written. One fold at a
    time: while another runs this one folds nothing (its rows wait for the next)."""
    with (
        engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection,
        connection.begin(),
    ):
        locked = connection.exec_driver_sql(
            "SELECT pg_try_advisory_xact_lock(hashtext('onemap.rollups.fold'))"
        ).scalar_one()
        if not locked:
            return 0, 0
        recompute = connection.exec_driver_sql(
            f"SELECT EXISTS (SELECT FROM {QUEUE} WHERE recompute)"
        ).scalar_one()
        if not recompute:  # only deltas (the listener's every batch): one statement
            hours, days = connection.exec_driver_sql(_FOLD_DELTAS).one()
            return int(hours), int(days)
        for statement in _FOLD:
            connection.exec_driver_sql(statement)
        hours, days = connection.exec_driver_sql(
            "SELECT count(DISTINCT (station_code, parameter, hour_utc)),"
            " count(DISTINCT (station_code, parameter, day)) FROM onemap_fold"
        ).one()
    return int(hours), int(days)


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
        connection.execute(sa.text(f"ANALYZE {fresh}"))  # the anti-join below is planned on it
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
