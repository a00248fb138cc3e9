"""Monthly range partitions of the time-series tables, kept by PostgreSQL's declarative
partitioning: created ahead of time, values outside every month caught by a default partition
(reported, and moved into their month when it is created), and months past the operator's
retention detached into the ``onemap_archive`` schema (still in the database, no longer read;
``pg_dump --schema onemap_archive`` takes them away).

Month partitions are named ``TABLE_yYYYYmMM`` and bounded by UTC month starts; the default one
is ``TABLE_default``. Nothing in the app assumes a month exists: a writer's row lands in its
month, or in the default partition when that month has not been created (observations), and
the packet archive's writer still creates its month before each batch.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import sqlalchemy as sa

ARCHIVE_SCHEMA = "onemap_archive"
#: Months created ahead of the current one by ``onemap db maintain``.
DEFAULT_MONTHS_AHEAD = 3
_PARTITION_NAME = re.compile(r"^.+_(y\d{4}m\d{2}|default)$")
_BOUND = re.compile(r"FROM \('([^']+)'\) TO \('([^']+)'\)")


def is_partition_name(name: str) -> bool:
    """Whether ``name`` is that of a month or default partition (left out of schema
    comparisons: the partitioned table is compared)."""
    return bool(_PARTITION_NAME.match(name))


@dataclass(frozen=True)
class MonthlyTable:
    """A table range-partitioned by month on ``column``."""

    table: str
    column: str
    #: Whether it has a default partition (the packet archive's writer creates its months).
    has_default: bool = True

    @property
    def default_partition(self) -> str:
        return f"{self.table}_default"

    def partition_name(self, month: dt.date) -> str:
        """The partition of the month starting at ``month`` (its day is ignored)."""
        return f"{self.table}_y{month.year:04d}m{month.month:02d}"


def layer_tables() -> tuple[MonthlyTable, ...]:
    """The registry's partitioned layers (``Layer.partitioned_by``), each with a default
    partition."""
    from layers import REGISTRY

    return tuple(
        MonthlyTable(layer.id, layer.partitioned_by)
        for layer in REGISTRY
        if layer.partitioned_by is not None
    )


@dataclass(frozen=True)
class Partition:
    """One attached partition: its month's bounds (UTC), or the default one."""

    name: str
    lower_utc: dt.datetime | None
    upper_utc: dt.datetime | None

    @property
    def is_default(self) -> bool:
        return self.lower_utc is None


@dataclass
class MaintenanceReport:
    """What one run of :func:`maintain` did, per table."""

    created: list[str] = field(default_factory=list)
    detached: list[str] = field(default_factory=list)
    #: rows moved out of a default partition into a month created for them
    moved_rows: int = 0
    #: ``table -> (rows, earliest, latest)`` still in a default partition
    in_default: dict[str, tuple[int, dt.datetime | None, dt.datetime | None]] = field(
        default_factory=dict
    )


def month_start(when: dt.datetime | dt.date) -> dt.date:
    """The first day of ``when``'s month (UTC for a datetime)."""
    if isinstance(when, dt.datetime):
        when = when.astimezone(dt.UTC).date()
    return when.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def partitions(connection: sa.Connection, table: str) -> list[Partition]:
    """The partitions attached to ``table``, months in order, the default one last."""
    rows = connection.execute(
        sa.text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = CAST(:t AS regclass)"
        ),
        {"t": table},
    ).all()
    out = []
    for name, bound in rows:
        match = _BOUND.search(bound)
        if match is None:
            out.append(Partition(name, None, None))
            continue
        lower, upper = (dt.datetime.fromisoformat(v).astimezone(dt.UTC) for v in match.groups())
        out.append(Partition(name, lower, upper))
    return sorted(out, key=lambda p: (p.is_default, p.lower_utc or dt.datetime.max))


def create_default(connection: sa.Connection, spec: MonthlyTable) -> None:
    """The default partition of ``spec`` (idempotent)."""
    connection.exec_driver_sql(
        f'CREATE TABLE IF NOT EXISTS "{spec.default_partition}" PARTITION OF "{spec.table}" DEFAULT'
    )


def ensure_month(connection: sa.Connection, spec: MonthlyTable, month: dt.date) -> int | None:
    """Create the partition of ``month`` when missing; returns ``None`` when it existed, else the
    number of rows moved into it from the default partition (PostgreSQL refuses to create a
    month whose rows sit in the default partition, so they are moved in the same transaction).
    """
    name = spec.partition_name(month)
    exists = connection.execute(
        sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": f'"{name}"'}
    ).scalar_one()
    if exists:
        return None
    lower, upper = _utc(month_start(month)), _utc(next_month(month))
    bounds = {"lo": lower, "hi": upper}
    bound_sql = f"FOR VALUES FROM ('{lower.isoformat()}') TO ('{upper.isoformat()}')"
    waiting = 0
    if spec.has_default and _has_default(connection, spec):
        waiting = connection.execute(
            sa.text(
                f'SELECT count(*) FROM "{spec.default_partition}" '
                f'WHERE "{spec.column}" >= :lo AND "{spec.column}" < :hi'
            ),
            bounds,
        ).scalar_one()
    if not waiting:
        connection.exec_driver_sql(f'CREATE TABLE "{name}" PARTITION OF "{spec.table}" {bound_sql}')
        return 0
    # Detach the default, create the month, move its rows in, attach the default again. The
    # rows go straight into the partition: the parent's statement triggers (audit, rollups)
    # do not fire, since they saw these rows when they arrived.
    default = spec.default_partition
    connection.exec_driver_sql(f'ALTER TABLE "{spec.table}" DETACH PARTITION "{default}"')
    connection.exec_driver_sql(f'CREATE TABLE "{name}" PARTITION OF "{spec.table}" {bound_sql}')
    condition = f'"{spec.column}" >= :lo AND "{spec.column}" < :hi'
    connection.execute(
        sa.text(f'INSERT INTO "{name}" SELECT * FROM "{default}" WHERE {condition}'), bounds
    )
    connection.execute(sa.text(f'DELETE FROM "{default}" WHERE {condition}'), bounds)
    connection.exec_driver_sql(f'ALTER TABLE "{spec.table}" ATTACH PARTITION "{default}" DEFAULT')
    return int(waiting)


