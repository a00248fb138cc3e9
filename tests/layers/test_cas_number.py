"""CAS numbers: the check digit computed by hand on known numbers."""

from __future__ import annotations

import pytest

from layers.cas_number import cas_problem, check_digit


def test_water_by_hand() -> None:
    # 7732-18-5: 8·1 + 1·2 + 2·3 + 3·4 + 7·5 + 7·6 = 105 → 5
    assert check_digit("773218") == 5
    assert cas_problem("7732-18-5") is None


@pytest.mark.parametrize("cas", ["71-43-2", "7664-41-7", "7782-50-5", "67-56-1", "108-88-3"])
def test_known_chemicals_pass(cas: str) -> None:
    assert cas_problem(cas) is None  # benzene, ammonia, chlorine, methanol, toluene


@pytest.mark.parametrize("cas", ["71-43-3", "7664-41-8", "7732185", "1-43-2", "abc"])
def test_wrong_digits_or_shape_are_refused_with_the_expected_digit(cas: str) -> None:
    problem = cas_problem(cas)
    assert problem is not None and "CAS" in problem
    if cas == "71-43-3":
        assert "expected 2" in problem
