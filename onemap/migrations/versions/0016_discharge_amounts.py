"""The devices' own amounts (HJ 212-2017 ``Cou``) in a table of their own (written from
monitoring.schema): a column of the public observations empty in most rows would be typed text
by GDAL's OAPIF driver. Not a layer (no API collection, no audit: rows of a device's packets,
archived raw in monitoring_packet_archive). And the characteristic-pollutant catalogue's
derived columns (layers.pollutant_catalogue: what each entry's enterprise is measured to emit,
written by ``onemap quality --store``; the table's audit trigger covers them).

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


CATALOGUE_COLUMNS = (
    ("outfalls", sa.Text(), "排放口 / Outfalls"),
    ("measured_year", sa.Integer(), "实测年份 / Year measured"),
    ("measured_concentration", sa.Double(), "实测平均浓度 / Mean concentration measured"),
    ("concentration_unit", sa.Text(), "浓度单位 / Concentration unit"),
    ("measured_load_t", sa.Double(), "实测年排放量 / Load measured"),
    ("measured_from", sa.Text(), "实测来源 / Measured by"),
)


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

    catalogue = "pollutant_catalogue"
    for name, kind, comment in CATALOGUE_COLUMNS:
        op.add_column(catalogue, sa.Column(name, kind, comment=comment))
    op.create_check_constraint(
        op.f("ck_pollutant_catalogue_measured_from_enum"),
        catalogue,
        "\"measured_from\" IN ('online', 'manual')",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_pollutant_catalogue_measured_from_enum"), "pollutant_catalogue", type_="check"
    )
    for name, _, _ in reversed(CATALOGUE_COLUMNS):
        op.drop_column("pollutant_catalogue", name)
    op.drop_table("monitoring_discharge_amounts")
