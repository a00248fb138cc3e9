"""Parameter types shared by several analyses' models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from layers.parameters import resolve_parameter


def _pollutant_code(value: str) -> str:
    code = resolve_parameter(value)
    if code is None:
        raise ValueError(
            f"未知污染物 {value} / unknown pollutant {value}: give an HJ 212 code such as "
            "a21026 (SO₂) or a24088 (NMHC)"
        )
    return code


#: A pollutant given by HJ 212 code, Chinese name or alias; stored as the code.
PollutantCode = Annotated[str, AfterValidator(_pollutant_code)]
