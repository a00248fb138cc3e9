"""Monitoring: the raw HJ 212 packet archive (append-only, partitioned by month) and the values
of factors outside the park's catalogue (written by hand from monitoring.schema, reviewed).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ARCHIVE_DDL = (
    "CREATE SEQUENCE monitoring_packet_archive_id_seq",
    """
CREATE TABLE monitoring_packet_archive (
    id BIGINT NOT NULL DEFAULT nextval('monitoring_packet_archive_id_seq'),
    received_utc TIMESTAMP WITH TIME ZONE NOT NULL,
    source TEXT NOT NULL,
    peer TEXT,
    valid BOOLEAN NOT NULL,
    reason_code TEXT,
    reason TEXT,
    mn TEXT,
    raw TEXT NOT NULL,
    raw_bytes INTEGER NOT NULL,
    CONSTRAINT pk_monitoring_packet_archive PRIMARY KEY (received_utc, id)
) PARTITION BY RANGE (received_utc)""",
    "ALTER SEQUENCE monitoring_packet_archive_id_seq OWNED BY monitoring_packet_archive.id",
    "CREATE INDEX ix_monitoring_packet_archive_mn ON monitoring_packet_archive (mn)",
    "COMMENT ON TABLE monitoring_packet_archive IS "
    "'原始报文存档 / Raw HJ 212 packets as received (append-only)'",
    "COMMENT ON COLUMN monitoring_packet_archive.received_utc IS '收到时间'",
    "COMMENT ON COLUMN monitoring_packet_archive.source IS 'listener, or log:<file name>'",
    "COMMENT ON COLUMN monitoring_packet_archive.peer IS '对端地址 / peer host:port'",
    "COMMENT ON COLUMN monitoring_packet_archive.reason_code IS 'why not valid: head, crc, mn ...'",
    "COMMENT ON COLUMN monitoring_packet_archive.raw IS 'the line as received (non-ASCII escaped)'",
    "COMMENT ON COLUMN monitoring_packet_archive.raw_bytes IS 'length received, before any cut'",
    # One partition per month (UTC), created by the writer before a batch needs it.
    """
CREATE OR REPLACE FUNCTION monitoring_archive_partition(month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    first_day date := date_trunc('month', month)::date;
    name text := format('monitoring_packet_archive_y%sm%s',
                        to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
BEGIN
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I PARTITION OF monitoring_packet_archive'
        ' FOR VALUES FROM (%L) TO (%L)',
        name, first_day::timestamp AT TIME ZONE 'UTC',
        (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    RETURN name;
END $$""",
    """
CREATE OR REPLACE FUNCTION monitoring_archive_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'monitoring_packet_archive is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$""",
    "CREATE TRIGGER archive_append_only BEFORE UPDATE OR DELETE ON monitoring_packet_archive"
    " FOR EACH ROW EXECUTE FUNCTION monitoring_archive_append_only()",
    "CREATE TRIGGER archive_no_truncate BEFORE TRUNCATE ON monitoring_packet_archive"
    " FOR EACH STATEMENT EXECUTE FUNCTION monitoring_archive_append_only()",
)


def upgrade() -> None:
    for statement in ARCHIVE_DDL:
        op.execute(statement)
    op.create_table(
        "monitoring_unregistered_values",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("station_code", sa.Text(), nullable=False),
        sa.Column("time", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("code", sa.Text(), nullable=False, comment="2017 code, or the code as sent"),
        sa.Column("sent_code", sa.Text(), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("flag", sa.Text(), nullable=True),
        sa.Column("mn", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_unregistered_values")),
        sa.UniqueConstraint(
            "station_code",
            "code",
            "time",
            name=op.f("uq_monitoring_unregistered_values_station_code_code_time"),
        ),
        comment="目录外因子的数值 / Values of factors outside the park's catalogue",
    )
    op.create_table(
        "monitoring_unregistered_codes",
        sa.Column("mn", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column(
            "name_zh", sa.Text(), nullable=True, comment="its name in the HJ 212-2017 tables"
        ),
        sa.Column("listed", sa.Boolean(), nullable=False, comment="in the HJ 212-2017 tables"),
        sa.Column("first_seen_utc", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("last_seen_utc", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("values_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("mn", "code", name=op.f("pk_monitoring_unregistered_codes")),
        comment="目录外因子报告 / Codes outside the catalogue, once per device and code",
    )


def downgrade() -> None:
    op.drop_table("monitoring_unregistered_codes")
    op.drop_table("monitoring_unregistered_values")
    op.execute("DROP TABLE monitoring_packet_archive")
    op.execute("DROP FUNCTION monitoring_archive_partition(date)")
    op.execute("DROP FUNCTION monitoring_archive_append_only()")
