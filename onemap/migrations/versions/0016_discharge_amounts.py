"""The devices' own amounts (HJ 212-2017 ``Cou``) in a table of their own (written from
monitoring.schema): a column of the public observations empty in most rows would be typed text
by GDAL's OAPIF driver. Not a layer (no API collection, no audit: rows of a device's packets,
archived raw in monitoring_packet_archive).

Revision ID: 0016
Revises: 0013b
Create Date: 2026-12-04 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0013b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_discharge_amounts",
        sa.Column("station_code", sa.Text(), nullable=False),
        sa.Column("parameter", sa.Text(), nullable=False, comment="HJ 212-2017 code"),
        sa.Column(
            "time",
            postgresql.TIMESTAMP(timezone=True),
            nullable=False,
            comment="DataTime: interval start",
        ),
        sa.Column("interval", sa.Text(), nullable=False, comment="hour (2061) or day (2031)"),
        sa.Column(
            "amount", sa.Double(), nullable=False, comment="Cou: kg of a pollutant, m³ of a flow"
        ),
        sa.CheckConstraint(
            "amount >= 0", name=op.f("ck_monitoring_discharge_amounts_amount_not_negative")
        ),
        sa.CheckConstraint(
            "interval IN ('hour', 'day')",
            name=op.f("ck_monitoring_discharge_amounts_interval_known"),
        ),
        sa.PrimaryKeyConstraint(
            "station_code",
            "parameter",
            "interval",
            "time",
            name=op.f("pk_monitoring_discharge_amounts"),
        ),
        comment="设备排放量（Cou） / Amounts discharged per interval as the devices report them",
    )


def downgrade() -> None:
    op.drop_table("monitoring_discharge_amounts")
