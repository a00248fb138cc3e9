"""Reading cases: one case as a user sees it, with its history and the transitions they may
make now (the rows through ``accounts.policy.read_view``, like every read of a layer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from accounts import policy
from accounts.principal import Principal
from cases.errors import CaseNotFound
from cases.spec import CaseType
from cases.store import REGISTER, allowed_transitions


def case_history(
    connection: sa.Connection, case_type: CaseType, case_id: int, *, private: bool = True
) -> list[dict[str, Any]]:
    """The case's transitions, oldest first; without ``private`` only what and when (no actor,
    comment or values: what a complainant sees by their receipt code)."""
    rows = connection.execute(
        sa.text(
            "SELECT h.transition, h.from_state, h.to_state, h.actor, h.at, h.comment, h.changes, "
            "COALESCE((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'filename', d.filename, "
            "'media_type', d.media_type, 'size_bytes', d.size_bytes) ORDER BY d.id) "
            "FROM documents d WHERE d.transition_id = h.id), '[]'::jsonb) AS attachments "
            "FROM case_transitions h WHERE h.case_type = :t AND h.case_id = :c ORDER BY h.id"
        ),
        {"t": case_type.id, "c": case_id},
    ).mappings()
    out = []
    for row in rows:
        transition = case_type.transition(row["transition"])
        zh, en = (transition.zh, transition.en) if transition else REGISTER[1:]
        entry: dict[str, Any] = {
            "transition": row["transition"],
            "zh": zh,
            "en": en,
            "from": row["from_state"],
            "to": row["to_state"],
            "time": row["at"].isoformat(),
        }
        if private:
            entry |= {
                "actor": row["actor"],
                "comment": row["comment"],
                "changes": row["changes"],
                "attachments": row["attachments"],
            }
        out.append(entry)
    return out


def read_case(
    engine: sa.Engine, case_type: CaseType, principal: Principal, case_id: int
) -> dict[str, Any]:
    """The case as ``principal`` sees it, its history and the transitions they may make now."""
    view = policy.read_view(principal, case_type.layer)
    if view is None:
        raise CaseNotFound(f"无此案件 / no {case_type.id} {case_id}")
    columns = ", ".join(f'v."{name}"' for name in view.field_names)
    with engine.connect() as connection:
        row = (
            connection.execute(
                sa.text(f"SELECT v.id, {columns} FROM {view.relation} v WHERE v.id = :i"),
                {"i": case_id},
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise CaseNotFound(f"无此案件 / no {case_type.id} {case_id}")
        history = case_history(connection, case_type, case_id)
    properties = {
        k: (v.isoformat() if isinstance(v, dt.datetime) else v)
        for k, v in row.items()
        if k not in ("id", "receipt_sha256")
    }
    return {
        "id": row["id"],
        "case_type": case_type.id,
        "properties": properties,
        "state_title": case_type.state_title(row["state"]),
        "transitions": [
            t.as_json()
            | {
                "fields": [
                    {"name": f.name, "zh": f.zh, "en": f.en, "type": str(f.type)}
                    for f in (case_type.layer.field(n) for n in t.sets)
                ]
            }
            for t in allowed_transitions(case_type, principal, dict(row))
        ],
        "history": history,
    }
