"""Tables of the case workflows beside the case layers' own: the history of every transition,
the documents' metadata and the anonymous complaints' rate-limit log. The migrations compare
this metadata with the database too (``onemap.migrate.schema_drift``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP

from layers.schema import NAMING

metadata = MetaData(naming_convention=NAMING)

transitions = Table(
    "case_transitions",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("case_type", Text, nullable=False, comment="案件类型 / Case type (layer id)"),
    Column("case_id", BigInteger, nullable=False, comment="案件标识 / Case feature id"),
    Column("transition", Text, nullable=False, comment="办理环节 / Transition"),
    Column("from_state", Text, nullable=True),
    Column("to_state", Text, nullable=False),
    Column("actor", Text, nullable=False, comment="办理人 / Who (user:LOGIN, public)"),
    Column(
        "at", TIMESTAMP(timezone=True), nullable=False, server_default=text("clock_timestamp()")
    ),
    Column("comment", Text, nullable=True, comment="办理意见 / Comment"),
    Column("changes", JSONB, nullable=True, comment="本环节设置的字段 / Fields it set"),
    Index(None, "case_type", "case_id", "id"),
    comment="案件办理记录 / The history of every case transition (append-only)",
)

complaint_attempts = Table(
    "case_complaint_attempts",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("address_sha256", Text, nullable=False, comment="SHA-256 of the client address"),
    Column("at", TIMESTAMP(timezone=True), nullable=False, server_default=text("now()")),
    Index(None, "address_sha256", "at"),
    comment="匿名投诉频次 / Anonymous complaints per address, for rate limiting",
)

documents = Table(
    "documents",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("sha256", Text, nullable=False, comment="内容摘要 / SHA-256 of the content"),
    Column("media_type", Text, nullable=False, comment="类型（按内容判断） / Type, by content"),
    Column("size_bytes", BigInteger, nullable=False),
    Column("filename", Text, nullable=False, comment="显示名称 / Display name (never a path)"),
    Column("uploaded_by", Text, nullable=False),
    Column("uploaded_at", TIMESTAMP(timezone=True), nullable=False, server_default=text("now()")),
    Column("credit_code", Text, nullable=True, comment="所属企业 / Owner enterprise"),
    Column("case_type", Text, nullable=True),
    Column("case_id", BigInteger, nullable=True),
    Column("transition_id", BigInteger, nullable=True, comment="case_transitions.id"),
    Column("archive_item", Integer, nullable=True, comment="一企一档条目 / Guangxi E.1 item"),
    Column("park_item", Integer, nullable=True, comment="园区档案条目 / Guangxi E.2 item"),
    Column("title", Text, nullable=True),
    Column("issued_on", Date, nullable=True, comment="发证日期 / Issued"),
    Column("expires_on", Date, nullable=True, comment="有效期至 / Expires"),
    CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_pattern"),
    CheckConstraint("size_bytes > 0", name="size_positive"),
    CheckConstraint("archive_item BETWEEN 1 AND 33", name="archive_item_range"),
    # the park's own items of E.2 (item 1 is the enterprises' E.1 files, filed per enterprise)
    CheckConstraint("park_item BETWEEN 2 AND 7", name="park_item_range"),
    CheckConstraint("archive_item IS NULL OR park_item IS NULL", name="one_archive"),
    CheckConstraint(
        "expires_on IS NULL OR issued_on IS NULL OR expires_on >= issued_on",
        name="expiry_after_issue",
    ),
    Index(None, "case_type", "case_id"),
    Index(None, "credit_code", "archive_item"),
    comment="文件（内容寻址存储的元数据） / Documents: metadata of the content-addressed files",
)

notices = Table(
    "case_notices",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("case_type", Text, nullable=False, comment="案件类型 / Case type (layer id)"),
    Column("case_id", BigInteger, nullable=False),
    Column("event", Text, nullable=False, comment="assigned, due_soon or overdue"),
    Column("deadline", TIMESTAMP(timezone=True), nullable=True, comment="the deadline told of"),
    Column("created_at", TIMESTAMP(timezone=True), nullable=False, server_default=text("now()")),
    Column("sent_at", TIMESTAMP(timezone=True), nullable=True, comment="handed to the channels"),
    CheckConstraint("event IN ('assigned', 'due_soon', 'overdue')", name="event_known"),
    # a deadline is announced once as near and once as past, whatever the sweeps' rhythm
    Index(
        "uq_case_notices_deadline",
        "case_type",
        "case_id",
        "event",
        "deadline",
        unique=True,
        postgresql_where=text("event <> 'assigned'"),
    ),
    Index("ix_case_notices_unsent", "id", postgresql_where=text("sent_at IS NULL")),
    comment="案件通知待发 / Case notices to send (written with the change that causes them)",
)
