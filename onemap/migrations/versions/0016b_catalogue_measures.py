"""The characteristic-pollutant catalogue's derived columns (layers.pollutant_catalogue: what
each entry's enterprise is measured to emit, written by ``onemap quality --store``,
sources.catalogue); the table's audit trigger covers them.

Revision ID: 0016b
Revises: 0016
Create Date: 2026-12-04 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016b"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLE = "pollutant_catalogue"
CATALOGUE_COLUMNS = (
    ("outfalls", sa.Text(), "排放口 / Outfalls"),
    ("measured_year", sa.Integer(), "实测年份 / Year measured"),
    ("measured_concentration", sa.Double(), "实测平均浓度 / Mean concentration measured"),
    ("concentration_unit", sa.Text(), "浓度单位 / Concentration unit"),
    ("measured_load_t", sa.Double(), "实测年排放量 / Load measured"),
    ("measured_from", sa.Text(), "实测来源 / Measured by"),
)


CHECK = "ck_pollutant_catalogue_measured_from_enum"


def upgrade() -> None:
    for name, kind, comment in CATALOGUE_COLUMNS:
        op.add_column(TABLE, sa.Column(name, kind, comment=comment))
    op.create_check_constraint(op.f(CHECK), TABLE, "\"measured_from\" IN ('online', 'manual')")


def downgrade() -> None:
    op.drop_constraint(op.f(CHECK), TABLE, type_="check")
    for name, _, _ in reversed(CATALOGUE_COLUMNS):
        op.drop_column(TABLE, name)
