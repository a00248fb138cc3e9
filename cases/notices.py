"""Telling the person responsible (issue 14's notifications): a case handed to an enterprise
(assigned, issued, notified, returned to handling), a deadline 3 days away, a deadline passed.

A notice is written to ``case_notices`` in the same transaction as the change that causes it
(``cases.outbox.record_assignment``, called by ``cases.store``), and the deadline sweep
writes the due and overdue ones, each deadline once per event (a unique index);
:func:`deliver` hands the unsent ones to the :class:`notifier.dispatch.Dispatcher` for
the enterprise's users with configured channels, the enterprise's contacts and a handler who
is a user. Nothing is lost when no
channel is up: the task list on the page (``cases.tasks``) shows the same cases.

"Awaiting the enterprise" is derived from the declarations: a state from which a
``Party.SUBJECT`` transition leads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from cases import BY_ID, CASE_TYPES
from cases.outbox import awaiting_subject
from cases.spec import CaseType
from cases.tasks import DUE_SOON
from cases.values import local_zone
from notifier.channels import Message
from notifier.dispatch import Dispatcher, Notification
from notifier.recipients import (
    Contacts,
    existing_logins,
    merged,
    targets_of_users,
    users_of_enterprise,
)

EVENT_TITLES = {
    "assigned": ("待办理", "waiting for you"),
    "due_soon": ("期限临近", "deadline in 3 days"),
    "overdue": ("已逾期", "deadline passed"),
}
#: At most this many notices per delivery round (the rest wait for the next).
BATCH = 500


def sweep_deadlines(connection: sa.Connection, now_utc: dt.datetime) -> int:
    """Write the ``due_soon`` and ``overdue`` notices due at ``now_utc`` of the cases awaiting
    their enterprise; how many new ones (each deadline is told once per event)."""
    written = 0
    for case_type in CASE_TYPES:
        deadline = case_type.deadline_field
        if deadline is None:
            continue
        for event, condition in (
            ("due_soon", f'c."{deadline}" >= :now AND c."{deadline}" <= :soon'),
            ("overdue", f'c."{deadline}" < :now'),
        ):
            written += connection.execute(
                sa.text(
                    "INSERT INTO case_notices (case_type, case_id, event, deadline) "
                    f'SELECT :t, c.id, :e, c."{deadline}" FROM "{case_type.id}" c '
                    f"WHERE c.state = ANY(:states) AND {condition} "
                    "ON CONFLICT (case_type, case_id, event, deadline) "
                    "WHERE event <> 'assigned' DO NOTHING"
                ),
                {
                    "t": case_type.id,
                    "e": event,
                    "states": sorted(awaiting_subject(case_type)),
                    "now": now_utc,
                    "soon": now_utc + DUE_SOON,
                },
            ).rowcount
    return written


def message(case_type: CaseType, event: str, case: Mapping[str, Any]) -> Message:
    """The notice's text, Chinese first with English."""
    layer = case_type.layer
    event_zh, event_en = EVENT_TITLES[event]
    deadline = case.get(case_type.deadline_field or "")
    due = deadline.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M") if deadline else "—"
    what = case.get("description") or case.get("problem") or case.get("level") or ""
    subject = f"[一张图] {layer.zh}{event_zh} {case['case_no']} / {layer.en}: {event_en}"
    body = "\n".join(
        [
            f"编号 / number: {case['case_no']}",
            f"状态 / state: {case_type.state_title(case['state'])}",
            f"期限 / deadline: {due}",
            f"企业 / enterprise: {case.get('credit_code') or '—'}",
            f"内容 / about: {what}",
            "",
            "请登录一张图在“待办”中办理 / please act on it in your task list on the page",
        ]
    )
    payload = {
        "case_type": case_type.id,
        "case_id": case["id"],
        "case_no": case["case_no"],
        "event": event,
        "state": case["state"],
        "deadline": deadline.isoformat() if deadline else None,
    }
    return Message(subject, body, payload)


def recipients(
    connection: sa.Connection, case: Mapping[str, Any], contacts: Contacts
) -> dict[str, tuple[str, ...]]:
    """Who is told of a case: its enterprise's users with channels and contacts, and its
    handler when the handler is a user's login."""
    code = str(case.get("credit_code") or "")
    logins = users_of_enterprise(connection, code) if code else []
    logins += existing_logins(connection, [str(case.get("handler") or "")])
    return merged(contacts.get(code, {}), targets_of_users(connection, logins))


@dataclass
class Delivered:
    """What one round handed on: notices read, notifications queued, notices left untold
    (the case moved on, or nobody to tell)."""

    notices: int = 0
    queued: int = 0
    untold: int = 0


def deliver(engine: sa.Engine, dispatcher: Dispatcher, contacts: Contacts) -> Delivered:
    """Hand the unsent notices to ``dispatcher`` and mark them sent (several processes may
    run this: each notice is taken by one)."""
    out = Delivered()
    waiting: list[Notification] = []
    with engine.begin() as connection:
        notices = connection.execute(
            sa.text(
                "SELECT id, case_type, case_id, event FROM case_notices WHERE sent_at IS NULL "
                "ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED"
            ),
            {"n": BATCH},
        ).all()
        for notice_id, type_id, case_id, event in notices:
            out.notices += 1
            case_type = BY_ID.get(type_id)
            case = (
                connection.execute(
                    sa.text(f'SELECT * FROM "{type_id}" WHERE id = :i'), {"i": case_id}
                )
                .mappings()
                .one_or_none()
                if case_type
                else None
            )
            if (
                case_type is None
                or case is None
                or case["state"] not in awaiting_subject(case_type)
            ):
                out.untold += 1  # the case moved on before the notice went out
            else:
                targets = recipients(connection, dict(case), contacts)
                text = message(case_type, event, dict(case))
                made = [
                    Notification(type_id, case_id, event, channel, channel_targets, text)
                    for channel, channel_targets in targets.items()
                ]
                if not made:
                    out.untold += 1
                waiting.extend(made)
            connection.execute(
                sa.text("UPDATE case_notices SET sent_at = now() WHERE id = :i"),
                {"i": notice_id},
            )
    out.queued = dispatcher.submit(waiting)  # after the commit: a notice is told once
    return out


def run_once(
    engine: sa.Engine,
    dispatcher: Dispatcher,
    contacts: Contacts,
    now_utc: dt.datetime | None = None,
) -> Delivered:
    """One round: sweep the deadlines at ``now_utc`` (default now), then deliver."""
    with engine.begin() as connection:
        sweep_deadlines(connection, now_utc or dt.datetime.now(dt.UTC))
    return deliver(engine, dispatcher, contacts)
