"""Report periods: ``2025-06-01`` (day), ``2025-W23`` (ISO week), ``2025-06`` (month),
``2025-Q2`` (quarter) and ``2025`` (year), each a half-open interval of local days in the park's
zone (Asia/Shanghai, like the judgement of :mod:`monitoring.quality`).

A period is "closed" once its end has passed; a report of a period still running, or of the
future, is refused (the figures would change under it).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reports.errors import BadPeriodError

ZONE = ZoneInfo("Asia/Shanghai")


class Granularity(enum.StrEnum):
    """How long a period is."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_PATTERNS: tuple[tuple[Granularity, re.Pattern[str]], ...] = (
    (Granularity.DAY, re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    (Granularity.WEEK, re.compile(r"^(\d{4})-W(\d{2})$")),
    (Granularity.MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (Granularity.QUARTER, re.compile(r"^(\d{4})-Q([1-4])$")),
    (Granularity.YEAR, re.compile(r"^(\d{4})$")),
)
EXAMPLES = "2025-06-01, 2025-W23, 2025-06, 2025-Q2, 2025"


@dataclass(frozen=True, order=True)
class Period:
    """``[first_day, end_day)`` of local dates, with its label as written (``2025-06``)."""

    first_day: dt.date
    end_day: dt.date
    granularity: Granularity
    label: str

    @property
    def start(self) -> dt.datetime:
        """The first instant, in the park's zone."""
        return dt.datetime.combine(self.first_day, dt.time(), ZONE)

    @property
    def end(self) -> dt.datetime:
        """The instant after the period (exclusive), in the park's zone."""
        return dt.datetime.combine(self.end_day, dt.time(), ZONE)

    @property
    def days(self) -> int:
        """The number of days in the period."""
        return (self.end_day - self.first_day).days

    def closed(self, now: dt.datetime) -> bool:
        """Whether the period is over at ``now`` (tz-aware)."""
        return now >= self.end

    def year_before(self) -> Period:
        """The same period one year earlier (a week: the same ISO week number)."""
        year = self.first_day.year
        if self.granularity is Granularity.DAY:  # the same date; 29 February → 28 February
            try:
                before = self.first_day.replace(year=year - 1)
            except ValueError:
                before = dt.date(year - 1, 2, 28)
            return containing(before, Granularity.DAY)
        if self.granularity is Granularity.WEEK:
            year = self.first_day.isocalendar().year
        return _from_parts(self.granularity, year - 1, _index(self))

    def previous(self) -> Period:
        """The period of the same granularity just before this one."""
        return containing(self.first_day - dt.timedelta(days=1), self.granularity)

    def title(self) -> tuple[str, str]:
        """A Chinese and an English name of the period (``2025年6月`` / ``June 2025``)."""
        y = self.first_day.year
        match self.granularity:
            case Granularity.DAY:
                d = self.first_day
                return f"{y}年{d.month}月{d.day}日", d.strftime("%d %B %Y")
            case Granularity.WEEK:
                iso = self.first_day.isocalendar()
                last = self.end_day - dt.timedelta(days=1)
                return (
                    f"{iso.year}年第{iso.week}周（{self.first_day:%m.%d}-{last:%m.%d}）",
                    f"week {iso.week} of {iso.year}",
                )
            case Granularity.MONTH:
                return f"{y}年{self.first_day.month}月", self.first_day.strftime("%B %Y")
            case Granularity.QUARTER:
                q = (self.first_day.month - 1) // 3 + 1
                return f"{y}年第{q}季度", f"Q{q} {y}"
        return f"{y}年", str(y)


def _index(period: Period) -> int:
    match period.granularity:
        case Granularity.DAY:
            return period.first_day.timetuple().tm_yday
        case Granularity.WEEK:
            return period.first_day.isocalendar().week
        case Granularity.MONTH:
            return period.first_day.month
        case Granularity.QUARTER:
            return (period.first_day.month - 1) // 3 + 1
    return 1


def _from_parts(granularity: Granularity, year: int, index: int) -> Period:
    """The ``index``-th period of ``granularity`` in ``year`` (day: day of year)."""
    match granularity:
        case Granularity.DAY:
            first = dt.date(year, 1, 1) + dt.timedelta(days=index - 1)
            if first.year != year:  # 29 February a year before a leap year
                first -= dt.timedelta(days=1)
            return Period(first, first + dt.timedelta(days=1), granularity, first.isoformat())
        case Granularity.WEEK:
            weeks = dt.date(year, 12, 28).isocalendar().week
            first = dt.date.fromisocalendar(year, min(index, weeks), 1)
            label = f"{year}-W{min(index, weeks):02d}"
            return Period(first, first + dt.timedelta(days=7), granularity, label)
        case Granularity.MONTH:
            first = dt.date(year, index, 1)
            return Period(first, _add_months(first, 1), granularity, f"{year}-{index:02d}")
        case Granularity.QUARTER:
            first = dt.date(year, 3 * index - 2, 1)
            return Period(first, _add_months(first, 3), granularity, f"{year}-Q{index}")
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), granularity, str(year))


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def parse(text: str) -> Period:
    """The period written ``text``; :class:`BadPeriodError` when it is none of the forms."""
    value = text.strip()
    for granularity, pattern in _PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        numbers = [int(g) for g in match.groups()]
        year = numbers[0]
        try:
            if granularity is Granularity.DAY:
                day = dt.date(year, numbers[1], numbers[2])
                return Period(day, day + dt.timedelta(days=1), granularity, day.isoformat())
            if granularity is Granularity.WEEK:
                dt.date.fromisocalendar(year, numbers[1], 1)
            elif granularity is Granularity.MONTH and not 1 <= numbers[1] <= 12:
                raise ValueError("month")
            if year < 1900:
                raise ValueError("year")
        except ValueError:
            break
        return _from_parts(granularity, year, numbers[1] if len(numbers) > 1 else 1)
    raise BadPeriodError(f"无效的报告期 / bad period {text!r}: write one of {EXAMPLES}")


def containing(day: dt.date, granularity: Granularity) -> Period:
    """The period of ``granularity`` that holds ``day``."""
    match granularity:
        case Granularity.DAY:
            return Period(day, day + dt.timedelta(days=1), granularity, day.isoformat())
        case Granularity.WEEK:
            iso = day.isocalendar()
            return _from_parts(granularity, iso.year, iso.week)
        case Granularity.MONTH:
            return _from_parts(granularity, day.year, day.month)
        case Granularity.QUARTER:
            return _from_parts(granularity, day.year, (day.month - 1) // 3 + 1)
    return _from_parts(granularity, day.year, 1)


def last_closed(granularity: Granularity, now: dt.datetime) -> Period:
    """The latest period of ``granularity`` that is over at ``now``."""
    today = now.astimezone(ZONE).date()
    return containing(today, granularity).previous()
