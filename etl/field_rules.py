"""What a field's declaration says about one value: how a cell's text becomes the stored value
and, when it cannot, the reason in Chinese and English.

One :class:`FieldRule` per field serves both ways values are validated.
:func:`etl.validate.parse_field` applies its steps to a column of a file (each distinct text
once, numbers and dates vectorised); :meth:`FieldRule.judge` applies them to one value (a
feature written through the API, where a column's fixed cost — a dozen pandas calls per field —
was most of a write's time). The messages, the look-ups, the number and date grammars and the
checks are the rule's, so the two cannot drift apart; ``tests/etl/test_field_rules.py`` runs a
corpus of good and bad values of every field through both and compares values and reasons.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from etl.dates import date_of, instant_of
from etl.headers import (
    BOOLEAN_WORDS,
    NO_VALUE_MARKS,
    choice_labels,
    choice_lookup,
    field_title,
    fold,
    value_resolver,
)
from layers.spec import Field, FieldType

#: PostgreSQL's ``integer``, the column of INTEGER fields: a larger number is rejected here
#: rather than by the database (a failed COPY, or a write's 500).
INTEGER_RANGE = (-(2**31), 2**31 - 1)
_LIST_SEPARATORS = re.compile(r"[;；,，、|/\s]+")


def quoted(template: str, value: object) -> str:
    """``template`` with each ``{}`` replaced by ``value`` as given, quoted."""
    return template.replace("{}", repr(str(value)))


def is_missing(value: object) -> bool:
    """Whether a cell holds nothing (None, NaN, NaT, pd.NA); a list is never missing."""
    return value is None or (not isinstance(value, list | tuple) and bool(pd.isna(value)))


def cell_text(value: object) -> str | None:
    """A cell as stripped text; None where absent or blank."""
    return None if is_missing(value) else (str(value).strip() or None)


def clean_number(text: str) -> str:
    """A number's text with full-width digits folded and thousands separators removed."""
    return unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")


