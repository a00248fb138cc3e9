"""The provincial tables: parks, their harvests and the harvested features (written from
province.schema).

Revision ID: 0013b
Revises: 0013a
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0013b"
down_revision = "0013a"
branch_labels = None
depends_on = None

UTC_TIME = postgresql.TIMESTAMP(timezone=True)


def upgrade() -> None:
    op.create_table(
        "province_parks",
        sa.Column("code", sa.Text(), nullable=False, comment="园区代码 / park code"),
        sa.Column("url", sa.Text(), nullable=False, comment="the park's OGC API landing page"),
        sa.Column(
            "token", sa.Text(), nullable=True, comment="a bearer token for its shared layers"
        ),
        sa.Column("added_utc", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_province_parks")),
        comment="省级汇聚的园区 / Parks the province harvests",
    )
    op.create_table(
        "province_harvests",
        sa.Column("park_code", sa.Text(), nullable=False),
        sa.Column("collection", sa.Text(), nullable=False),
        sa.Column("harvested_utc", UTC_TIME, nullable=False),
        sa.Column("latest_time", UTC_TIME, nullable=True, comment="newest datetime seen"),
        sa.Column(
            "features", sa.BigInteger(), nullable=False, comment="features read in the last harvest"
        ),
        sa.PrimaryKeyConstraint("park_code", "collection", name=op.f("pk_province_harvests")),
        comment="每园区每图层的最近汇聚 / The last harvest of each park's collection",
    )
    op.create_table(
        "province_features",
        sa.Column("park_code", sa.Text(), nullable=False),
        sa.Column("collection", sa.Text(), nullable=False),
        sa.Column("feature_id", sa.Text(), nullable=False),
        sa.Column("time", UTC_TIME, nullable=True),
        sa.Column("properties", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="GEOMETRY",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint(
            "park_code", "collection", "feature_id", name=op.f("pk_province_features")
        ),
        comment="各园区汇聚的要素 / Features harvested from the parks",
    )
    op.create_index(
        "idx_province_features_geom", "province_features", ["geom"], postgresql_using="gist"
    )


def downgrade() -> None:
    op.drop_table("province_features")
    op.drop_table("province_harvests")
    op.drop_table("province_parks")
