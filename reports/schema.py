"""Tables of the reports package (not layers): the report runs, one per kind and period, and
the park's public notices (Jiangsu 7.8.3). The migrations compare this metadata with the
database too (``onemap.migrate.schema_drift``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    Identity,
    Index,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TIMESTAMP

from layers.schema import NAMING

metadata = MetaData(naming_convention=NAMING)

runs = Table(
    "report_runs",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("kind", Text, nullable=False, comment="报告类型 / Report kind"),
    Column("period", Text, nullable=False, comment="报告期 / Period as written (2025-06)"),
    Column("first_day", Date, nullable=False, comment="首日 / First day"),
    Column("end_day", Date, nullable=False, comment="次日 / Day after the period"),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column(
        "public",
        Boolean,
        nullable=False,
        server_default=text("false"),
        comment="公开 / Shown on /public",
    ),
    Column("xlsx_path", Text, nullable=False),
    Column("pdf_path", Text, nullable=False),
    Column(
        "generated_at",
        TIMESTAMP(timezone=True),
        nullable=False,
        server_default=text("clock_timestamp()"),
    ),
    Column("duration_s", Double, nullable=True, comment="用时 / Time to build and render (s)"),
    UniqueConstraint("kind", "period"),
    CheckConstraint("end_day > first_day", name="period_order"),
    comment="报告运行记录 / Report runs (one per kind and period)",
)

notices = Table(
    "public_notices",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("title_zh", Text, nullable=False, comment="标题 / Title (Chinese)"),
    Column("title_en", Text, nullable=True, comment="标题（英文）/ Title (English)"),
    Column("body_zh", Text, nullable=False, comment="正文 / Text (Chinese)"),
    Column("body_en", Text, nullable=True),
    Column(
        "category", Text, nullable=False, server_default=text("'notice'"), comment="类别 / Category"
    ),
    Column(
        "published_at",
        TIMESTAMP(timezone=True),
        nullable=False,
        server_default=text("clock_timestamp()"),
    ),
    Column("published_by", Text, nullable=False, comment="发布人 / Published by (login)"),
    Column("withdrawn_at", TIMESTAMP(timezone=True), nullable=True),
    Column("withdrawn_by", Text, nullable=True),
    CheckConstraint(
        "category IN ('notice', 'policy', 'eia', 'emergency', 'agency', 'report')",
        name="category_enum",
    ),
    Index(None, "published_at"),
    comment="园区公开信息 / The park's published notices (Jiangsu 7.8.3)",
)

#: Categories of notices (Guangxi L.1 item 4: policies, EIA, emergency information, agency).
CATEGORIES = {
    "notice": ("公告", "Notice"),
    "policy": ("政策", "Policy"),
    "eia": ("环评公示", "EIA"),
    "emergency": ("应急信息", "Emergency"),
    "agency": ("机构信息", "Agency"),
    "report": ("报告", "Report"),
}
