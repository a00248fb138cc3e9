"""GB/T 28181 camera ids: 20 digits, a front-end device type."""

from __future__ import annotations

import pytest

from layers.camera_id import camera_id_problem
from layers.cas_number import cas_list_problem

GOOD = "32128300001321000001"  # 321283 00 | 00 | 132 (IP camera) | 1 | 000001


def test_a_good_id_passes() -> None:
    assert camera_id_problem(GOOD) is None


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (GOOD[:-1], "19"),
        (GOOD + "0", "21"),
        ("3212830000132100000A", "20位数字"),
        ("32128300002001000001", "200"),  # a platform device, not a camera
    ],
)
def test_bad_ids_are_refused_with_the_reason(value: str, says: str) -> None:
    problem = camera_id_problem(value)
    assert problem is not None and says in problem and "/ " in problem


def test_a_list_of_cas_numbers_is_checked_element_by_element() -> None:
    assert cas_list_problem(["7782-50-5", "67-56-1"]) is None
    problem = cas_list_problem(["7782-50-5", "67-56-2"])
    assert problem is not None and "67-56-2" in problem
