"""The provincial harvest remembers how far it read each park's change feed (the park's audit
trail position), so that a layer without a time is harvested by its changes, deletions too.

Revision ID: 0018_province_changes
Revises: 0016b
Create Date: 2026-12-04 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_province_changes"
down_revision = "0016b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "province_harvests",
        sa.Column(
            "changes_position",
            sa.BigInteger(),
            nullable=True,
            comment="the park's change feed read up to (its audit trail's position)",
        ),
    )


def downgrade() -> None:
    op.drop_column("province_harvests", "changes_position")
