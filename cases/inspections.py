"""Inspections and rectifications (Guangxi A.1 item 3, 6.1.2, Appendices G and J).

Recording an inspection writes, in one transaction, the inspection with its checklist items
and its findings, and one rectification per finding (its G.1 code, the problem, the suggestion,
the deadline), each with its first history entry: a bad finding (an unknown code, a deadline in
the past) refuses the whole record. The enterprise answers a rectification with its plan and
proof; the office re-checks and closes it, or reopens it with a new deadline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from accounts import audit
from accounts.policy import Party
from accounts.principal import Principal
from cases.errors import BadCaseInput
from cases.g1 import problem_code
from cases.spec import CaseType, Transition
from cases.store import Attachments, actor_of, check_may_register, create_case, insert_case
from cases.values import check_deadline, check_value, checked_values
from layers.inspections import LAYER as INSPECTIONS_LAYER
from layers.rectifications import LAYER as RECTIFICATIONS_LAYER

OFFICE, SUBJECT = Party.OFFICE, Party.SUBJECT

INSPECTIONS = CaseType(
    layer=INSPECTIONS_LAYER,
    initial="recorded",
    number_prefix="JC",
    creatable=("credit_code", "inspected_at", "inspector", "plan_deadline", "contact"),
    transitions=(Transition("close", "办结", "Close", ("recorded",), "closed", OFFICE),),
)

RECTIFICATIONS = CaseType(
    layer=RECTIFICATIONS_LAYER,
    initial="issued",
    number_prefix="ZG",
    deadline_field="deadline",
    creatable=("credit_code", "inspection_id", "g1_code", "problem", "suggestion", "deadline"),
    transitions=(
        Transition(
            "answer",
            "反馈整改",
            "Answer with the plan and proof",
            ("issued",),
            "answered",
            SUBJECT,
            comment_required=True,
        ),
        Transition("close", "复核销号", "Re-check and close", ("answered",), "closed", OFFICE),
        Transition(
            "reopen",
            "复核不通过",
            "Re-check failed: reopen",
            ("answered",),
            "issued",
            OFFICE,
            sets=("deadline",),
            renewed=("deadline",),
            comment_required=True,
        ),
    ),
)

#: The results a checklist item may have.
RESULTS = ("ok", "problem", "na")
MAX_ITEMS = 200


def _checklist(items: Any) -> list[dict[str, str]]:
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise BadCaseInput(f"检查项应为列表 / checklist must be a list of at most {MAX_ITEMS}")
    out = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, Mapping) or not str(item.get("item") or "").strip():
            raise BadCaseInput(f"检查项{n}缺少内容 / checklist item {n} needs its item text")
        result = item.get("result", "ok")
        if result not in RESULTS:
            raise BadCaseInput(
                f"检查项{n}结果无效 / checklist item {n}: result {result!r} is not one of "
                + ", ".join(RESULTS)
            )
        out.append(
            {
                "item": str(item["item"]).strip(),
                "result": result,
                "note": str(item.get("note") or ""),
            }
        )
    return out


def _finding(n: int, finding: Any, credit_code: str) -> dict[str, Any]:
    """One finding as the values of its rectification."""
    if not isinstance(finding, Mapping):
        raise BadCaseInput(f"问题{n}格式错误 / finding {n} must be an object with a code")
    code = problem_code(finding.get("code"))
    detail = str(finding.get("problem") or "").strip()
    problem = f"{code.problem_zh} / {code.problem_en}" + (f"：{detail}" if detail else "")
    suggestion = str(finding.get("suggestion") or "").strip() or (
        f"{code.suggestion_zh} / {code.suggestion_en}"
    )
    deadline_field = RECTIFICATIONS_LAYER.field("deadline")
    if finding.get("deadline") in (None, ""):
        raise BadCaseInput(f"问题{n}缺少整改期限 / finding {n} ({code.code}) needs a deadline")
    return {
        "credit_code": credit_code,
        "g1_code": code.code,
        "problem": problem,
        "suggestion": suggestion,
        "deadline": check_value(deadline_field, finding.get("deadline")),
    }


def record_inspection(
    engine: sa.Engine,
    principal: Principal,
    body: Mapping[str, Any],
    attachments: Attachments = None,
) -> tuple[int, list[int]]:
    """Record an inspection with its checklist and findings; ``(inspection id, the ids of the
    rectifications its findings opened)``."""
    check_may_register(INSPECTIONS, principal)
    properties = body.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise BadCaseInput("properties 应为对象 / properties must be a JSON object")
    values = checked_values(
        INSPECTIONS_LAYER, properties, INSPECTIONS.creatable, "a new inspection"
    )
    credit_code = values.get("credit_code")
    if not credit_code:
        raise BadCaseInput("缺少被检查企业 / credit_code names the enterprise inspected")
    if values.get("inspected_at") is None:
        raise BadCaseInput("缺少检查时间 / inspected_at is required")
    checklist = _checklist(body.get("checklist"))
    findings = body.get("findings") or []
    if not isinstance(findings, list):
        raise BadCaseInput("findings 应为列表 / findings must be a list")
    rectifications = [_finding(n, f, credit_code) for n, f in enumerate(findings, 1)]
    with engine.begin() as connection:
        audit.set_actor(connection, actor_of(principal))
        future = connection.execute(
            sa.text("SELECT CAST(:t AS timestamptz) > now() + interval '10 minutes'"),
            {"t": values["inspected_at"]},
        ).scalar_one()
        if future:
            raise BadCaseInput("检查时间在将来 / inspected_at lies in the future")
        now = connection.execute(sa.text("SELECT now()")).scalar_one()
        check_deadline(values.get("plan_deadline"), now)
        inspection_class = connection.execute(
            sa.text("SELECT inspection_class FROM enterprises WHERE credit_code = :c"),
            {"c": credit_code},
        ).scalar_one_or_none()
        values |= {
            "inspection_class": inspection_class,
            "checklist": json.dumps(checklist, ensure_ascii=False),
            "findings": [r["g1_code"] for r in rectifications],
            "finding_count": len(rectifications),
        }
        comment = body.get("comment") if isinstance(body.get("comment"), str) else None
        inspection_id = insert_case(
            connection,
            INSPECTIONS,
            principal,
            values,
            None,
            comment=comment,
            attachments=attachments,
        )
        opened = [
            insert_case(
                connection,
                RECTIFICATIONS,
                principal,
                r | {"inspection_id": inspection_id},
                None,
                comment=f"检查{inspection_id}发现 / found by inspection {inspection_id}",
            )
            for r in rectifications
        ]
    return inspection_id, opened


def issue_rectification(
    engine: sa.Engine,
    principal: Principal,
    properties: Mapping[str, Any],
    geometry: Any = None,
    comment: str | None = None,
    attachments: Attachments = None,
) -> int:
    """Issue one rectification outside an inspection (a notice, a clue's outcome): its G.1
    code must be the table's; the problem and suggestion default to the code's."""
    values = dict(properties)
    code = problem_code(values.get("g1_code"))
    values["g1_code"] = code.code
    values.setdefault("problem", f"{code.problem_zh} / {code.problem_en}")
    values.setdefault("suggestion", f"{code.suggestion_zh} / {code.suggestion_en}")
    return create_case(
        engine,
        RECTIFICATIONS,
        principal,
        values,
        geometry,
        comment=comment,
        attachments=attachments,
    )
