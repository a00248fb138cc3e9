"""pH as two bounds (``bound`` in standard_limits' key, no unit for a dimensionless limit);
stations' hourly AQI (generated from the registry, reviewed).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:28:43.005194
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The naming convention's names exceed PostgreSQL's 63 characters, so SQLAlchemy shortens them
# with a hash; autogenerate wrote the long form for the new one, which PostgreSQL would cut
# differently. These are the names the registry's metadata renders.
OLD_KEY = "uq_standard_limits_standard_edition_parameter_quality_c_a84b"
NEW_KEY = "uq_standard_limits_standard_edition_parameter_quality_c_7d03"


def upgrade() -> None:
    op.alter_column(
        "standard_limits",
        "unit",
        existing_type=sa.TEXT(),
        nullable=True,
        existing_comment="单位 / Unit",
    )
    op.drop_constraint(op.f(OLD_KEY), "standard_limits", type_="unique")
    op.create_unique_constraint(
        op.f(NEW_KEY),
        "standard_limits",
        ["standard", "edition", "parameter", "quality_class", "period", "bound", "valid_from"],
    )
    op.add_column(
        "stations",
        sa.Column(
            "aqi", sa.Integer(), nullable=True, comment="空气质量指数（小时） / AQI (hourly)"
        ),
    )
    op.add_column(
        "stations",
        sa.Column(
            "aqi_time",
            postgresql.TIMESTAMP(timezone=True),
            nullable=True,
            comment="AQI时间 / AQI hour",
        ),
    )
    op.add_column(
        "stations",
        sa.Column(
            "primary_pollutant",
            sa.Text(),
            nullable=True,
            comment="首要污染物 / Primary pollutant(s)",
        ),
    )


def downgrade() -> None:
    # Refused by PostgreSQL while pH limits are stored (no unit, two rows for one old key):
    # delete them first.
    op.drop_column("stations", "primary_pollutant")
    op.drop_column("stations", "aqi_time")
    op.drop_column("stations", "aqi")
    op.drop_constraint(op.f(NEW_KEY), "standard_limits", type_="unique")
    op.create_unique_constraint(
        op.f(OLD_KEY),
        "standard_limits",
        ["standard", "edition", "parameter", "quality_class", "period", "valid_from"],
    )
    op.alter_column(
        "standard_limits",
        "unit",
        existing_type=sa.TEXT(),
        nullable=False,
        existing_comment="单位 / Unit",
    )
