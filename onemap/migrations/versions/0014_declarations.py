"""What enterprises declare is reviewed (Jiangsu 7.1.1, 7.4.2-7.4.9): the declared registers
gain their review fields; operating-condition points with their alarm thresholds (7.4.7) and
the manual and fugitive monitoring results enterprises enter (7.4.2, 7.4.3) are new declared
layers, each with its audit triggers (the tables generated from the registry, reviewed). Rows
stored before are the office's loads: they are accepted; a new row is submitted unless the
writer says otherwise (``accounts.policy.review_on_write``).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from accounts import audit
from layers import BY_ID

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


#: The layer tables this revision creates, each given its audit triggers.
CREATED = ("operating_conditions", "manual_monitoring")


def upgrade() -> None:
    for table in DECLARED:
        _add_review(table)
    op.create_geospatial_table(
        "operating_conditions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "credit_code",
            sa.Text(),
            nullable=False,
            comment="统一社会信用代码 / Enterprise credit code",
        ),
        sa.Column("code", sa.Text(), nullable=False, comment="工况监测点位编号 / Point code"),
        sa.Column("facility", sa.Text(), nullable=False, comment="治理设施 / Treatment facility"),
        sa.Column("facility_type", sa.Text(), nullable=True, comment="设施类型 / Facility type"),
        sa.Column("quantity", sa.Text(), nullable=False, comment="工况监测指标 / What is measured"),
        sa.Column("station_code", sa.Text(), nullable=False, comment="站点编码 / Station code"),
        sa.Column(
            "parameter", sa.Text(), nullable=False, comment="监测因子 / Parameter (HJ 212 code)"
        ),
        sa.Column("unit", sa.Text(), nullable=True, comment="单位 / Unit"),
        sa.Column("lower_limit", sa.Double(), nullable=True, comment="报警下限 / Alarm below"),
        sa.Column("upper_limit", sa.Double(), nullable=True, comment="报警上限 / Alarm above"),
        sa.Column(
            "review_status",
            sa.Text(),
            nullable=False,
            server_default="submitted",
            comment="审核状态 / Review",
        ),
        sa.Column("review_reason", sa.Text(), nullable=True, comment="退回原因 / Reason returned"),
        sa.Column("reviewed_by", sa.Text(), nullable=True, comment="审核人 / Reviewed by"),
        sa.Column(
            "reviewed_at",
            postgresql.TIMESTAMP(timezone=True),
            nullable=True,
            comment="审核时间 / Reviewed at",
        ),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            "\"code\" ~ '^[0-9A-Za-z-]{1,32}$'", name=op.f("ck_operating_conditions_code_pattern")
        ),
        sa.CheckConstraint(
            "\"facility_type\" IN ('wastewater_treatment', 'desulfurisation', 'denitrification', 'dust_removal', 'vocs_treatment', 'other')",
            name=op.f("ck_operating_conditions_facility_type_enum"),
        ),
        sa.CheckConstraint(
            "\"parameter\" ~ '^[a-z][0-9]{5}$'",
            name=op.f("ck_operating_conditions_parameter_pattern"),
        ),
        sa.CheckConstraint(
            "\"review_status\" IN ('submitted', 'accepted', 'returned')",
            name=op.f("ck_operating_conditions_review_status_enum"),
        ),
        sa.CheckConstraint("ST_IsValid(geom)", name=op.f("ck_operating_conditions_geom_valid")),
        sa.ForeignKeyConstraint(
            ["credit_code"],
            ["enterprises.credit_code"],
            name=op.f("fk_operating_conditions_credit_code"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["station_code"],
            ["stations.code"],
            name=op.f("fk_operating_conditions_station_code"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operating_conditions")),
        sa.UniqueConstraint("code", name=op.f("uq_operating_conditions_code")),
    )
    # create_geospatial_table leaves the table's comment out
    op.create_table_comment("operating_conditions", "工况监控 / Operating conditions")
    op.create_geospatial_index(
        "idx_operating_conditions_geom",
        "operating_conditions",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_table(
        "manual_monitoring",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "credit_code",
            sa.Text(),
            nullable=False,
            comment="统一社会信用代码 / Enterprise credit code",
        ),
        sa.Column(
            "outfall_code",
            sa.Text(),
            nullable=False,
            comment="监测点位（排放口编号） / Point (outfall code)",
        ),
        sa.Column("kind", sa.Text(), nullable=False, comment="监测类别 / Kind"),
        sa.Column(
            "sampled_at",
            postgresql.TIMESTAMP(timezone=True),
            nullable=False,
            comment="采样时间 / Sampled at",
        ),
        sa.Column(
            "parameter", sa.Text(), nullable=False, comment="监测因子 / Parameter (HJ 212 code)"
        ),
        sa.Column("value", sa.Double(), nullable=False, comment="监测值 / Value"),
        sa.Column("unit", sa.Text(), nullable=True, comment="单位 / Unit"),
        sa.Column("laboratory", sa.Text(), nullable=True, comment="监测单位 / Laboratory"),
        sa.Column("report_no", sa.Text(), nullable=True, comment="报告编号 / Report number"),
        sa.Column("limit_value", sa.Double(), nullable=True, comment="执行限值 / Limit"),
        sa.Column("limit_source", sa.Text(), nullable=True, comment="限值依据 / Limit from"),
        sa.Column("exceeded", sa.Boolean(), nullable=True, comment="是否超标 / Exceeded"),
        sa.Column(
            "review_status",
            sa.Text(),
            nullable=False,
            server_default="submitted",
            comment="审核状态 / Review",
        ),
        sa.Column("review_reason", sa.Text(), nullable=True, comment="退回原因 / Reason returned"),
        sa.Column("reviewed_by", sa.Text(), nullable=True, comment="审核人 / Reviewed by"),
        sa.Column(
            "reviewed_at",
            postgresql.TIMESTAMP(timezone=True),
            nullable=True,
            comment="审核时间 / Reviewed at",
        ),
        sa.CheckConstraint(
            "\"kind\" IN ('manual', 'fugitive')", name=op.f("ck_manual_monitoring_kind_enum")
        ),
        sa.CheckConstraint(
            "\"parameter\" ~ '^[a-z][0-9]{5}$'", name=op.f("ck_manual_monitoring_parameter_pattern")
        ),
        sa.CheckConstraint(
            "\"review_status\" IN ('submitted', 'accepted', 'returned')",
            name=op.f("ck_manual_monitoring_review_status_enum"),
        ),
        sa.ForeignKeyConstraint(
            ["credit_code"],
            ["enterprises.credit_code"],
            name=op.f("fk_manual_monitoring_credit_code"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["outfall_code"],
            ["outfalls.code"],
            name=op.f("fk_manual_monitoring_outfall_code"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_monitoring")),
        sa.UniqueConstraint(
            "outfall_code",
            "parameter",
            "sampled_at",
            name=op.f("uq_manual_monitoring_outfall_code_parameter_sampled_at"),
        ),
        comment="手工监测 / Manual monitoring",
    )
    op.create_index(
        op.f("ix_manual_monitoring_credit_code_sampled_at"),
        "manual_monitoring",
        ["credit_code", "sampled_at"],
        unique=False,
        postgresql_using="btree",
        postgresql_with={},
    )
    for layer_id in CREATED:
        for statement in audit.trigger_statements(BY_ID[layer_id]):
            op.execute(statement)


def downgrade() -> None:
    op.drop_index(
        op.f("ix_manual_monitoring_credit_code_sampled_at"),
        table_name="manual_monitoring",
        postgresql_using="btree",
        postgresql_with={},
    )
    op.drop_table("manual_monitoring")
    op.drop_geospatial_index(
        "idx_operating_conditions_geom",
        table_name="operating_conditions",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("operating_conditions")
    for table in DECLARED:
        op.drop_constraint(op.f(f"ck_{table}_review_status_enum"), table, type_="check")
        for column in ("reviewed_at", "reviewed_by", "review_reason", "review_status"):
            op.drop_column(table, column)
