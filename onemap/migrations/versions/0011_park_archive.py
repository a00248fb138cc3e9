"""The park's own archive (Guangxi Appendix E, Table E.2): a document may be filed under an E.2
item of the park instead of an E.1 item of an enterprise.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "documents",
        sa.Column("park_item", sa.Integer(), nullable=True, comment="园区档案条目 / Guangxi E.2 item"),
    )
    # the park's own E.2 items (item 1 is the enterprises' E.1 files, filed per enterprise),
    # and a document is filed in one archive at most
    op.create_check_constraint(
        op.f("ck_documents_park_item_range"), "documents", "park_item BETWEEN 2 AND 7"
    )
    op.create_check_constraint(
        op.f("ck_documents_one_archive"), "documents", "archive_item IS NULL OR park_item IS NULL"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_documents_one_archive"), "documents", type_="check")
    op.drop_constraint(op.f("ck_documents_park_item_range"), "documents", type_="check")
    op.drop_column("documents", "park_item")
