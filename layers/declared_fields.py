"""Fields of the registers enterprises declare themselves (Jiangsu 7.4.4-7.4.9), declared once."""

from __future__ import annotations

import datetime as dt

from layers.spec import Field, FieldType, choice

#: The enterprise a declared row belongs to (it scopes the enterprise's reads and writes).
DECLARING_ENTERPRISE = Field(
    "credit_code",
    FieldType.TEXT,
    "统一社会信用代码",
    "Enterprise credit code",
    required=True,
    references="enterprises.credit_code",
    aliases=("企业信用代码",),
)


def not_in_the_future(value: object) -> str | None:
    """``None`` for a date, a ``YYYY-MM`` month or a year that has begun, else the reason."""
    today = dt.date.today()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        late = value > today
    elif isinstance(value, int):
        late = value > today.year
    elif isinstance(value, str) and len(value) == 7:
        late = value > today.strftime("%Y-%m")
    else:
        return None
    return f"{value} 在将来 / {value} is in the future" if late else None


#: A month of declared data: ``YYYY-MM``, not in the future.
MONTH = Field(
    "period",
    FieldType.TEXT,
    "月份",
    "Month",
    required=True,
    pattern="^[0-9]{4}-(0[1-9]|1[0-2])$",
    check=not_in_the_future,
    aliases=("统计月份", "月度"),
)


def tonnes(name: str, zh: str, en: str, *aliases: str) -> Field:
    """A non-negative amount in tonnes."""
    return Field(name, FieldType.REAL, zh, en, unit="t", minimum=0, aliases=aliases)


#: The review of a declared row (``Layer.declared``): ``submitted`` by the enterprise until the
#: office ``accept``s it or ``return``s it with a reason (Jiangsu 7.1.1: enterprises declare,
#: the authority checks). Written only by the review and the policy's rules for a write
#: (``accounts.policy``); never read from a file.
REVIEW_STATUS = Field(
    "review_status",
    FieldType.TEXT,
    "审核状态",
    "Review",
    required=True,
    choices=(
        choice("submitted", "已申报待审核", "Submitted"),
        choice("accepted", "已通过", "Accepted"),
        choice("returned", "已退回", "Returned"),
    ),
    derived=True,
)
#: The SQL condition of the declared rows that count in judgements and totals: those the
#: office accepted (submitted and returned rows do not).
ACCEPTED = "review_status = 'accepted'"
REVIEW = (
    REVIEW_STATUS,
    Field("review_reason", FieldType.TEXT, "退回原因", "Reason returned", derived=True),
    Field("reviewed_by", FieldType.TEXT, "审核人", "Reviewed by", derived=True),
    Field("reviewed_at", FieldType.TIMESTAMPTZ, "审核时间", "Reviewed at", derived=True),
)
