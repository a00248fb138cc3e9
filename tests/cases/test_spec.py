"""Every case type's declaration is consistent with its layer (no database needed)."""

from __future__ import annotations

import pytest

import cases
import layers
from cases.spec import CaseType


@pytest.mark.parametrize("case_type", cases.CASE_TYPES, ids=lambda c: c.id)
def test_case_type_is_a_case_layer_of_the_registry(case_type: CaseType) -> None:
    assert layers.BY_ID[case_type.id] is case_type.layer
    assert case_type.layer.case
    assert case_type.initial in case_type.states


@pytest.mark.parametrize("case_type", cases.CASE_TYPES, ids=lambda c: c.id)
def test_transitions_name_real_states_and_fields(case_type: CaseType) -> None:
    names = [t.name for t in case_type.transitions]
    assert len(set(names)) == len(names)
    fields = set(case_type.layer.field_names)
    for t in case_type.transitions:
        assert set(t.sources) <= set(case_type.states), t.name
        assert t.target in case_type.states, t.name
        assert set(t.required) | set(t.renewed) <= set(t.sets) <= fields, t.name
        assert t.zh and t.en
    assert set(case_type.creatable) <= fields
    if case_type.deadline_field:
        assert case_type.deadline_field in fields


@pytest.mark.parametrize("case_type", cases.CASE_TYPES, ids=lambda c: c.id)
def test_every_state_is_reachable_from_the_initial_one(case_type: CaseType) -> None:
    reached, frontier = {case_type.initial}, [case_type.initial]
    while frontier:
        for t in case_type.allowed_from(frontier.pop()):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(case_type.states)


def test_clue_states_follow_jiangsu_7_8_2() -> None:
    clues = cases.BY_ID["clues"]
    assert clues.states == (
        "registered",
        "assigned",
        "handling",
        "answered",
        "revisited",
        "closed",
    )
    assert [t.name for t in clues.allowed_from("revisited")] == ["reopen", "close"]
    assert clues.transition("reopen").target == "handling"  # type: ignore[union-attr]
    assert clues.allowed_from("closed") == ()
