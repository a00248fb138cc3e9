"""Tables of the monitoring package that are not layers: the raw packet archive and the
values of factors outside the park's catalogue.

They sit beside the registry's tables in the same migrations (``onemap.migrate.schema_drift``
compares this metadata with the database too). The archive is partitioned by month of
``received_utc``; partitions (``monitoring_packet_archive_yYYYYmMM``) are created on demand by
:func:`monitoring.archive.ensure_partitions` and are left out of the comparison.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    Double,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Sequence,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TIMESTAMP
from sqlalchemy.schema import SchemaItem

from layers.partitions import MonthlyTable
from layers.schema import NAMING

metadata = MetaData(naming_convention=NAMING)
ARCHIVE = "monitoring_packet_archive"
PARTITION_PREFIX = f"{ARCHIVE}_y"
#: Its months as ``onemap db maintain`` keeps them (no default partition: the writer creates
#: the month of each batch, :func:`monitoring.archive.ensure_partitions`).
ARCHIVE_MONTHS = MonthlyTable(ARCHIVE, "received_utc", has_default=False)
#: PostgreSQL 15 has no identity columns on partitioned tables: a plain sequence.
archive_id = Sequence(f"{ARCHIVE}_id_seq", metadata=metadata)

packet_archive = Table(
    ARCHIVE,
    metadata,
    Column("id", BigInteger, archive_id, nullable=False, server_default=archive_id.next_value()),
    Column("received_utc", TIMESTAMP(timezone=True), nullable=False, comment="收到时间"),
    Column("source", Text, nullable=False, comment="listener, or log:<file name>"),
    Column("peer", Text, nullable=True, comment="对端地址 / peer host:port"),
    Column("valid", Boolean, nullable=False),
    Column("reason_code", Text, nullable=True, comment="why not valid: head, crc, mn ..."),
    Column("reason", Text, nullable=True),
    Column("mn", Text, nullable=True),
    Column("raw", Text, nullable=False, comment="the line as received (non-ASCII escaped)"),
    Column("raw_bytes", Integer, nullable=False, comment="length received, before any cut"),
    PrimaryKeyConstraint("received_utc", "id"),
    postgresql_partition_by="RANGE (received_utc)",
    comment="原始报文存档 / Raw HJ 212 packets as received (append-only)",
)

unregistered_values = Table(
    "monitoring_unregistered_values",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("station_code", Text, nullable=False),
    Column("time", TIMESTAMP(timezone=True), nullable=False),
    Column("code", Text, nullable=False, comment="2017 code, or the code as sent"),
    Column("sent_code", Text, nullable=False),
    Column("value", Double, nullable=True),
    Column("unit", Text, nullable=True),
    Column("flag", Text, nullable=True),
    Column("mn", Text, nullable=False),
    UniqueConstraint("station_code", "code", "time"),
    comment="目录外因子的数值 / Values of factors outside the park's catalogue",
)

unregistered_codes = Table(
    "monitoring_unregistered_codes",
    metadata,
    Column("mn", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("name_zh", Text, nullable=True, comment="its name in the HJ 212-2017 tables"),
    Column("listed", Boolean, nullable=False, comment="in the HJ 212-2017 tables"),
    Column("first_seen_utc", TIMESTAMP(timezone=True), nullable=False),
    Column("last_seen_utc", TIMESTAMP(timezone=True), nullable=False),
    Column("values_count", BigInteger, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("mn", "code"),
    comment="目录外因子报告 / Codes outside the catalogue, once per device and code",
)

Index("ix_monitoring_packet_archive_mn", packet_archive.c.mn)


def _rollup(name: str, bucket: Column[object], comment: str, *extra: SchemaItem) -> Table:
    return Table(
        name,
        metadata,
        *extra,
        Column("station_code", Text, nullable=False),
        Column("parameter", Text, nullable=False),
        bucket,
        Column("unit", Text, nullable=True),
        Column("value_count", Integer, nullable=False, comment="valid values (flag N or none)"),
        Column("value_sum", Double, nullable=False),
        Column("value_min", Double, nullable=True),
        Column("value_max", Double, nullable=True),
        Column(
            "value_mean", Double, Computed("value_sum / NULLIF(value_count, 0)", persisted=True)
        ),
        PrimaryKeyConstraint("station_code", "parameter", bucket.name),
        Index(f"ix_{name}_{bucket.name}", bucket.name),
        comment=comment,
    )


#: Hourly and daily aggregates of valid observations, kept by triggers (monitoring.rollups).
observations_hourly = _rollup(
    "observations_hourly",
    Column("hour_utc", TIMESTAMP(timezone=True), nullable=False, comment="start of the UTC hour"),
    "小时汇总 / Hourly count, mean, min and max per station and parameter",
)
observations_daily = _rollup(
    "observations_daily",
    Column("day", Date, nullable=False, comment="local calendar day (Asia/Shanghai)"),
    "日汇总 / Daily count, mean, min and max per station and parameter",
    # the feature id of the daily_means collection: kept by a bucket for its life (the
    # rollups update a bucket in place), and the key its pages are read by
    Column("id", BigInteger, Identity(always=False), nullable=False, unique=True),
)

#: The devices' own amounts (HJ 212-2017 ``Cou``: what was discharged in the data's interval, kg
#: of a pollutant, m³ of a flow), where a device sends them; the outfalls' loads prefer them to
#: concentration × flow (sources.loads). A table of their own, not a column of the public
#: observations: a column empty in most rows would be typed text by GDAL's OAPIF driver.
discharge_amounts = Table(
    "monitoring_discharge_amounts",
    metadata,
    Column("station_code", Text, nullable=False),
    Column("parameter", Text, nullable=False, comment="HJ 212-2017 code"),
    Column("time", TIMESTAMP(timezone=True), nullable=False, comment="DataTime: interval start"),
    Column("interval", Text, nullable=False, comment="hour (2061) or day (2031)"),
    Column("amount", Double, nullable=False, comment="Cou: kg of a pollutant, m³ of a flow"),
    PrimaryKeyConstraint("station_code", "parameter", "interval", "time"),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
    CheckConstraint("interval IN ('hour', 'day')", name="interval_known"),
    comment="设备排放量（Cou） / Amounts discharged per interval as the devices report them",
)

#: What a deferring writer (the live listener) added to the rollups, and the buckets its
#: updates and deletes touched (``recompute``), brought in by :func:`monitoring.rollups.fold`:
#: append-only for the writers, no index (an insert costs the writer's transaction least),
#: emptied by each fold.
observations_rollup_queue = Table(
    "observations_rollup_queue",
    metadata,
    Column("station_code", Text, nullable=False),
    Column("parameter", Text, nullable=False),
    Column("hour_utc", TIMESTAMP(timezone=True), nullable=False, comment="start of the UTC hour"),
    Column("day", Date, nullable=False, comment="local calendar day (Asia/Shanghai)"),
    Column("unit", Text, nullable=True),
    Column("value_count", Integer, nullable=False),
    Column("value_sum", Double, nullable=False),
    Column("value_min", Double, nullable=True),
    Column("value_max", Double, nullable=True),
    Column("recompute", Boolean, nullable=False, comment="an update or delete: recompute"),
    comment="汇总待并入 / Rollup changes waiting to be folded in (deferred writers)",
)
