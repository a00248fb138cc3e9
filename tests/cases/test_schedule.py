"""The inspection schedule by class, checked by hand (Guangxi A.1 item 3: A quarterly, B
half-yearly, C yearly), and the G.1 codes shipped as data."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import g1
from cases.errors import BadCaseInput
from cases.schedule import inspection_status, period_of

D = dt.date


@pytest.mark.parametrize(
    ("cls", "day", "period"),
    [
        ("A", D(2026, 5, 15), (D(2026, 4, 1), D(2026, 7, 1))),
        ("A", D(2026, 12, 31), (D(2026, 10, 1), D(2027, 1, 1))),
        ("A", D(2026, 1, 1), (D(2026, 1, 1), D(2026, 4, 1))),
        ("B", D(2026, 6, 30), (D(2026, 1, 1), D(2026, 7, 1))),
        ("B", D(2026, 7, 1), (D(2026, 7, 1), D(2027, 1, 1))),
        ("C", D(2026, 3, 3), (D(2026, 1, 1), D(2027, 1, 1))),
    ],
)
def test_periods_are_calendar_quarters_halves_and_years(
    cls: str, day: dt.date, period: tuple[dt.date, dt.date]
) -> None:
    assert period_of(cls, day) == period


def test_an_a_enterprise_through_the_quarters() -> None:
    as_of = D(2026, 5, 15)
    done = inspection_status("A", D(2026, 4, 2), as_of)
    assert done.state == "done" and done.due_by == D(2026, 9, 30)
    due = inspection_status("A", D(2026, 3, 31), as_of)  # last quarter's: this one is due
    assert due.state == "due" and due.due_by == D(2026, 6, 30)
    late = inspection_status("A", D(2025, 12, 31), as_of)  # Q1 passed without one
    assert late.state == "overdue" and late.due_by == D(2026, 3, 31)
    never = inspection_status("A", None, as_of)
    assert never.state == "overdue" and never.last_inspected is None
    # an inspection after the day asked about does not count for it
    assert inspection_status("A", D(2026, 5, 16), as_of).state == "overdue"


def test_b_and_c_enterprises() -> None:
    assert inspection_status("B", D(2025, 7, 1), D(2026, 3, 1)).state == "due"
    assert inspection_status("B", D(2025, 6, 30), D(2026, 3, 1)).state == "overdue"
    assert inspection_status("C", D(2025, 1, 1), D(2026, 12, 31)).state == "due"
    c_done = inspection_status("C", D(2026, 2, 1), D(2026, 12, 31))
    assert c_done.state == "done" and c_done.due_by == D(2027, 12, 31)


def test_g1_codes_are_the_table() -> None:
    codes = g1.codes()
    assert len(codes) == 40
    letters: dict[int, list[str]] = {}
    for code in codes.values():
        letters.setdefault(code.category, []).append(code.code[1])
        assert code.problem_zh and code.problem_en and code.suggestion_zh and code.suggestion_en
    # categories 1-7 with their sub-items a, b, c, ... without gaps (3's repeated d is h)
    sizes = {1: 10, 2: 7, 3: 8, 4: 4, 5: 3, 6: 5, 7: 3}
    for category, size in sizes.items():
        assert letters[category] == [chr(ord("a") + i) for i in range(size)]
    assert g1.problem_code("2-B").code == "2b"
    assert g1.problem_code(" 3.h ").problem_en.startswith("Other")
    for bad in ("4h", "8a", "2", "", None, "2bb"):
        with pytest.raises(BadCaseInput, match=r"G\.1"):
            g1.problem_code(bad)
