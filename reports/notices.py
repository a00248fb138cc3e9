"""The park's public notices (Jiangsu 7.8.3; Guangxi L.1 item 4): staff publish and withdraw
them; ``/public`` shows those not withdrawn, newest first. Withdrawing keeps the row (who
withdrew it and when) rather than deleting it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from reports.errors import ReportError, ReportNotFoundError
from reports.schema import CATEGORIES, notices

MAX_TITLE = 200
MAX_BODY = 20_000


class BadNoticeError(ReportError):
    """A notice body that cannot be published (missing title or text, unknown category)."""


def _text(body: Mapping[str, Any], name: str, limit: int, required: bool) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadNoticeError(f"缺少 {name} / {name} is required")
        return None
    if not isinstance(value, str):
        raise BadNoticeError(f"{name} 应为文本 / {name} must be a string")
    if len(value) > limit:
        raise BadNoticeError(f"{name} 超过 {limit} 字 / {name} is longer than {limit} characters")
    return value.strip()


def validated(body: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a notice from a request body; BadNoticeError saying what is wrong."""
    unknown = set(body) - {"title_zh", "title_en", "body_zh", "body_en", "category"}
    if unknown:
        raise BadNoticeError(f"未知字段 / unknown fields: {', '.join(sorted(unknown))}")
    category = body.get("category", "notice")
    if category not in CATEGORIES:
        raise BadNoticeError(
            f"未知类别 / unknown category {category!r}; one of {', '.join(CATEGORIES)}"
        )
    return {
        "title_zh": _text(body, "title_zh", MAX_TITLE, True),
        "title_en": _text(body, "title_en", MAX_TITLE, False),
        "body_zh": _text(body, "body_zh", MAX_BODY, True),
        "body_en": _text(body, "body_en", MAX_BODY, False),
        "category": category,
    }


def _row(row: sa.Row[Any]) -> dict[str, Any]:
    out = dict(row._mapping)
    zh, en = CATEGORIES[out["category"]]
    out["category_title"] = f"{zh} / {en}"
    return out


def publish(engine: sa.Engine, body: Mapping[str, Any], login: str) -> dict[str, Any]:
    """Publish a notice; the stored row."""
    values = validated(body) | {"published_by": login}
    with engine.begin() as connection:
        row = connection.execute(sa.insert(notices).values(**values).returning(notices)).one()
    return _row(row)


def withdraw(engine: sa.Engine, notice_id: int, login: str) -> dict[str, Any]:
    """Withdraw a published notice (again: no change); ReportNotFoundError when none."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        row = connection.execute(
            sa.update(notices)
            .where(notices.c.id == notice_id)
            .values(
                withdrawn_at=sa.func.coalesce(notices.c.withdrawn_at, now),
                withdrawn_by=sa.func.coalesce(notices.c.withdrawn_by, login),
            )
            .returning(notices)
        ).first()
    if row is None:
        raise ReportNotFoundError(f"无此公告 / no notice {notice_id}")
    return _row(row)


def published(engine: sa.Engine) -> list[dict[str, Any]]:
    """The notices not withdrawn, newest first."""
    query = (
        sa.select(notices)
        .where(notices.c.withdrawn_at.is_(None))
        .order_by(notices.c.published_at.desc(), notices.c.id.desc())
    )
    with engine.connect() as connection:
        return [_row(row) for row in connection.execute(query)]
