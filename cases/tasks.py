"""Each user's list of cases waiting for them (the page's list; the notifications' floor): for
staff the cases awaiting the office, for an enterprise those awaiting it; each with the
transitions they may make, and flagged when its deadline is near (3 days) or past."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from accounts import policy
from accounts.policy import Party
from accounts.principal import Principal
from cases import CASE_TYPES
from cases.store import allowed_transitions

#: A deadline this close is announced (the issue's "approaching deadline").
DUE_SOON = dt.timedelta(days=3)


def tasks(engine: sa.Engine, principal: Principal) -> list[dict[str, Any]]:
    """The open cases ``principal`` is to act on, most urgent first."""
    out = []
    with engine.connect() as connection:
        now = connection.execute(sa.text("SELECT now()")).scalar_one()
        for case_type in CASE_TYPES:
            layer = case_type.layer
            view = policy.read_view(principal, layer)
            if view is None:
                continue
            office = policy.may_act(principal, layer, Party.OFFICE, None)
            party = Party.OFFICE if office else Party.SUBJECT
            states = sorted(
                {s for t in case_type.transitions if t.party is party for s in t.sources}
            )
            deadline = case_type.deadline_field
            due = f'v."{deadline}"' if deadline else "NULL::timestamptz"
            rows = connection.execute(
                sa.text(
                    f"SELECT v.*, {due} AS due FROM {view.relation} v "
                    "WHERE v.state = ANY(:states) ORDER BY due NULLS LAST, v.id"
                ),
                {"states": states},
            ).mappings()
            for row in rows:
                mine = [
                    t
                    for t in allowed_transitions(case_type, principal, dict(row))
                    if t.party is party
                ]
                if not mine:
                    continue
                out.append(
                    {
                        "case_type": case_type.id,
                        "id": row["id"],
                        "case_no": row["case_no"],
                        "state": row["state"],
                        "state_title": case_type.state_title(row["state"]),
                        "credit_code": row.get("credit_code"),
                        "deadline": row["due"].isoformat() if row["due"] else None,
                        "overdue": bool(row["due"] and row["due"] < now),
                        "due_soon": bool(row["due"] and now <= row["due"] <= now + DUE_SOON),
                        "transitions": [t.name for t in mine],
                    }
                )
    out.sort(key=lambda t: (not t["overdue"], not t["due_soon"], t["deadline"] or "~"))
    return out
