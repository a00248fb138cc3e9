"""The rollups' queue for deferred writers (the live listener): the hours a deferring
transaction touched, recomputed by ``monitoring.rollups.fold``; the rollup triggers queue for
such a transaction instead of merging, and skip an update with no rows (what every INSERT ...
ON CONFLICT fires). Written by hand from monitoring.schema and monitoring.rollups.

Revision ID: 0017_rollup_queue
Revises: 0013b
Create Date: 2026-12-04 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from monitoring import rollups

revision = "0017_rollup_queue"
down_revision = "0013b"
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
        comment="汇总待更新 / Rollup buckets waiting to be recomputed (deferred writers)",
    )
    for statement in rollups.FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    # the functions' deferred branches stay, unused: only a deferring writer reaches them
    op.drop_table(rollups.QUEUE)
