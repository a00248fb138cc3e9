"""Cases: clues, inspections, rectifications and weather responses, declared once.

Each case type (``cases.spec.CaseType``) is a layer of the registry (``Layer.case``) with
states and transitions; ``cases.store`` creates cases and makes transitions, recording each in
``case_transitions``; who may make which is ``accounts.policy.may_act``'s answer; ``geoapi``
exposes them (``geoapi.cases``).
"""

from __future__ import annotations

from cases.clues import CLUES
from cases.inspections import INSPECTIONS, RECTIFICATIONS
from cases.spec import CaseType
from cases.weather import WEATHER_RESPONSES

#: Every case type, by its layer id.
CASE_TYPES: tuple[CaseType, ...] = (CLUES, INSPECTIONS, RECTIFICATIONS, WEATHER_RESPONSES)
BY_ID: dict[str, CaseType] = {case_type.id: case_type for case_type in CASE_TYPES}
