"""The rollups' queue for deferred writers (the live listener): what a deferring transaction
added (count, sum, min, max per hour and day) and the buckets its updates and deletes touched,
folded in by ``monitoring.rollups.fold``; the rollup triggers queue for such a transaction
instead of merging, and skip an update with no rows (what every INSERT ... ON CONFLICT fires). Written by hand from monitoring.schema and monitoring.rollups.

Revision ID: 0017_rollup_queue
Revises: 0018_province_changes
Create Date: 2026-12-04 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from monitoring import rollups

revision = "0017_rollup_queue"
down_revision = "0018_province_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        rollups.QUEUE,
        sa.Column("station_code", sa.Text(), nullable=False),
        sa.Column("parameter", sa.Text(), nullable=False),
        sa.Column(
            "hour_utc",
            postgresql.TIMESTAMP(timezone=True),
            nullable=False,
            comment="start of the UTC hour",
        ),
        sa.Column("day", sa.Date(), nullable=False, comment="local calendar day (Asia/Shanghai)"),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("value_count", sa.Integer(), nullable=False),
        sa.Column("value_sum", sa.Double(), nullable=False),
        sa.Column("value_min", sa.Double(), nullable=True),
        sa.Column("value_max", sa.Double(), nullable=True),
        sa.Column(
            "recompute", sa.Boolean(), nullable=False, comment="an update or delete: recompute"
        ),
        comment="汇总待并入 / Rollup changes waiting to be folded in (deferred writers)",
    )
    for statement in rollups.FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    # the functions' deferred branches stay, unused: only a deferring writer reaches them
    op.drop_table(rollups.QUEUE)
