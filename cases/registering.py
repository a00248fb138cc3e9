"""Registering a case of any type from an API body: clues and complaints-by-staff by the
generic :func:`cases.store.create_case`, inspections with their findings and rectifications by
their own recorders (``cases.inspections``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from accounts.principal import Principal
from cases.errors import BadCaseInput
from cases.inspections import INSPECTIONS, RECTIFICATIONS, issue_rectification, record_inspection
from cases.spec import CaseType
from cases.store import Attachments, create_case
from cases.weather import WEATHER_RESPONSES, issue_notice


def register(
    engine: sa.Engine,
    case_type: CaseType,
    principal: Principal,
    body: Mapping[str, Any],
    attachments: Attachments = None,
) -> tuple[int, dict[str, Any]]:
    """Register the case ``body`` describes; ``(its id, what else it opened)``.

    ``body``: ``properties`` (the type's creatable fields), ``geometry`` (a GeoJSON Point;
    default the enterprise's place), ``comment``; an inspection also ``checklist`` and
    ``findings``; a weather notice ``enterprises`` (default: the emergency list).
    """
    properties = body.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise BadCaseInput("properties 应为对象 / properties must be a JSON object")
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise BadCaseInput("意见应为文本 / comment must be text")
    if case_type is INSPECTIONS:
        inspection_id, opened = record_inspection(engine, principal, body, attachments)
        return inspection_id, {"rectifications": opened}
    if case_type is WEATHER_RESPONSES:
        notice_no, responses = issue_notice(engine, principal, body, comment)
        return responses[0], {"notice_no": notice_no, "responses": responses}
    if case_type is RECTIFICATIONS:
        return issue_rectification(engine, principal, properties, body.get("geometry"), comment), {}
    case_id = create_case(
        engine,
        case_type,
        principal,
        properties,
        body.get("geometry"),
        comment=comment,
        attachments=attachments,
    )
    return case_id, {}
