"""Heavy-pollution-weather responses (Jiangsu 7.4.10).

Issuing a notice (one click) writes one response per listed enterprise in one transaction: the
enterprises named, else the emergency list (the park's key dischargers). Each enterprise reports
its measures (``answer``; an answer after ``answer_by`` is flagged ``late``); at the end of the
episode the office closes the notice, every response at once; a response closed without an
answer is ``missing``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from accounts import audit, policy
from accounts.policy import Party
from accounts.principal import Principal
from cases.errors import BadCaseInput, CaseNotFound
from cases.spec import CaseType, Transition
from cases.store import actor_of, check_may_register, insert_case, transition_in
from cases.values import checked_values, local_zone
from layers.weather_responses import LAYER

WEATHER_RESPONSES = CaseType(
    layer=LAYER,
    initial="notified",
    number_prefix="ZW",
    deadline_field="answer_by",
    late_field="late",
    creatable=("level", "period_start", "period_end", "answer_by"),
    transitions=(
        Transition(
            "answer",
            "报送措施",
            "Report the measures",
            ("notified",),
            "answered",
            Party.SUBJECT,
            sets=("measures",),
            required=("measures",),
            stamps=("answered_at",),
        ),
        Transition(
            "close",
            "解除",
            "Close (episode over)",
            ("notified", "answered"),
            "closed",
            Party.OFFICE,
        ),
    ),
)


def issue_notice(
    engine: sa.Engine, principal: Principal, body: Mapping[str, Any], comment: str | None = None
) -> tuple[str, list[int]]:
    """Send a notice to the listed enterprises; ``(notice number, the responses' ids)``."""
    check_may_register(WEATHER_RESPONSES, principal)
    properties = body.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise BadCaseInput("properties 应为对象 / properties must be a JSON object")
    values = checked_values(LAYER, properties, WEATHER_RESPONSES.creatable, "a weather notice")
    for name in WEATHER_RESPONSES.creatable:
        if values.get(name) is None:
            raise BadCaseInput(f"缺少必填项 / a weather notice needs {name}")
    if values["period_end"] <= values["period_start"]:
        raise BadCaseInput("预警结束早于开始 / period_end must come after period_start")
    listed = body.get("enterprises")
    if listed is not None and (
        not isinstance(listed, list) or not all(isinstance(c, str) for c in listed)
    ):
        raise BadCaseInput("enterprises 应为信用代码列表 / enterprises is a list of credit codes")
    with engine.begin() as connection:
        audit.set_actor(connection, actor_of(principal))
        if listed is None:
            listed = list(
                connection.execute(
                    sa.text(
                        "SELECT credit_code FROM enterprises WHERE key_discharger ORDER BY name"
                    )
                ).scalars()
            )
        if not listed:
            raise BadCaseInput("名单为空 / the emergency list names no enterprise")
        now = connection.execute(sa.text("SELECT now()")).scalar_one()
        day = now.astimezone(local_zone()).strftime("%Y%m%d")
        notice_no = f"TZ{day}-{secrets.token_hex(2).upper()}"
        ids = [
            insert_case(
                connection,
                WEATHER_RESPONSES,
                principal,
                values | {"credit_code": code, "notice_no": notice_no},
                None,
                comment=comment,
            )
            for code in dict.fromkeys(listed)
        ]
    return notice_no, ids


def close_notice(
    engine: sa.Engine, principal: Principal, notice_no: str, comment: str | None = None
) -> None:
    """Close every open response of a notice at the end of the episode, in one transaction."""
    check_may_register(WEATHER_RESPONSES, principal)  # the office's transition
    with engine.begin() as connection:
        audit.set_actor(connection, actor_of(principal))
        ids = list(
            connection.execute(
                sa.text(
                    "SELECT id FROM weather_responses WHERE notice_no = :n "
                    "AND state <> 'closed' ORDER BY id"
                ),
                {"n": notice_no},
            ).scalars()
        )
        if not ids and not notice_summary_rows(connection, principal, notice_no):
            raise CaseNotFound(f"无此通知 / no weather notice {notice_no}")
        for case_id in ids:
            transition_in(connection, WEATHER_RESPONSES, principal, case_id, "close", comment)


def notice_summary_rows(
    connection: sa.Connection, principal: Principal, notice_no: str
) -> list[dict[str, Any]]:
    """The responses of a notice that ``principal`` may see, with their flags."""
    view = policy.read_view(principal, LAYER)
    if view is None:
        return []
    rows = connection.execute(
        sa.text(
            "SELECT r.id, r.credit_code, e.name, r.level, r.period_start, r.period_end, "
            "r.answer_by, r.state, r.answered_at, r.late, r.measures, "
            "(r.answered_at IS NULL AND (r.state = 'closed' OR now() > r.answer_by)) AS missing "
            f"FROM {view.relation} r JOIN enterprises e ON e.credit_code = r.credit_code "
            "WHERE r.notice_no = :n ORDER BY e.name"
        ),
        {"n": notice_no},
    ).mappings()
    return [dict(r) for r in rows]


def notice_summary(engine: sa.Engine, principal: Principal, notice_no: str) -> dict[str, Any]:
    """A notice's responses and how many are answered, late and missing."""
    with engine.connect() as connection:
        rows = notice_summary_rows(connection, principal, notice_no)
    if not rows:
        raise CaseNotFound(f"无此通知 / no weather notice {notice_no}")
    first = rows[0]
    return {
        "notice_no": notice_no,
        "level": first["level"],
        "period_start": first["period_start"].isoformat(),
        "period_end": first["period_end"].isoformat(),
        "answer_by": first["answer_by"].isoformat(),
        "counts": {
            "listed": len(rows),
            "answered": sum(r["answered_at"] is not None for r in rows),
            "late": sum(bool(r["late"]) for r in rows),
            "missing": sum(bool(r["missing"]) for r in rows),
            "open": sum(r["state"] != "closed" for r in rows),
        },
        "responses": [
            {
                "id": r["id"],
                "credit_code": r["credit_code"],
                "name": r["name"],
                "state": r["state"],
                "answered_at": r["answered_at"].isoformat() if r["answered_at"] else None,
                "late": bool(r["late"]),
                "missing": bool(r["missing"]),
                "measures": r["measures"],
            }
            for r in rows
        ],
    }
