"""Observations indexed by time (BRIN) and by (station, time); exceedances name the bound they crossed
(generated from the registry, reviewed; the CHECK added by hand, autogenerate does not see it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:14:52.306392
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "exceedances",
        sa.Column("bound", sa.Text(), nullable=True, comment="限值方向 / Bound"),
    )
    op.create_check_constraint(
        op.f("ck_exceedances_bound_enum"), "exceedances", "\"bound\" IN ('upper', 'lower')"
    )
    # events stored before: a peak below its limit crossed a lower bound (DO, pH < 6)
    op.execute(
        "UPDATE exceedances SET bound = CASE WHEN peak < limit_value THEN 'lower' "
        "WHEN peak > limit_value THEN 'upper' END"
    )
    op.create_index(
        op.f("ix_observations_station_code_time"),
        "observations",
        ["station_code", "time"],
        unique=False,
    )
    op.create_index(
        op.f("ix_observations_time"),
        "observations",
        ["time"],
        unique=False,
        postgresql_using="brin",
        postgresql_with={"autosummarize": "on"},
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_observations_time"), table_name="observations")
    op.drop_index(op.f("ix_observations_station_code_time"), table_name="observations")
    op.drop_constraint(op.f("ck_exceedances_bound_enum"), "exceedances", type_="check")
    op.drop_column("exceedances", "bound")
