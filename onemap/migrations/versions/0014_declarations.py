"""What enterprises declare is reviewed (Jiangsu 7.1.1, 7.4.2-7.4.9): the declared registers
gain their review fields. Rows stored before are the office's loads: they are accepted; a new
row is submitted unless the writer says otherwise (``accounts.policy.review_on_write``).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

#: The registers of 0010 that become declared layers.
DECLARED = ("solid_waste", "ldar_checks", "energy_use", "carbon_accounts")
STATES = "'submitted', 'accepted', 'returned'"


def _add_review(table: str) -> None:
    op.add_column(
        table,
        sa.Column(
            "review_status",
            sa.Text(),
            nullable=False,
            server_default="accepted",  # the rows already stored
            comment="审核状态 / Review",
        ),
    )
    op.alter_column(table, "review_status", server_default="submitted")
    op.add_column(
        table, sa.Column("review_reason", sa.Text(), comment="退回原因 / Reason returned")
    )
    op.add_column(table, sa.Column("reviewed_by", sa.Text(), comment="审核人 / Reviewed by"))
    op.add_column(
        table,
        sa.Column("reviewed_at", sa.DateTime(timezone=True), comment="审核时间 / Reviewed at"),
    )
    op.create_check_constraint(
        op.f(f"ck_{table}_review_status_enum"), table, f'"review_status" IN ({STATES})'
    )


def upgrade() -> None:
    for table in DECLARED:
        _add_review(table)


def downgrade() -> None:
    for table in DECLARED:
        op.drop_constraint(op.f(f"ck_{table}_review_status_enum"), table, type_="check")
        for column in ("reviewed_at", "reviewed_by", "review_reason", "review_status"):
            op.drop_column(table, column)
