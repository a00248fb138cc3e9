"""Fields of the registers enterprises declare themselves (Jiangsu 7.4.4-7.4.9), declared once."""

from __future__ import annotations

import datetime as dt

from layers.spec import Field, FieldType

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
