"""The cases' outbox: the notices a change causes, written in the change's own transaction
(delivered by ``cases.notices``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from accounts.policy import Party
from cases.spec import CaseType


def awaiting_subject(case_type: CaseType) -> frozenset[str]:
    """The states in which the case waits for its enterprise to act."""
    subject = (t for t in case_type.transitions if t.party is Party.SUBJECT)
    return frozenset(s for t in subject for s in t.sources)


def record_assignment(
    connection: sa.Connection,
    case_type: CaseType,
    case_id: int,
    states: tuple[str | None, str],
    deadline: dt.datetime | None,
) -> bool:
    """Write an ``assigned`` notice when a change hands the case to its enterprise (from a state
    not awaiting it to one that is); whether one was written. In the caller's transaction."""
    waiting = awaiting_subject(case_type)
    if states[1] not in waiting or states[0] in waiting:
        return False
    connection.execute(
        sa.text(
            "INSERT INTO case_notices (case_type, case_id, event, deadline) "
            "VALUES (:t, :i, 'assigned', :d)"
        ),
        {"t": case_type.id, "i": case_id, "d": deadline},
    )
    return True
