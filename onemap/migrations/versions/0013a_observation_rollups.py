"""Hourly and daily rollups of observations (count, sum, min, max and the generated mean per
station, parameter and bucket), kept by statement-level triggers on observations and filled
from the observations already stored (written by hand from monitoring.schema and
monitoring.rollups).

Revision ID: 0013a
Revises: 0013
Create Date: 2026-12-03 17:50:00
"""

from __future__ import annotations

import sys
import time

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from monitoring import rollups

revision = "0013a"
down_revision = "0013"
branch_labels = None
depends_on = None


def _create(name: str, bucket: sa.Column[object], comment: str) -> None:
    op.create_table(
        name,
        sa.Column("station_code", sa.Text(), nullable=False),
        sa.Column("parameter", sa.Text(), nullable=False),
        bucket,
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column(
            "value_count", sa.Integer(), nullable=False, comment="valid values (flag N or none)"
        ),
        sa.Column("value_sum", sa.Double(), nullable=False),
        sa.Column("value_min", sa.Double(), nullable=True),
        sa.Column("value_max", sa.Double(), nullable=True),
        sa.Column(
            "value_mean",
            sa.Double(),
            sa.Computed("value_sum / NULLIF(value_count, 0)", persisted=True),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("station_code", "parameter", bucket.name, name=f"pk_{name}"),
        comment=comment,
    )
    op.create_index(f"ix_{name}_{bucket.name}", name, [bucket.name])


def upgrade() -> None:
    started = time.monotonic()
    _create(
        "observations_hourly",
        sa.Column(
            "hour_utc",
            postgresql.TIMESTAMP(timezone=True),
            nullable=False,
            comment="start of the UTC hour",
        ),
        "小时汇总 / Hourly count, mean, min and max per station and parameter",
    )
    _create(
        "observations_daily",
        sa.Column("day", sa.Date(), nullable=False, comment="local calendar day (Asia/Shanghai)"),
        "日汇总 / Daily count, mean, min and max per station and parameter",
    )
    for statement in (*rollups.FUNCTIONS, *rollups.TRIGGERS):
        op.execute(statement)
    hours, days = rollups.rebuild(op.get_bind())
    print(
        f"observation rollups: {hours} hours, {days} days in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def downgrade() -> None:
    for name in ("rollup_insert", "rollup_update", "rollup_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON observations")
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP FUNCTION IF EXISTS onemap_rollup_{name}()")
    op.drop_table("observations_daily")
    op.drop_table("observations_hourly")