def _has_default(connection: sa.Connection, spec: MonthlyTable) -> bool:
    return bool(
        connection.execute(
            sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": f'"{spec.default_partition}"'}
        ).scalar_one()
    )


def _months_in_default(
    connection: sa.Connection, spec: MonthlyTable, before: dt.date
) -> list[dt.date]:
    """The months (UTC) before ``before`` that have values in the default partition."""
    if not _has_default(connection, spec):
        return []
    rows = connection.execute(
        sa.text(
            f"SELECT DISTINCT date_trunc('month', \"{spec.column}\" AT TIME ZONE 'UTC')::date "
            f'FROM "{spec.default_partition}" WHERE "{spec.column}" < :before ORDER BY 1'
        ),
        {"before": _utc(before)},
    ).scalars()
    return list(rows)


def default_contents(
    connection: sa.Connection, spec: MonthlyTable
) -> tuple[int, dt.datetime | None, dt.datetime | None]:
    """``(rows, earliest, latest)`` of the values in ``spec``'s default partition."""
    if not _has_default(connection, spec):
        return 0, None, None
    rows, earliest, latest = connection.exec_driver_sql(
        f'SELECT count(*), min("{spec.column}"), max("{spec.column}") '
        f'FROM "{spec.default_partition}"'
    ).one()
    return int(rows), earliest, latest


def detach_before(connection: sa.Connection, spec: MonthlyTable, before: dt.date) -> list[str]:
    """Detach the months of ``spec`` ending on or before ``before`` into :data:`ARCHIVE_SCHEMA`;
    returns their names."""
    connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{ARCHIVE_SCHEMA}"')
    limit = _utc(before)
    detached = []
    for partition in partitions(connection, spec.table):
        if partition.upper_utc is None or partition.upper_utc > limit:
            continue
        connection.exec_driver_sql(
            f'ALTER TABLE "{spec.table}" DETACH PARTITION "{partition.name}"'
        )
        connection.exec_driver_sql(f'ALTER TABLE "{partition.name}" SET SCHEMA "{ARCHIVE_SCHEMA}"')
        detached.append(partition.name)
    return detached


def ensure_months_of(
    connection: sa.Connection,
    spec: MonthlyTable,
    times: list[dt.datetime],
    today: dt.date | None = None,
    months_ahead: int = DEFAULT_MONTHS_AHEAD,
) -> list[str]:
    """Create the months of ``times`` up to ``months_ahead`` past the current one (a file of
    last year's values gets its months; a value in 2099 waits in the default partition, where
    ``onemap db maintain`` reports it); returns the partitions created. Run it in a transaction
    of its own before a load: creating a partition locks the table against readers until
    commit."""
    current = month_start(today or dt.datetime.now(dt.UTC).date())
    latest = current
    for _ in range(months_ahead):
        latest = next_month(latest)
    created = []
    for month in sorted({month_start(t) for t in times}):
        if month <= latest and ensure_month(connection, spec, month) is not None:
            created.append(spec.partition_name(month))
    return created


def subtract_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months before ``month``'s."""
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def maintain(
    connection: sa.Connection,
    today: dt.date | None = None,
    months_ahead: int = DEFAULT_MONTHS_AHEAD,
    retention_months: int | None = None,
    tables: tuple[MonthlyTable, ...] | None = None,
) -> MaintenanceReport:
    """Keep the partitions of ``tables``: the default partition, the current month and
    ``months_ahead`` more, and the past months of values waiting in the default partition (a
    late load of last year's file), moved into them; values later than that stay in the
    default partition and are reported. With ``retention_months``, detach the months that
    ended more than that many whole months before the current one. Idempotent."""
    today = today or dt.datetime.now(dt.UTC).date()
    current = month_start(today)
    report = MaintenanceReport()
    for spec in layer_tables() if tables is None else tables:
        if spec.has_default:
            create_default(connection, spec)
        month = current
        for _ in range(months_ahead + 1):
            moved = ensure_month(connection, spec, month)
            if moved is not None:
                report.created.append(spec.partition_name(month))
                report.moved_rows += moved
            month = next_month(month)
        cutoff = None if retention_months is None else subtract_months(current, retention_months)
        if spec.has_default:
            for waiting in _months_in_default(connection, spec, before=current):
                if cutoff is not None and waiting < cutoff:
                    continue
                moved = ensure_month(connection, spec, waiting)
                if moved is not None:
                    report.created.append(spec.partition_name(waiting))
                    report.moved_rows += moved
        if cutoff is not None:
            report.detached.extend(detach_before(connection, spec, cutoff))
        if spec.has_default:
            report.in_default[spec.table] = default_contents(connection, spec)
    return report
