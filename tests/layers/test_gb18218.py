"""GB 18218-2018 major hazard identification on hand-checked units."""

from __future__ import annotations

import pytest

from layers.cas_number import cas_problem
from layers.gb18218 import Stored, assess, level_of, table_1

CHLORINE = "7782-50-5"  # Table 1: Q = 5 t, β = 4
AMMONIA = "7664-41-7"  # Table 1: Q = 10 t, β = 2
METHANOL = "67-56-1"  # Table 1: Q = 500 t, β = 1
SULPHURIC_ACID = "7664-93-9"  # not in Table 1


def test_every_shipped_cas_number_checks() -> None:
    assert len(table_1()) > 50
    assert [cas for cas in table_1() if cas_problem(cas)] == []


def test_one_chemical_exactly_at_its_threshold_is_a_major_hazard() -> None:
    unit = assess([Stored("氯", CHLORINE, 5.0)])
    assert unit.sum_ratio == 1.0
    assert unit.is_major_hazard
    assert unit.decisive == (CHLORINE,)
    # R = α β q/Q = 1 × 4 × 1 = 4 < 10: level 4
    assert unit.r_value == 4.0 and unit.level == 4


def test_just_below_the_threshold_is_not() -> None:
    unit = assess([Stored("氯", CHLORINE, 4.999)])
    assert not unit.is_major_hazard and unit.level is None and unit.decisive == ()


def test_two_chemicals_at_half_each_make_a_major_hazard_together() -> None:
    unit = assess([Stored("氨", AMMONIA, 5.0), Stored("甲醇", METHANOL, 250.0)])
    assert unit.sum_ratio == pytest.approx(1.0)
    assert unit.is_major_hazard
    assert set(unit.decisive) == {AMMONIA, METHANOL}
    # R = 2 × 0.5 + 1 × 0.5 = 1.5
    assert unit.r_value == pytest.approx(1.5)


def test_a_typed_threshold_does_not_override_table_1() -> None:
    unit = assess([Stored("氯", CHLORINE, 5.0, typed_threshold_t=50.0)])
    assert unit.shares[0].threshold_t == 5.0 and unit.shares[0].source == "table1"


def test_a_chemical_unknown_to_table_1_counts_only_with_a_typed_threshold() -> None:
    untyped = assess([Stored("硫酸", SULPHURIC_ACID, 1000.0)])
    assert not untyped.is_major_hazard and untyped.without_threshold == (SULPHURIC_ACID,)
    typed = assess([Stored("硫酸", SULPHURIC_ACID, 100.0, typed_threshold_t=50.0)])
    assert typed.is_major_hazard and typed.shares[0].source == "typed"


def test_only_the_largest_shares_needed_are_decisive() -> None:
    unit = assess([Stored("氯", CHLORINE, 10.0), Stored("甲醇", METHANOL, 5.0)])
    assert unit.decisive == (CHLORINE,)


@pytest.mark.parametrize(
    ("r_value", "level"), [(100.0, 1), (99.9, 2), (50.0, 2), (49.9, 3), (10.0, 3), (9.9, 4)]
)
def test_levels_follow_r(r_value: float, level: int) -> None:
    assert level_of(r_value) == level
