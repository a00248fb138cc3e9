"""GB 32100-2015 check character, checked by hand on published codes."""

from __future__ import annotations

import pytest

from layers.credit_code import check_character, credit_code_problem


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the worked example circulated with GB 32100
        "91110000600037341L",
    ],
)
def test_valid_codes(code: str) -> None:
    assert credit_code_problem(code) is None


def test_hand_computed_check_character() -> None:
    # Values × weights of 91350100M000100Y4 (M = 21, Y = 30 in the 31-symbol alphabet):
    # 9·1 + 1·3 + 3·9 + 5·27 + 1·26 + 21·20 + 1·8 + 30·30 + 4·28 = 1640; 1640 mod 31 = 28;
    # 31 - 28 = 3, so the check character is "3".
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y44", "expected 3"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100I43", "invalid characters I"),
        (None, "must be text"),
    ],
)
def test_problems_are_explained(code: object, fragment: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None and fragment in problem
