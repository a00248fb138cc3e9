"""The notifier's tables: each user's channels and the log of every delivery attempt.

Compared with the database by ``onemap.migrate.schema_drift`` as the other rooms' metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import TIMESTAMP

from layers.schema import NAMING

metadata = MetaData(naming_convention=NAMING)

recipients = Table(
    "notification_recipients",
    metadata,
    Column("login", Text, nullable=False, comment="用户 / accounts_users.login"),
    Column("channel", Text, nullable=False, comment="email or webhook"),
    Column("target", Text, nullable=False, comment="地址 / an e-mail address or a URL"),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", TIMESTAMP(timezone=True), nullable=False, server_default=text("now()")),
    PrimaryKeyConstraint("login", "channel", "target"),
    CheckConstraint("channel IN ('email', 'webhook')", name="channel_known"),
    comment="通知渠道 / How each user is to be told (e-mail addresses, webhook URLs)",
)

deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("topic", Text, nullable=False, comment="alert, or a case type (clues ...)"),
    Column("ref", BigInteger, nullable=False, comment="the alert's or the case's id"),
    Column("event", Text, nullable=False, comment="opened, closed, assigned, due_soon, overdue"),
    Column("channel", Text, nullable=False, comment="email or webhook"),
    Column("targets", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", Text, nullable=True),
    Column("tried_utc", TIMESTAMP(timezone=True), nullable=False),
    Index(None, "topic", "ref"),
    comment="通知记录 / Each attempt to tell someone (alerts, cases)",
)
