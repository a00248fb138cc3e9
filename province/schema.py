"""The provincial tables: the parks harvested, what was last harvested of each collection,
and the harvested features (one table for every collection: the park's layer id, its feature
id, its time and properties as the park's API served them, and its geometry)."""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Column, Index, MetaData, PrimaryKeyConstraint, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP

from layers.schema import NAMING

metadata = MetaData(naming_convention=NAMING)

parks = Table(
    "province_parks",
    metadata,
    Column("code", Text, nullable=False, comment="园区代码 / park code"),
    Column("url", Text, nullable=False, comment="the park's OGC API landing page"),
    Column("token", Text, nullable=True, comment="a bearer token for its shared layers"),
    Column("added_utc", TIMESTAMP(timezone=True), nullable=False),
    PrimaryKeyConstraint("code"),
    comment="省级汇聚的园区 / Parks the province harvests",
)

harvests = Table(
    "province_harvests",
    metadata,
    Column("park_code", Text, nullable=False),
    Column("collection", Text, nullable=False),
    Column("harvested_utc", TIMESTAMP(timezone=True), nullable=False),
    Column("latest_time", TIMESTAMP(timezone=True), nullable=True, comment="newest datetime seen"),
    Column("features", BigInteger, nullable=False, comment="features read in the last harvest"),
    Column(
        "changes_position",
        BigInteger,
        nullable=True,
        comment="the park's change feed read up to (its audit trail's position)",
    ),
    PrimaryKeyConstraint("park_code", "collection"),
    comment="每园区每图层的最近汇聚 / The last harvest of each park's collection",
)

features = Table(
    "province_features",
    metadata,
    Column("park_code", Text, nullable=False),
    Column("collection", Text, nullable=False),
    Column("feature_id", Text, nullable=False),
    Column("time", TIMESTAMP(timezone=True), nullable=True),
    Column("properties", JSONB, nullable=False),
    Column(
        "geom",
        Geometry("GEOMETRY", srid=4326, spatial_index=False),
        nullable=True,
    ),
    PrimaryKeyConstraint("park_code", "collection", "feature_id"),
    Index("idx_province_features_geom", "geom", postgresql_using="gist"),
    comment="各园区汇聚的要素 / Features harvested from the parks",
)
