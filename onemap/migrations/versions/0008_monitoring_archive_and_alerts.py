"""Monitoring: the raw HJ 212 packet archive (append-only, partitioned by month), the values
of factors outside the park's catalogue and the log of notifications (written by hand from
monitoring.schema), and the alerts layer (generated from the registry, reviewed; with its audit triggers).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from accounts import audit
from layers import BY_ID

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


def _create_alerts() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False, comment="告警类型 / Kind"),
        sa.Column("state", sa.Text(), nullable=False, comment="状态 / State"),
        sa.Column("station_code", sa.Text(), nullable=False, comment="站点编码 / Station code"),
        sa.Column("subject", sa.Text(), nullable=False, comment="告警对象 / Subject"),
        sa.Column(
            "parameter", sa.Text(), nullable=True, comment="监测因子 / Parameter (HJ 212 code)"
        ),
        sa.Column("period", sa.Text(), nullable=True, comment="平均时间 / Averaging period"),
        sa.Column(
            "opened_at",
            postgresql.TIMESTAMP(timezone=True),
            nullable=False,
            comment="开始时间 / Opened (data time)",
        ),
        sa.Column(
            "last_time",
            postgresql.TIMESTAMP(timezone=True),
            nullable=True,
            comment="最近时间 / Latest data time",
        ),
        sa.Column(
            "closed_at",
            postgresql.TIMESTAMP(timezone=True),
            nullable=True,
            comment="关闭时间 / Closed (data time)",
        ),
        sa.Column("value", sa.Double(), nullable=True, comment="最新值 / Latest value"),
        sa.Column("peak", sa.Double(), nullable=True, comment="峰值 / Peak"),
        sa.Column("limit_value", sa.Double(), nullable=True, comment="限值 / Limit"),
        sa.Column("bound", sa.Text(), nullable=True, comment="限值方向 / Bound"),
        sa.Column("unit", sa.Text(), nullable=True, comment="单位 / Unit"),
        sa.Column("standard", sa.Text(), nullable=True, comment="执行标准 / Standard"),
        sa.Column("quality_class", sa.Text(), nullable=True, comment="类别 / Class"),
        sa.Column("flag", sa.Text(), nullable=True, comment="数据标记 / Data flag"),
        sa.Column("message_zh", sa.Text(), nullable=True, comment="告警内容 / Message (Chinese)"),
        sa.Column(
            "message_en",
            sa.Text(),
            nullable=True,
            comment="告警内容（英文） / Message (English)",
        ),
        sa.Column(
            "credit_code",
            sa.Text(),
            nullable=True,
            comment="统一社会信用代码 / Enterprise credit code",
        ),
        sa.Column("acknowledged_by", sa.Text(), nullable=True, comment="确认人 / Acknowledged by"),
        sa.Column(
            "acknowledged_at",
            postgresql.TIMESTAMP(timezone=True),
            nullable=True,
            comment="确认时间 / Acknowledged at",
        ),
        sa.Column(
            "updated_at",
            postgresql.TIMESTAMP(timezone=True),
            nullable=True,
            comment="更新时间 / Updated at",
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
        sa.CheckConstraint("\"bound\" IN ('upper', 'lower')", name=op.f("ck_alerts_bound_enum")),
        sa.CheckConstraint(
            "\"kind\" IN ('exceedance', 'anomaly', 'disconnection')",
            name=op.f("ck_alerts_kind_enum"),
        ),
        sa.CheckConstraint(
            "\"parameter\" ~ '^[a-z][0-9]{5}$'", name=op.f("ck_alerts_parameter_pattern")
        ),
        sa.CheckConstraint(
            "\"period\" IN ('1h', '8h', '24h', 'annual', 'sample')",
            name=op.f("ck_alerts_period_enum"),
        ),
        sa.CheckConstraint(
            "\"state\" IN ('open', 'acknowledged', 'closed')", name=op.f("ck_alerts_state_enum")
        ),
        sa.CheckConstraint("ST_IsValid(geom)", name=op.f("ck_alerts_geom_valid")),
        sa.ForeignKeyConstraint(
            ["station_code"],
            ["stations.code"],
            name=op.f("fk_alerts_station_code"),
            onupdate="CASCADE",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "kind",
            "station_code",
            "subject",
            "opened_at",
            name=op.f("uq_alerts_kind_station_code_subject_opened_at"),
        ),
        comment="告警 / Alerts",
    )
    op.create_index("idx_alerts_geom", "alerts", ["geom"], unique=False, postgresql_using="gist")
    op.create_index(
        op.f("ix_alerts_state_station_code"),
        "alerts",
        ["state", "station_code"],
        unique=False,
        postgresql_using="btree",
    )
    op.create_index(
        op.f("ix_alerts_updated_at"),
        "alerts",
        ["updated_at"],
        unique=False,
        postgresql_using="btree",
    )
    for statement in audit.trigger_statements(BY_ID["alerts"]):
        op.execute(statement)


def upgrade() -> None:
    _create_alerts()
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
    op.create_table(
        "monitoring_notifications",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.BigInteger(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False, comment="email or webhook"),
        sa.Column("targets", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("tried_utc", postgresql.TIMESTAMP(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_notifications")),
        comment="告警通知记录 / Each attempt to tell someone of an alert",
    )
    op.create_index(
        "ix_monitoring_notifications_alert_id", "monitoring_notifications", ["alert_id"]
    )


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("monitoring_notifications")
    op.drop_table("monitoring_unregistered_codes")
    op.drop_table("monitoring_unregistered_values")
    op.execute("DROP TABLE monitoring_packet_archive")
    op.execute("DROP FUNCTION monitoring_archive_partition(date)")
    op.execute("DROP FUNCTION monitoring_archive_append_only()")
