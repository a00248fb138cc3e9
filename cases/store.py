"""Creating cases and making their transitions, each in one transaction with its history.

Every change writes the case row and one ``case_transitions`` entry together, naming the actor
(``accounts.audit.set_actor``), so the audit trail and the history agree and nothing is ever
half-saved: a refused transition changes nothing. Which rows a user sees is
``accounts.policy.read_view``'s answer; which transitions they may make ``may_act``'s.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from accounts import audit, policy
from accounts.policy import Party
from accounts.principal import Principal
from cases import documents, outbox
from cases.errors import BadCaseInput, CaseNotFound, TransitionForbidden, TransitionNotAllowed
from cases.spec import CaseType, Transition
from cases.values import check_deadline, checked_values, local_zone, point_wkt

REGISTER = ("register", "登记", "Register")
#: Files attached to a transition: the store, the uploads, and the types accepted.
Attachments = tuple[documents.DocumentStore, Sequence[documents.Upload], frozenset[str]] | None


def actor_of(principal: Principal) -> str:
    """How the audit trail and the history name ``principal``."""
    return "public" if principal.anonymous else f"user:{principal.login}"


def case_number(case_type: CaseType, now: dt.datetime) -> str:
    """``XS20261203-4F2A91``: the prefix, the local date and six random hex digits."""
    day = now.astimezone(local_zone()).strftime("%Y%m%d")
    return f"{case_type.number_prefix}{day}-{secrets.token_hex(3).upper()}"


def _now(connection: sa.Connection) -> dt.datetime:
    return connection.execute(sa.text("SELECT now()")).scalar_one()  # type: ignore[no-any-return]


def _record(
    connection: sa.Connection,
    case_type: CaseType,
    case_id: int,
    name: str,
    states: tuple[str | None, str],
    actor: str,
    comment: str | None,
    changes: Mapping[str, Any],
) -> int:
    return int(
        connection.execute(
            sa.text(
                "INSERT INTO case_transitions (case_type, case_id, transition, from_state, "
                "to_state, actor, comment, changes) "
                "VALUES (:t, :c, :n, :f, :s, :a, :m, CAST(:ch AS jsonb)) RETURNING id"
            ),
            {
                "t": case_type.id,
                "c": case_id,
                "n": name,
                "f": states[0],
                "s": states[1],
                "a": actor,
                "m": comment,
                "ch": json.dumps(changes, ensure_ascii=False, default=str) if changes else None,
            },
        ).scalar_one()
    )


def _attach(
    connection: sa.Connection,
    attachments: Attachments,
    case_type: CaseType,
    case_id: int,
    transition_id: int,
    actor: str,
    owner: str | None,
) -> None:
    if attachments is None or not attachments[1]:
        return
    store, uploads, allowed = attachments
    link = {"case_type": case_type.id, "case_id": case_id, "transition_id": transition_id}
    documents.save(connection, store, uploads, actor, owner=owner, allowed=allowed, link=link)


def _enterprise(connection: sa.Connection, credit_code: str) -> Mapping[str, Any]:
    row = (
        connection.execute(
            sa.text(
                "SELECT credit_code, name, industry_name, ST_AsEWKT(geom) AS geom "
                "FROM enterprises WHERE credit_code = :c"
            ),
            {"c": credit_code},
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise BadCaseInput(f"未知企业 / no enterprise with credit code {credit_code!r}")
    return dict(row)


def _from_exceedance(connection: sa.Connection, exceedance_id: int) -> dict[str, Any]:
    """What a clue takes from an exceedance event: place, time, a description and its trace."""
    row = (
        connection.execute(
            sa.text(
                "SELECT e.station_code, e.parameter, e.start_time, e.peak, e.limit_value, "
                "e.unit, e.standard, e.trace_process, e.trace_inputs, ST_AsEWKT(e.geom) AS geom, "
                "p.name_zh, p.medium FROM exceedances e "
                "LEFT JOIN parameters p ON p.code = e.parameter WHERE e.id = :i"
            ),
            {"i": exceedance_id},
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise BadCaseInput(f"无此超标事件 / no exceedance event {exceedance_id}")
    name = row["name_zh"] or row["parameter"]
    unit = f" {row['unit']}" if row["unit"] else ""
    return {
        "source": "monitoring",
        "clue_type": "water" if row["medium"] == "water" else "air",
        "occurred_at": row["start_time"],
        "description": (
            f"{row['station_code']} {name} 超标：峰值 {row['peak']}{unit}，限值 "
            f"{row['limit_value']}{unit}（{row['standard']}） / {row['parameter']} beyond "
            f"{row['standard']} at {row['station_code']}"
        ),
        "trace_process": row["trace_process"],
        "trace_inputs": row["trace_inputs"],
        "geom": row["geom"],
    }


def create_case(
    engine: sa.Engine,
    case_type: CaseType,
    principal: Principal,
    properties: Mapping[str, Any],
    geometry: Any = None,
    *,
    receipt_sha256: str | None = None,
    comment: str | None = None,
    attachments: Attachments = None,
) -> int:
    """Register a new case in its initial state; its feature id.

    The office registers cases (``Party.OFFICE``); anonymous complaints come through
    ``cases.complaints``, which passes ``receipt_sha256``. An exceedance (``exceedance_id``)
    gives a clue its place, time, description and trace; an enterprise its industry and place.
    """
    if receipt_sha256 is None:
        check_may_register(case_type, principal)
    layer = case_type.layer
    values = checked_values(layer, properties, case_type.creatable, f"new {layer.id}")
    location = point_wkt(geometry)
    with engine.begin() as connection:
        audit.set_actor(connection, actor_of(principal))
        return insert_case(
            connection,
            case_type,
            principal,
            values,
            location,
            receipt_sha256=receipt_sha256,
            comment=comment,
            attachments=attachments,
        )


def check_may_register(case_type: CaseType, principal: Principal) -> None:
    """:class:`TransitionForbidden` unless ``principal`` may register cases of this type."""
    if not policy.may_act(principal, case_type.layer, Party.OFFICE, None):
        raise TransitionForbidden(
            f"无权登记 / {principal.login or 'anonymous'} may not register {case_type.id}"
        )


def insert_case(
    connection: sa.Connection,
    case_type: CaseType,
    principal: Principal,
    values: Mapping[str, Any],
    location: str | None,
    *,
    receipt_sha256: str | None = None,
    comment: str | None = None,
    attachments: Attachments = None,
) -> int:
    """Insert a case from checked ``values`` with its first history entry, in the caller's
    transaction (whose actor is set); its feature id."""
    layer = case_type.layer
    names_of_layer = set(layer.field_names)
    now = _now(connection)
    derived: dict[str, Any] = {}
    if values.get("exceedance_id") is not None:
        derived = _from_exceedance(connection, values["exceedance_id"])
    if values.get("credit_code"):
        enterprise = _enterprise(connection, values["credit_code"])
        if "industry" in names_of_layer:
            derived.setdefault("industry", enterprise["industry_name"])
        derived.setdefault("geom", enterprise["geom"])
    row = {k: v for k, v in derived.items() if k != "geom"} | {
        k: v for k, v in values.items() if v is not None
    }
    geom = location or derived.get("geom")
    if geom is None:
        raise BadCaseInput(
            "缺少位置 / a location is required: click the map, or name the enterprise"
        )
    for f in layer.fields:
        if f.required and not f.derived and row.get(f.name) in (None, ""):
            raise BadCaseInput(f"缺少必填项 / {f.zh} / {f.name} is required")
    if case_type.deadline_field:
        check_deadline(row.get(case_type.deadline_field), now)
    row |= {
        "case_no": case_number(case_type, now),
        "state": case_type.initial,
        "registered_at": now,
        "updated_at": now,
    }
    if receipt_sha256 is not None:
        row["receipt_sha256"] = receipt_sha256
    names = ", ".join(f'"{c}"' for c in row)
    binds = ", ".join(f":{c}" for c in row)
    case_id = int(
        connection.execute(
            sa.text(
                f'INSERT INTO "{layer.id}" ({names}, geom) '
                f"VALUES ({binds}, ST_GeomFromEWKT(:geom_ewkt)) RETURNING id"
            ),
            row | {"geom_ewkt": geom},
        ).scalar_one()
    )
    shown = {k: v for k, v in row.items() if k != "receipt_sha256"}
    entry = _record(
        connection,
        case_type,
        case_id,
        REGISTER[0],
        (None, case_type.initial),
        actor_of(principal),
        comment,
        shown,
    )
    owner = row.get(layer.owner_field) if layer.owner_field else None
    _attach(connection, attachments, case_type, case_id, entry, actor_of(principal), owner)
    deadline = row.get(case_type.deadline_field) if case_type.deadline_field else None
    outbox.record_assignment(connection, case_type, case_id, (None, case_type.initial), deadline)
    return case_id


def _locked_row(
    connection: sa.Connection, case_type: CaseType, principal: Principal, case_id: int
) -> dict[str, Any]:
    view = policy.read_view(principal, case_type.layer)
    if view is None:
        raise CaseNotFound(f"无此案件 / no {case_type.id} {case_id}")
    row = (
        connection.execute(
            sa.text(
                f'SELECT t.* FROM "{case_type.id}" t WHERE t.id = :i AND EXISTS '
                f"(SELECT 1 FROM {view.relation} v WHERE v.id = t.id) FOR UPDATE OF t"
            ),
            {"i": case_id},
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise CaseNotFound(f"无此案件 / no {case_type.id} {case_id}")
    return dict(row)


def allowed_transitions(
    case_type: CaseType, principal: Principal, row: Mapping[str, Any]
) -> tuple[Transition, ...]:
    """The transitions ``principal`` may make on the case ``row`` in its current state."""
    owner_field = case_type.layer.owner_field
    owner = row.get(owner_field) if owner_field else None
    return tuple(
        t
        for t in case_type.allowed_from(row["state"])
        if policy.may_act(principal, case_type.layer, t.party, owner)
    )


def _names(transitions: tuple[Transition, ...]) -> str:
    return ", ".join(t.name for t in transitions) or "none"


def make_transition(
    engine: sa.Engine,
    case_type: CaseType,
    principal: Principal,
    case_id: int,
    name: str,
    comment: str | None = None,
    values: Mapping[str, Any] | None = None,
    attachments: Attachments = None,
) -> str:
    """Make transition ``name`` on case ``case_id``; the new state.

    :class:`TransitionForbidden` (403) when the user may not make it (naming the ones they
    may), :class:`TransitionNotAllowed` (409) when the case's state does not allow it (naming
    the ones it does); nothing is changed then.
    """
    with engine.begin() as connection:
        audit.set_actor(connection, actor_of(principal))
        return transition_in(
            connection, case_type, principal, case_id, name, comment, values, attachments
        )


def transition_in(
    connection: sa.Connection,
    case_type: CaseType,
    principal: Principal,
    case_id: int,
    name: str,
    comment: str | None = None,
    values: Mapping[str, Any] | None = None,
    attachments: Attachments = None,
) -> str:
    """:func:`make_transition` in the caller's transaction (whose actor is set)."""
    layer = case_type.layer
    transition = case_type.transition(name)
    if transition is None:
        known = ", ".join(t.name for t in case_type.transitions)
        raise BadCaseInput(f"未知办理环节 / {layer.id} have no transition {name!r}; known: {known}")
    comment = (comment or "").strip() or None
    row = _locked_row(connection, case_type, principal, case_id)
    owner = row.get(layer.owner_field) if layer.owner_field else None
    state = row["state"]
    if not policy.may_act(principal, layer, transition.party, owner):
        raise TransitionForbidden(
            f"无权{transition.zh} / {principal.login} may not {name} this {layer.id} "
            f"case; you may: {_names(allowed_transitions(case_type, principal, row))}"
        )
    if state not in transition.sources:
        raise TransitionNotAllowed(
            f"当前状态（{case_type.state_title(state)}）不能{transition.zh} / a {state} case "
            f"cannot {name}; allowed now: {_names(case_type.allowed_from(state))}"
        )
    changes = checked_values(layer, values or {}, transition.sets, name)
    for required in transition.required:
        if changes.get(required) is None and row.get(required) is None:
            raise BadCaseInput(f"缺少必填项 / {name} needs {required}")
    for renewed in transition.renewed:
        if changes.get(renewed) is None:
            raise BadCaseInput(f"请重新设定 / {name} needs a new {renewed}")
    if transition.comment_required and not comment:
        raise BadCaseInput(f"请填写意见 / {name} needs a comment saying what was done")
    now = _now(connection)
    if case_type.deadline_field and case_type.deadline_field in changes:
        check_deadline(changes[case_type.deadline_field], now)
    if changes.get("credit_code"):
        _enterprise(connection, changes["credit_code"])
    updates = changes | {"state": transition.target, "updated_at": now}
    for stamp in transition.stamps:
        updates[stamp] = now
    if transition.stamps and case_type.late_field and case_type.deadline_field:
        deadline = row.get(case_type.deadline_field)
        updates[case_type.late_field] = deadline is not None and now > deadline
    assignments = ", ".join(f'"{c}" = :{c}' for c in updates)
    connection.execute(
        sa.text(f'UPDATE "{layer.id}" SET {assignments} WHERE id = :case_id'),
        updates | {"case_id": case_id},
    )
    entry = _record(
        connection,
        case_type,
        case_id,
        name,
        (state, transition.target),
        actor_of(principal),
        comment,
        changes,
    )
    owner = updates.get(layer.owner_field or "") or owner
    _attach(connection, attachments, case_type, case_id, entry, actor_of(principal), owner)
    field = case_type.deadline_field
    deadline = (updates.get(field) or row.get(field)) if field else None
    outbox.record_assignment(connection, case_type, case_id, (state, transition.target), deadline)
    return transition.target
