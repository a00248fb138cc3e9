"""What a report holds, independent of how it is rendered: sections of tables, charts drawn
from those tables, calendars, figures and notes. The XLSX and the PDF are both rendered from
one :class:`Report` (``reports.xlsx``, ``reports.pdf``), so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from reports.periods import Period


@dataclass(frozen=True)
class Column:
    """A table column: Chinese and English headings and a unit."""

    zh: str
    en: str
    unit: str | None = None

    @property
    def heading(self) -> str:
        """``中文 / English (unit)`` in one line."""
        unit = f" ({self.unit})" if self.unit else ""
        return f"{self.zh} / {self.en}{unit}"


@dataclass(frozen=True)
class Table:
    """Rows of plain values (str, int, float, date, None) under ``columns``."""

    zh: str
    en: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    #: said in place of the rows when there are none
    empty_zh: str = "本期无记录"
    empty_en: str = "none in this period"


@dataclass(frozen=True)
class Chart:
    """A chart of ``table``: categories from one column, one series per value column.

    The XLSX draws it natively from the table's cells; the PDF as an SVG of the same numbers.
    """

    zh: str
    en: str
    table: Table
    kind: Literal["column", "bar", "line", "pie"] = "column"
    category_column: int = 0
    value_columns: tuple[int, ...] = (1,)
    stacked: bool = False


@dataclass(frozen=True)
class CalendarDay:
    """One day of a calendar chart: its value, a label and a fill colour (``#rrggbb``)."""

    day: dt.date
    value: float | None
    label: str
    color: str


@dataclass(frozen=True)
class Calendar:
    """A calendar chart: days laid out as weeks × weekdays, one block per month."""

    zh: str
    en: str
    days: tuple[CalendarDay, ...]
    legend: tuple[tuple[str, str], ...] = ()  # (label, colour)


@dataclass(frozen=True)
class Figure:
    """A drawn figure: SVG for the PDF and PNG for the XLSX."""

    zh: str
    en: str
    svg: str
    png: bytes


@dataclass(frozen=True)
class Note:
    """A paragraph (e.g. what a module lacks)."""

    zh: str
    en: str = ""


Block = Table | Chart | Calendar | Figure | Note


@dataclass
class Section:
    """A titled part of the report; one sheet of the XLSX."""

    id: str
    zh: str
    en: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        """Append ``blocks``; the section, for chaining."""
        self.blocks.extend(blocks)
        return self


@dataclass
class Report:
    """A whole report of one kind and period."""

    kind: str
    period: Period
    zh: str
    en: str
    park_name: str
    generated_utc: dt.datetime
    sections: list[Section] = field(default_factory=list)
    #: figures on the cover: (label zh, label en, value)
    highlights: list[tuple[str, str, str]] = field(default_factory=list)
    #: "wide" tables (forms such as Table I.2) render in landscape
    landscape: bool = False

    def section(self, section_id: str, zh: str, en: str) -> Section:
        """Add and return a new section."""
        new = Section(section_id, zh, en)
        self.sections.append(new)
        return new