@dataclass(frozen=True)
class FieldRule:
    """One field's rules: its messages (``{}`` is the value as given) and its per-value steps."""

    field: Field
    title: str
    lookup: Mapping[str, str | int]
    resolver: Callable[[str], str | None] | None
    invalid_choice: str
    unknown_value: str
    not_number: str
    not_integer: str
    beyond_integer: str
    below: str
    above: str
    not_yes_no: str
    not_date: str
    not_time: str
    missing: str
    mismatch: str

    # -- per-value steps (the column path maps them over distinct texts) -------------------
    def text_of(self, raw: object) -> str | None:
        """The cell's text, None when empty (or a "no value" mark in a non-text field)."""
        text = cell_text(raw)
        textual = self.field.type in (FieldType.TEXT, FieldType.TEXT_LIST)
        if text is not None and not textual and text.casefold() in NO_VALUE_MARKS:
            return None
        return text

    def choice(self, text: str) -> str | int | None:
        """The stored value a spelling of one of the choices stands for, else None."""
        value = self.lookup.get(fold(text))
        if value is None and self.field.type is FieldType.INTEGER:
            number = pd.to_numeric(unicodedata.normalize("NFKC", text), errors="coerce")
            if pd.notna(number) and float(number).is_integer():
                value = self.lookup.get(str(int(number)))
        return value

    def elements(self, text: str) -> list[str]:
        """A list cell's elements, each resolved to its stored spelling where known."""
        resolver = self.resolver or (lambda element: element)
        return [resolver(e) or e for e in _LIST_SEPARATORS.split(text) if e]

    @staticmethod
    def boolean(text: str) -> bool | None:
        """是/否, yes/no, √/× and their kin as a boolean, else None."""
        return BOOLEAN_WORDS.get(fold(text))

    @staticmethod
    def number(text: str) -> float:
        """The number a text writes (``１２,５00.5``), NaN when it is not one."""
        value = pd.to_numeric(clean_number(text), errors="coerce")
        return float(value) if pd.notna(value) else math.nan

    def out_of_range(self, number: float, text: str) -> list[str]:
        """The reasons ``number`` (written as ``text``) lies outside the field's bounds."""
        problems = []
        if self.field.minimum is not None and number < self.field.minimum:
            problems.append(quoted(self.below, text))
        if self.field.maximum is not None and number > self.field.maximum:
            problems.append(quoted(self.above, text))
        return problems

    def matches(self, value: object) -> bool:
        """Whether a text value matches the field's pattern (``re.match``, as SQL's ``~ '^'``)."""
        return self.field.pattern is None or re.match(self.field.pattern, str(value)) is not None

    # -- one value ---------------------------------------------------------------------------
    def judge(self, raw: object, zone: zoneinfo.ZoneInfo) -> tuple[object, list[str]]:
        """One cell parsed to the field's storage value (None when empty or bad) and the reasons
        it is rejected, in the order the column path reports them."""
        f, text = self.field, self.text_of(raw)
        value: object = None
        problems: list[str] = []
        if text is not None:
            value, problems = self._parse(text, zone)
        elif f.required:
            problems.append(self.missing)
        if value is not None:
            problem = f.check(value) if f.check is not None else None
            if problem is not None:
                problems.append(str(problem))
            elif f.pattern and f.type is FieldType.TEXT and not self.matches(value):
                problems.append(quoted(self.mismatch, value))
        return value, problems

    def _parse(self, text: str, zone: zoneinfo.ZoneInfo) -> tuple[object, list[str]]:
        f = self.field
        value: object
        if f.choices:
            value = self.choice(text)
            if value is None:
                return None, [quoted(self.invalid_choice, text)]
            return (int(value) if f.type is FieldType.INTEGER else value), []
        if f.type is FieldType.TEXT:
            value = self.resolver(text) if self.resolver is not None else text
            return value, [] if value is not None else [quoted(self.unknown_value, text)]
        if f.type is FieldType.TEXT_LIST:
            return self.elements(text), []
        if f.type in (FieldType.INTEGER, FieldType.REAL):
            number = self.number(text)
            if not math.isfinite(number):
                return None, [quoted(self.not_number, text)]
            if f.type is FieldType.INTEGER and number % 1 != 0:
                return None, [quoted(self.not_integer, text)]
            if f.type is FieldType.INTEGER and not INTEGER_RANGE[0] <= number <= INTEGER_RANGE[1]:
                return None, [quoted(self.beyond_integer, text)]
            problems = self.out_of_range(number, text)
            return (int(number) if f.type is FieldType.INTEGER else number), problems
        if f.type is FieldType.BOOLEAN:
            value = self.boolean(text)
            return value, [] if value is not None else [quoted(self.not_yes_no, text)]
        if f.type is FieldType.DATE:
            day: dt.date | None = date_of(text)
            return day, [] if day is not None else [quoted(self.not_date, text)]
        if f.type is FieldType.TIMESTAMPTZ:
            instant = instant_of(text, zone)
            return instant, [] if instant is not None else [quoted(self.not_time, text)]
        raise AssertionError(f.type)  # pragma: no cover - FieldType is closed


@functools.cache
def rule_for(f: Field) -> FieldRule:
    """The rule of ``f`` (made once per field)."""
    title, name = field_title(f), f.name
    bounds = (
        f"{f.minimum:g}" if f.minimum is not None else "",
        f"{f.maximum:g}" if f.maximum is not None else "",
    )
    return FieldRule(
        field=f,
        title=title,
        lookup=choice_lookup(f),
        resolver=value_resolver(f),
        invalid_choice=f"{title} 取值{{}}无效，应为 {choice_labels(f)} / invalid {name} {{}}",
        unknown_value=f"{title} 无法识别{{}} / unknown {name} {{}}",
        not_number=f"{title} 不是数字{{}} / {name} is not a number {{}}",
        not_integer=f"{title} 应为整数{{}} / {name} must be an integer {{}}",
        beyond_integer=f"{title} 超出整数范围{{}} / {name} is beyond the integer range {{}}",
        below=f"{title} 小于下限 {bounds[0]}{{}} / {name} below {bounds[0]} {{}}",
        above=f"{title} 大于上限 {bounds[1]}{{}} / {name} above {bounds[1]} {{}}",
        not_yes_no=f"{title} 应为是/否{{}} / {name} must be yes/no {{}}",
        not_date=f"{title} 日期无法识别{{}} / {name} is not a date {{}}",
        not_time=f"{title} 时间无法识别{{}} / {name} is not a time {{}}",
        missing=f"缺少必填字段 {title} / required {name} is missing",
        mismatch=f"{title} 格式不符{{}}（{f.pattern}）/ {name} does not match {f.pattern}: {{}}",
    )
