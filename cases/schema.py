"""Tables of the case workflows beside the case layers' own: the history of every transition
and the anonymous complaints' rate-limit log. The migrations compare this metadata with the
database too (``onemap.migrate.schema_drift``)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Identity, Index, MetaData, Table, Text, text
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
