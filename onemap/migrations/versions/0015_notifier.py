"""The generic notifier (issues 13 and 14): each user's channels, one log of every delivery
(alerts and cases; the alerts' former ``monitoring_notifications`` rows moved into it), and the
cases' notices waiting to be sent; the noise, groundwater and soil campaigns' samples with their
judgement (``campaign_samples``, audited; generated from the registry, reviewed).

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-03 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from accounts import audit
from layers import BY_ID

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TS = postgresql.TIMESTAMP(timezone=True)


def upgrade() -> None:
    _campaign_samples()
    op.create_table(
        "notification_recipients",
        sa.Column("login", sa.Text(), nullable=False, comment="用户 / accounts_users.login"),
        sa.Column("channel", sa.Text(), nullable=False, comment="email or webhook"),
        sa.Column(
            "target", sa.Text(), nullable=False, comment="地址 / an e-mail address or a URL"
        ),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "channel IN ('email', 'webhook')",
            name=op.f("ck_notification_recipients_channel_known"),
        ),
        sa.PrimaryKeyConstraint(
            "login", "channel", "target", name=op.f("pk_notification_recipients")
        ),
        comment="通知渠道 / How each user is to be told (e-mail addresses, webhook URLs)",
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "topic", sa.Text(), nullable=False, comment="alert, or a case type (clues ...)"
        ),
        sa.Column("ref", sa.BigInteger(), nullable=False, comment="the alert's or the case's id"),
        sa.Column(
            "event",
            sa.Text(),
            nullable=False,
            comment="opened, closed, assigned, due_soon, overdue",
        ),
        sa.Column("channel", sa.Text(), nullable=False, comment="email or webhook"),
        sa.Column("targets", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("tried_utc", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
        comment="通知记录 / Each attempt to tell someone (alerts, cases)",
    )
    op.create_index(
        op.f("ix_notification_deliveries_topic_ref"),
        "notification_deliveries",
        ["topic", "ref"],
    )
    op.execute(
        "INSERT INTO notification_deliveries (topic, ref, event, channel, targets, attempt, ok,"
        " error, tried_utc) SELECT 'alert', alert_id, change, channel, targets, attempt, ok,"
        " error, tried_utc FROM monitoring_notifications ORDER BY id"
    )
    op.drop_table("monitoring_notifications")
    op.create_table(
        "case_notices",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "case_type", sa.Text(), nullable=False, comment="案件类型 / Case type (layer id)"
        ),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False, comment="assigned, due_soon or overdue"),
        sa.Column("deadline", TS, nullable=True, comment="the deadline told of"),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("sent_at", TS, nullable=True, comment="handed to the channels"),
        sa.CheckConstraint(
            "event IN ('assigned', 'due_soon', 'overdue')",
            name=op.f("ck_case_notices_event_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notices")),
        comment="案件通知待发 / Case notices to send (written with the change that causes them)",
    )
    op.create_index(
        "uq_case_notices_deadline",
        "case_notices",
        ["case_type", "case_id", "event", "deadline"],
        unique=True,
        postgresql_where=sa.text("event <> 'assigned'"),
    )
    op.create_index(
        "ix_case_notices_unsent",
        "case_notices",
        ["id"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("campaign_samples")
    op.drop_table("case_notices")
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
        sa.Column("tried_utc", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_notifications")),
        comment="告警通知记录 / Each attempt to tell someone of an alert",
    )
    op.create_index(
        "ix_monitoring_notifications_alert_id", "monitoring_notifications", ["alert_id"]
    )
    op.execute(
        "INSERT INTO monitoring_notifications (alert_id, change, channel, targets, attempt, ok,"
        " error, tried_utc) SELECT ref, event, channel, targets, attempt, ok, error, tried_utc"
        " FROM notification_deliveries WHERE topic = 'alert' ORDER BY id"
    )
    op.drop_table("notification_deliveries")
    op.drop_table("notification_recipients")


def _campaign_samples() -> None:
    op.create_table('campaign_samples',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('campaign', sa.Text(), nullable=False, comment='监测批次 / Campaign'),
    sa.Column('sample_id', sa.Text(), nullable=False, comment='样品编号 / Sample number'),
    sa.Column('station_code', sa.Text(), nullable=False, comment='站点编码 / Station code'),
    sa.Column('medium', sa.Text(), nullable=False, comment='监测要素 / Medium'),
    sa.Column('sampled_at', postgresql.TIMESTAMP(timezone=True), nullable=False, comment='采样时间 / Sampled at'),
    sa.Column('parameter', sa.Text(), nullable=False, comment='监测项目 / Parameter (HJ 212 code; CAS number for soil)'),
    sa.Column('period', sa.Text(), nullable=True, comment='时段 / Day or night (noise)'),
    sa.Column('value', sa.Double(), nullable=False, comment='监测值 / Value'),
    sa.Column('unit', sa.Text(), nullable=True, comment='单位 / Unit'),
    sa.Column('depth_m', sa.Double(), nullable=True, comment='采样深度 / Depth'),
    sa.Column('applies_class', sa.Text(), nullable=True, comment='执行类别 / Class judged against (zone, land use, use class)'),
    sa.Column('standard', sa.Text(), nullable=True, comment='执行标准 / Standard'),
    sa.Column('limit_value', sa.Double(), nullable=True, comment='限值（筛选值） / Limit (screening value)'),
    sa.Column('intervention_value', sa.Double(), nullable=True, comment='管制值 / Intervention value'),
    sa.Column('found_class', sa.Text(), nullable=True, comment='水质类别 / Class found (groundwater)'),
    sa.Column('result', sa.Text(), nullable=True, comment='判定结果 / Result'),
    sa.Column('limit_confirmed', sa.Boolean(), nullable=True, comment='限值已核实 / Limit confirmed against the text'),
    sa.Column('judged_at', postgresql.TIMESTAMP(timezone=True), nullable=True, comment='判定时间 / Judged at'),
    sa.CheckConstraint('"depth_m" >= 0', name=op.f('ck_campaign_samples_depth_m_min')),
    sa.CheckConstraint('"medium" IN (\'noise\', \'groundwater\', \'soil\')', name=op.f('ck_campaign_samples_medium_enum')),
    sa.CheckConstraint('"period" IN (\'day\', \'night\')', name=op.f('ck_campaign_samples_period_enum')),
    sa.CheckConstraint('"result" IN (\'meets\', \'exceeds\', \'above_screening\', \'above_intervention\', \'no_limit\')', name=op.f('ck_campaign_samples_result_enum')),
    sa.ForeignKeyConstraint(['station_code'], ['stations.code'], name=op.f('fk_campaign_samples_station_code'), onupdate='CASCADE', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_samples')),
    sa.UniqueConstraint('sample_id', 'parameter', name=op.f('uq_campaign_samples_sample_id_parameter')),
    comment='手工监测样品 / Sampling-campaign samples'
    )
    op.create_index(op.f('ix_campaign_samples_campaign'), 'campaign_samples', ['campaign'], unique=False, postgresql_using='btree', postgresql_with={})
    op.create_index(op.f('ix_campaign_samples_station_code_sampled_at'), 'campaign_samples', ['station_code', 'sampled_at'], unique=False, postgresql_using='btree', postgresql_with={})
    for statement in audit.trigger_statements(BY_ID["campaign_samples"]):
        op.execute(statement)
