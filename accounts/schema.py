"""Tables of accounts, roles, tokens, sign-in sessions and failures, and the audit trail.

They sit beside the registry's layer tables in the same database and the same migrations
(``onemap/migrations`` compares both metadata objects with the database).
"""

from __future__ import annotations

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
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
NOW = text("now()")

roles = Table(
    "accounts_roles",
    metadata,
    Column("name", Text, primary_key=True),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("permissions", ARRAY(Text), nullable=False),
    Column("builtin", Boolean, nullable=False, server_default=text("false")),
    comment="角色 / Roles: named sets of permissions",
)

users = Table(
    "accounts_users",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("login", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=True, comment="Argon2id; NULL: token-only account"),
    Column(
        "role",
        Text,
        ForeignKey("accounts_roles.name", onupdate="CASCADE", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("enterprises", ARRAY(Text), nullable=False, server_default=text("'{}'::text[]")),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", TIMESTAMP(timezone=True), nullable=False, server_default=NOW),
    Column("password_changed_at", TIMESTAMP(timezone=True), nullable=True),
    comment="用户 / Accounts",
)

tokens = Table(
    "accounts_tokens",
    metadata,
    Column("id", Text, primary_key=True, comment="public part of the token, shown in lists"),
    Column(
        "user_id", BigInteger, ForeignKey("accounts_users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("name", Text, nullable=True),
    Column("secret_sha256", Text, nullable=False, comment="SHA-256 of the secret part"),
    Column("created_at", TIMESTAMP(timezone=True), nullable=False, server_default=NOW),
    Column("expires_at", TIMESTAMP(timezone=True), nullable=True),
    Column("revoked_at", TIMESTAMP(timezone=True), nullable=True),
    Column("last_used_at", TIMESTAMP(timezone=True), nullable=True),
    comment="API令牌 / API tokens (stored hashed)",
)

sessions = Table(
    "accounts_sessions",
    metadata,
    Column("id_sha256", Text, primary_key=True, comment="SHA-256 of the session cookie"),
    Column(
        "user_id", BigInteger, ForeignKey("accounts_users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("csrf_token", Text, nullable=False),
    Column("created_at", TIMESTAMP(timezone=True), nullable=False, server_default=NOW),
    Column("expires_at", TIMESTAMP(timezone=True), nullable=False),
    comment="登录会话 / Sign-in sessions of the page",
)

login_failures = Table(
    "accounts_login_failures",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("login", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("at", TIMESTAMP(timezone=True), nullable=False, server_default=NOW),
    Index(None, "login", "at"),
    Index(None, "address", "at"),
    comment="登录失败记录 / Failed sign-ins, for throttling",
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column(
        "at", TIMESTAMP(timezone=True), nullable=False, server_default=text("clock_timestamp()")
    ),
    Column("actor", Text, nullable=False),
    Column("layer", Text, nullable=False),
    Column("feature_id", BigInteger, nullable=True),
    Column("action", Text, nullable=False),
    Column("rows", Integer, nullable=False, server_default=text("1")),
    Column("before", JSONB, nullable=True),
    Column("after", JSONB, nullable=True),
    Index(None, "layer", "feature_id", "id"),
    comment="审计日志（只追加）/ Audit trail (append-only)",
)
