"""Observations range-partitioned by month (written by hand: autogenerate does not see
partitioning). The table is converted in place: the old one is renamed, the partitioned one
created with the same columns, checks and comments, a partition made for every month that has
values (plus the default partition and the months ahead that ``onemap db maintain`` keeps), the
rows copied with their ids, and the old table dropped. The primary key becomes (id, time), as
partitioning requires; the natural key already holds the time. The time taken is printed.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 17:10:00
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import sqlalchemy as sa
from alembic import op

from accounts import audit
from layers import BY_ID
from layers import partitions

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD = "observations_unpartitioned"
#: Index names are schema-wide: the old table's move aside before the new ones are made.
INDEXES = (
    "pk_observations",
    "uq_observations_station_code_parameter_time",
    "ix_observations_station_code_time",
    "ix_observations_time",
)
KEYS_AND_INDEXES = (
    "ALTER TABLE observations ADD CONSTRAINT pk_observations PRIMARY KEY (id, time)",
    "ALTER TABLE observations ADD CONSTRAINT uq_observations_station_code_parameter_time "
    "UNIQUE (station_code, parameter, time)",
    "ALTER TABLE observations ADD CONSTRAINT fk_observations_station_code "
    "FOREIGN KEY (station_code) REFERENCES stations (code) ON UPDATE CASCADE ON DELETE RESTRICT",
    "CREATE INDEX ix_observations_station_code_time ON observations (station_code, time)",
    "CREATE INDEX ix_observations_time ON observations USING brin (time) "
    "WITH (autosummarize = on)",
)


def _copy_comments(source: str, target: str) -> None:
    op.execute(
        f"""
DO $$
DECLARE c record;
BEGIN
    EXECUTE format('COMMENT ON TABLE %I IS %L', '{target}', obj_description('{source}'::regclass));
    FOR c IN SELECT a.attname, col_description(a.attrelid, a.attnum) AS text
             FROM pg_attribute a WHERE a.attrelid = '{source}'::regclass AND a.attnum > 0
             AND NOT a.attisdropped AND col_description(a.attrelid, a.attnum) IS NOT NULL
    LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I IS %L', '{target}', c.attname, c.text);
    END LOOP;
END $$"""
    )


def _set_aside() -> None:
    op.execute(f"ALTER TABLE observations RENAME TO {OLD}")
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} RENAME TO {index}_old")
    for statement in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_{statement} ON {OLD}")


def upgrade() -> None:
    started = time.monotonic()
    connection = op.get_bind()
    _set_aside()
    # the identity's sequence goes with the identity; a plain one continues its numbers
    op.execute(f"ALTER TABLE {OLD} ALTER COLUMN id DROP IDENTITY")
    op.execute(
        f"CREATE TABLE observations (LIKE {OLD} INCLUDING CONSTRAINTS) PARTITION BY RANGE (time)"
    )
    _copy_comments(OLD, "observations")
    op.execute("CREATE SEQUENCE observations_id_seq OWNED BY observations.id")
    op.execute("ALTER TABLE observations ALTER COLUMN id SET DEFAULT nextval('observations_id_seq')")
    for statement in KEYS_AND_INDEXES:
        op.execute(statement)
    spec = partitions.MonthlyTable("observations", "time")
    partitions.create_default(connection, spec)
    months = connection.execute(
        sa.text(f"SELECT DISTINCT date_trunc('month', time AT TIME ZONE 'UTC')::date FROM {OLD}")
    ).scalars()
    today = dt.datetime.now(dt.UTC).date()
    for month in sorted({*months, *_months_ahead(today)}):
        partitions.ensure_month(connection, spec, month)
    rows = connection.execute(
        sa.text(f"INSERT INTO observations SELECT * FROM {OLD}")
    ).rowcount
    op.execute(
        "SELECT setval('observations_id_seq', COALESCE((SELECT max(id) FROM observations), 0) + 1,"
        " false)"
    )
    # audited from now on: the copy is no write of anyone's
    for statement in audit.trigger_statements(BY_ID["observations"]):
        op.execute(statement)
    op.execute(f"DROP TABLE {OLD}")
    op.execute("ANALYZE observations")
    print(
        f"observations partitioned by month: {rows} rows in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def _months_ahead(today: dt.date) -> list[dt.date]:
    month, out = partitions.month_start(today), []
    for _ in range(partitions.DEFAULT_MONTHS_AHEAD + 1):
        out.append(month)
        month = partitions.next_month(month)
    return out


def downgrade() -> None:
    _set_aside()
    op.execute("ALTER SEQUENCE observations_id_seq RENAME TO observations_id_seq_old")
    op.execute(f"CREATE TABLE observations (LIKE {OLD} INCLUDING CONSTRAINTS)")
    _copy_comments(OLD, "observations")
    op.execute("ALTER TABLE observations ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    for statement in KEYS_AND_INDEXES:
        op.execute(statement.replace("PRIMARY KEY (id, time)", "PRIMARY KEY (id)"))
    op.execute(f"INSERT INTO observations SELECT * FROM {OLD}")
    op.execute(
        "SELECT setval(pg_get_serial_sequence('observations', 'id'), "
        "COALESCE((SELECT max(id) FROM observations), 0) + 1, false)"
    )
    for statement in audit.trigger_statements(BY_ID["observations"]):
        op.execute(statement)
    op.execute(f"DROP TABLE {OLD} CASCADE")
