"""Report periods: every written form, the bad ones, and the arithmetic the schedule uses."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.errors import BadPeriodError
from reports.periods import ZONE, Granularity, last_closed, parse


@pytest.mark.parametrize(
    ("text", "first", "end", "granularity"),
    [
        ("2025-06-01", dt.date(2025, 6, 1), dt.date(2025, 6, 2), Granularity.DAY),
        ("2025-W23", dt.date(2025, 6, 2), dt.date(2025, 6, 9), Granularity.WEEK),
        ("2025-06", dt.date(2025, 6, 1), dt.date(2025, 7, 1), Granularity.MONTH),
        ("2025-12", dt.date(2025, 12, 1), dt.date(2026, 1, 1), Granularity.MONTH),
        ("2025-Q2", dt.date(2025, 4, 1), dt.date(2025, 7, 1), Granularity.QUARTER),
        ("2025-Q4", dt.date(2025, 10, 1), dt.date(2026, 1, 1), Granularity.QUARTER),
        ("2025", dt.date(2025, 1, 1), dt.date(2026, 1, 1), Granularity.YEAR),
        # ISO week 1 of 2026 starts on Monday 29 December 2025
        ("2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 5), Granularity.WEEK),
    ],
)
def test_every_form_is_a_half_open_interval_of_days(
    text: str, first: dt.date, end: dt.date, granularity: Granularity
) -> None:
    period = parse(text)
    assert (period.first_day, period.end_day, period.granularity) == (first, end, granularity)
    assert period.label == text
    assert period.start == dt.datetime(first.year, first.month, first.day, tzinfo=ZONE)


@pytest.mark.parametrize(
    "text", ["2025-13", "2025-00", "2025-02-30", "2025-W54", "2025-Q5", "25", "June", "", "2025-6"]
)
def test_malformed_periods_are_refused_with_the_forms(text: str) -> None:
    with pytest.raises(BadPeriodError, match="2025-W23"):
        parse(text)


def test_the_same_period_a_year_before() -> None:
    assert parse("2025-06").year_before().label == "2024-06"
    assert parse("2025-Q2").year_before().label == "2024-Q2"
    assert parse("2025-W23").year_before().label == "2024-W23"
    assert parse("2025-03-01").year_before().label == "2024-03-01"
    # 2024 is a leap year: its 60th day is 29 February, which 2023 has not
    assert parse("2024-02-29").year_before().label == "2023-02-28"


def test_a_period_is_closed_once_its_end_has_passed_in_the_park_zone() -> None:
    june = parse("2025-06")
    # 1 July 00:00 in Shanghai is 30 June 16:00 UTC
    assert not june.closed(dt.datetime(2025, 6, 30, 15, 59, tzinfo=dt.UTC))
    assert june.closed(dt.datetime(2025, 6, 30, 16, 0, tzinfo=dt.UTC))


def test_the_last_closed_period_of_each_granularity() -> None:
    now = dt.datetime(2025, 7, 1, 1, 0, tzinfo=ZONE)  # a Tuesday
    assert last_closed(Granularity.DAY, now).label == "2025-06-30"
    assert last_closed(Granularity.WEEK, now).label == "2025-W26"
    assert last_closed(Granularity.MONTH, now).label == "2025-06"
    assert last_closed(Granularity.QUARTER, now).label == "2025-Q2"
    assert last_closed(Granularity.YEAR, now).label == "2024"
