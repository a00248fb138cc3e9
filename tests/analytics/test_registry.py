"""The analysis registry: ids, bounded typed parameters with units in their names."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from analytics.errors import UnknownAnalysisError
from analytics.registry import ANALYSES, BY_ID, Analysis, get_analysis
from layers import get_layer

UNIT_SUFFIXES = ("_m", "_s", "_deg", "_ms", "_h")
UNITLESS = {"hours", "directions", "nearest"}  # counts, not measures


def test_ids_are_the_fixed_ones() -> None:
    assert [a.id for a in ANALYSES] == [
        "receptor-screening",
        "wind-sector-trace",
        "back-trajectory",
        "network-trace",
        "emergency-response",
    ]
    assert len(BY_ID) == len(ANALYSES)


@pytest.mark.parametrize("analysis", ANALYSES, ids=lambda a: a.id)
def test_parameters_are_strict_bounded_and_carry_units(analysis: object) -> None:
    model: type[BaseModel] = analysis.parameters  # type: ignore[attr-defined]
    assert model.model_config.get("extra") == "forbid"
    for name, field in model.model_fields.items():
        assert field.description, name
        if field.annotation in (int, float):
            assert name.endswith(UNIT_SUFFIXES) or name in UNITLESS, name
            bounds = [m for m in field.metadata if type(m).__name__ in ("Gt", "Ge", "Lt", "Le")]
            assert len(bounds) >= 2, f"{name} is not bounded on both sides"
    assert analysis.input_schema()["type"] == "object"  # type: ignore[attr-defined]


def test_unknown_analysis_is_not_found() -> None:
    with pytest.raises(UnknownAnalysisError) as raised:
        get_analysis("plume-model")
    assert raised.value.http_status == 404


@pytest.mark.parametrize("analysis", ANALYSES, ids=lambda a: a.id)
def test_map_starts_name_real_layers_fields_and_inputs(analysis: Analysis) -> None:
    inputs = set(analysis.parameters.model_fields)
    for start in analysis.map_starts:
        layer = get_layer(start.layer)
        fields = {f.name for f in layer.fields if not f.private}
        assert set(start.inputs) <= inputs, start
        for template in start.inputs.values():
            names = set(re.findall(r"\{(\w+)\}", template))
            assert names <= fields | {"lon", "lat", "geometry"}, (start, names - fields)
        for name, values in start.when.items():
            assert name in fields | inputs, (start, name)
            if name in fields and layer.field(name).choices:
                assert set(values) <= {str(c.value) for c in layer.field(name).choices}


def test_a_pipe_starts_the_trace_at_its_node_on_the_side_of_the_direction() -> None:
    pipes = {
        start.when["direction"]: start.inputs["start"]
        for start in get_analysis("network-trace").map_starts
        if start.layer == "sewer_pipes"
    }
    assert pipes == {("upstream",): "node:{to_node}", ("downstream",): "node:{from_node}"}
