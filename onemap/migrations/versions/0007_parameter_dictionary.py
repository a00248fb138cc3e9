"""The parameter dictionary: HJ 212 codes with names, unit, medium and the limits in force
(generated from the registry, reviewed).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:42:40.601152
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from accounts import audit
from layers import BY_ID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parameters",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("code", sa.Text(), nullable=False, comment="因子编码 / HJ 212 code"),
        sa.Column("name_zh", sa.Text(), nullable=False, comment="中文名称 / Chinese name"),
        sa.Column("name_en", sa.Text(), nullable=False, comment="英文名称 / English name"),
        sa.Column("unit", sa.Text(), nullable=True, comment="单位 / Unit"),
        sa.Column("medium", sa.Text(), nullable=False, comment="介质 / Medium"),
        sa.Column("aliases", sa.Text(), nullable=True, comment="别名 / Other names"),
        sa.Column("limits", sa.Text(), nullable=True, comment="现行限值 / Limits in force"),
        sa.CheckConstraint("\"code\" ~ '^[a-z][0-9]{5}$'", name=op.f("ck_parameters_code_pattern")),
        sa.CheckConstraint(
            "\"medium\" IN ('met', 'air', 'water')", name=op.f("ck_parameters_medium_enum")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameters")),
        sa.UniqueConstraint("code", name=op.f("uq_parameters_code")),
        comment="监测因子字典 / Parameter dictionary",
    )
    for statement in audit.trigger_statements(BY_ID["parameters"]):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("parameters")
