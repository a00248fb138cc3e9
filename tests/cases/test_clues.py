"""Clues through the API, as staff and enterprise users make them (Jiangsu 7.8.2): an exceedance
becomes a clue carrying its trace, is assigned to an enterprise, answered, revisited and closed;
the history shows each step; refused transitions say which are allowed and change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

CASES = "/ogcapi/collections/clues/cases"
ITEMS = "/ogcapi/collections/clues/items"


def _future(days: int = 10) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


def _transitions(fid: int) -> str:
    return f"{ITEMS}/{fid}/transitions"


def _post(client: FlaskClient, url: str, headers: dict[str, str], body: Any) -> Any:
    return client.post(url, json=body, headers=headers)


def _exceedance(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        row = (
            connection.execute(
                sa.text(
                    "SELECT id, trace_process, trace_inputs, ST_X(geom) AS x, ST_Y(geom) AS y "
                    "FROM exceedances WHERE trace_process IS NOT NULL ORDER BY id LIMIT 1"
                )
            )
            .mappings()
            .one()
        )
    return dict(row)


def _state(engine: sa.Engine, fid: int) -> tuple[str, int]:
    """The stored state of a clue and the number of its history entries."""
    with engine.connect() as connection:
        state = connection.execute(
            sa.text("SELECT state FROM clues WHERE id = :i"), {"i": fid}
        ).scalar_one()
        count = connection.execute(
            sa.text(
                "SELECT count(*) FROM case_transitions WHERE case_type = 'clues' AND case_id = :i"
            ),
            {"i": fid},
        ).scalar_one()
    return state, count


def _new_clue(client: FlaskClient, headers: dict[str, str], **properties: Any) -> int:
    body = {
        "properties": {
            "source": "patrol",
            "clue_type": "odour",
            "occurred_at": "2026-11-30T09:00:00+08:00",
            "description": "厂界异味 / odour at the fence",
            **properties,
        }
    }
    response = _post(client, CASES, headers, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return int(response.get_json()["id"])


def test_an_exceedance_becomes_a_clue_that_runs_to_closed(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    staff = demo_accounts["headers"]["staff"]
    ent_a, ent_b = demo_accounts["headers"]["ent_a"], demo_accounts["headers"]["ent_b"]
    code_a = demo_accounts["codes"]["ent_a"]
    exceedance = _exceedance(demo_engine)

    created = _post(client, CASES, staff, {"properties": {"exceedance_id": exceedance["id"]}})
    assert created.status_code == 201, created.get_data(as_text=True)
    clue = created.get_json()
    fid = clue["id"]
    assert created.headers["Location"].endswith(f"/collections/clues/items/{fid}")
    props = clue["properties"]
    assert props["state"] == "registered" and props["source"] == "monitoring"
    assert props["exceedance_id"] == exceedance["id"]
    assert props["trace_process"] == exceedance["trace_process"]
    assert props["trace_inputs"] == exceedance["trace_inputs"]
    assert props["case_no"].startswith("XS")
    assert [t["name"] for t in clue["transitions"]] == ["assign"]

    # the clue is a feature of the clues collection, at the exceedance's place
    feature = client.get(f"{ITEMS}/{fid}", headers=staff).get_json()
    assert feature["geometry"]["coordinates"] == pytest.approx([exceedance["x"], exceedance["y"]])
    # not assigned yet: no enterprise sees it
    assert client.get(_transitions(fid), headers=ent_a).status_code == 404

    assigned = _post(
        client,
        _transitions(fid),
        staff,
        {"transition": "assign", "properties": {"credit_code": code_a, "deadline": _future()}},
    )
    assert assigned.status_code == 200, assigned.get_data(as_text=True)
    assert assigned.get_json()["properties"]["state"] == "assigned"

    # enterprise A sees it in the collection and on its own; B does not
    listed = client.get(f"{ITEMS}?limit=1000", headers=ent_a).get_json()
    assert fid in [f["id"] for f in listed["features"]]
    listed_b = client.get(f"{ITEMS}?limit=1000", headers=ent_b).get_json()
    assert fid not in [f["id"] for f in listed_b["features"]]
    assert client.get(_transitions(fid), headers=ent_b).status_code == 404
    seen = client.get(_transitions(fid), headers=ent_a).get_json()
    assert "transitions" in seen, seen
    assert [t["name"] for t in seen["transitions"]] == ["accept"]

    steps = [
        (ent_a, {"transition": "accept"}),
        (ent_a, {"transition": "answer", "comment": "已更换活性炭 / carbon replaced"}),
        (staff, {"transition": "revisit", "comment": "现场无异味 / no odour on site"}),
        (staff, {"transition": "close"}),
    ]
    for headers, body in steps:
        response = _post(client, _transitions(fid), headers, body)
        assert response.status_code == 200, (body, response.get_data(as_text=True))
    final = client.get(_transitions(fid), headers=staff).get_json()
    assert final["properties"]["state"] == "closed" and final["transitions"] == []
    history = final["history"]
    assert [h["transition"] for h in history] == [
        "register",
        "assign",
        "accept",
        "answer",
        "revisit",
        "close",
    ]
    assert [h["actor"] for h in history] == [
        "user:staff",
        "user:staff",
        "user:ent_a",
        "user:ent_a",
        "user:staff",
        "user:staff",
    ]
    assert history[3]["comment"] == "已更换活性炭 / carbon replaced"
    assert history[1]["changes"]["credit_code"] == code_a
    assert [h["to"] for h in history][-1] == "closed"
    # the audit trail recorded each write of the row, by the same actors
    with demo_engine.connect() as connection:
        actors = (
            connection.execute(
                sa.text(
                    "SELECT actor FROM audit_log WHERE layer = 'clues' AND feature_id = :i "
                    "ORDER BY id"
                ),
                {"i": fid},
            )
            .scalars()
            .all()
        )
    assert actors == [h["actor"] for h in history]


def test_refused_transitions_name_the_allowed_ones_and_change_nothing(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    staff, ent_a = demo_accounts["headers"]["staff"], demo_accounts["headers"]["ent_a"]
    code_a = demo_accounts["codes"]["ent_a"]
    fid = _new_clue(client, staff, credit_code=code_a)
    assert _state(demo_engine, fid) == ("registered", 1)

    # the state does not allow it: 409, naming what it allows
    early = _post(client, _transitions(fid), staff, {"transition": "close"})
    assert early.status_code == 409
    assert "allowed now: assign" in early.get_json()["description"]
    # a deadline in the past, an unknown enterprise, a field the transition does not set: 400
    for properties in (
        {"deadline": "2020-01-01T00:00:00+08:00"},
        {"deadline": _future(), "credit_code": "91000000000000000X"},
        {"deadline": _future(), "state": "closed"},
    ):
        bad = _post(
            client, _transitions(fid), staff, {"transition": "assign", "properties": properties}
        )
        assert bad.status_code == 400, (properties, bad.get_data(as_text=True))
    assert _state(demo_engine, fid) == ("registered", 1)

    ok = _post(
        client,
        _transitions(fid),
        staff,
        {"transition": "assign", "properties": {"deadline": _future()}},
    )
    assert ok.status_code == 200, ok.get_data(as_text=True)
    # the role may not make it: 403, naming what this user may do
    forbidden = _post(client, _transitions(fid), ent_a, {"transition": "close"})
    assert forbidden.status_code == 403
    assert "you may: accept" in forbidden.get_json()["description"]
    wrong_state = _post(
        client, _transitions(fid), ent_a, {"transition": "answer", "comment": "done"}
    )
    assert wrong_state.status_code == 409
    assert "allowed now: accept" in wrong_state.get_json()["description"]
    unknown = _post(client, _transitions(fid), ent_a, {"transition": "escalate"})
    assert unknown.status_code == 400 and "known: assign" in unknown.get_json()["description"]
    assert _state(demo_engine, fid) == ("assigned", 2)

    assert _post(client, _transitions(fid), ent_a, {"transition": "accept"}).status_code == 200
    silent = _post(client, _transitions(fid), ent_a, {"transition": "answer"})
    assert silent.status_code == 400 and "comment" in silent.get_json()["description"]
    assert _state(demo_engine, fid) == ("handling", 3)


def test_a_revisit_can_send_the_clue_back_to_handling(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    staff, ent_a = demo_accounts["headers"]["staff"], demo_accounts["headers"]["ent_a"]
    fid = _new_clue(client, staff, credit_code=demo_accounts["codes"]["ent_a"], deadline=_future())
    for headers, body in (
        (staff, {"transition": "assign"}),
        (ent_a, {"transition": "accept"}),
        (ent_a, {"transition": "answer", "comment": "整改完成 / fixed"}),
        (staff, {"transition": "revisit"}),
    ):
        assert _post(client, _transitions(fid), headers, body).status_code == 200, body
    no_reason = _post(client, _transitions(fid), staff, {"transition": "reopen"})
    assert no_reason.status_code == 400
    back = _post(
        client,
        _transitions(fid),
        staff,
        {
            "transition": "reopen",
            "comment": "仍有异味 / odour persists",
            "properties": {"deadline": _future(20)},
        },
    )
    assert back.status_code == 200
    assert back.get_json()["properties"]["state"] == "handling"
    # the office may record an answer received on paper for the enterprise
    assert [t["name"] for t in back.get_json()["transitions"]] == ["answer"]
    assert _state(demo_engine, fid) == ("handling", 6)


def test_who_may_register_and_read_clues(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    headers = demo_accounts["headers"]
    body = {
        "properties": {
            "source": "patrol",
            "clue_type": "noise",
            "occurred_at": "2026-11-30T09:00:00",
            "description": "噪声",
        },
        "geometry": {"type": "Point", "coordinates": [120.0, 32.0]},
    }
    assert _post(client, CASES, {}, body).status_code == 404  # internal: not there for them
    refused = _post(client, CASES, headers["ent_a"], body)
    assert refused.status_code == 403, refused.get_data(as_text=True)
    # the collection does not exist for anonymous users
    assert client.get(ITEMS).status_code == 404
    assert client.get(_transitions(1)).status_code == 404
    # the generic editing refuses a case layer, even to staff
    created = _post(client, CASES, headers["staff"], body)
    assert created.status_code == 201
    fid = created.get_json()["id"]
    patch = client.patch(
        f"{ITEMS}/{fid}",
        data=b'{"properties": {"state": "closed"}}',
        headers={**headers["staff"], "Content-Type": "application/merge-patch+json"},
    )
    assert patch.status_code == 403 and "transitions" in patch.get_data(as_text=True)
    # a collection that holds no cases
    other = _post(client, "/ogcapi/collections/enterprises/cases", headers["staff"], body)
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"geometry": None}, "location"),
        ({"geometry": {"type": "Point", "coordinates": [200, 32]}}, "longitude"),
        ({"properties": {"source": "rumour"}}, "source"),
        ({"properties": {"occurred_at": "yesterday"}}, "ISO 8601"),
        ({"properties": {"deadline": "2020-01-01"}}, "past"),
        ({"properties": {"exceedance_id": 999999999}}, "exceedance"),
        ({"properties": {"state": "closed"}}, "cannot set state"),
    ],
)
def test_bad_clues_are_refused_with_a_reason(
    client: FlaskClient,
    demo_accounts: dict[str, Any],
    demo_engine: sa.Engine,
    change: dict[str, Any],
    message: str,
) -> None:
    body: dict[str, Any] = {
        "properties": {
            "source": "patrol",
            "clue_type": "noise",
            "occurred_at": "2026-11-30T09:00:00",
            "description": "夜间噪声",
        },
        "geometry": {"type": "Point", "coordinates": [120.0, 32.0]},
    }
    body["properties"] |= change.get("properties", {})
    if "geometry" in change:
        body["geometry"] = change["geometry"]
    with demo_engine.connect() as connection:
        before = connection.execute(sa.text("SELECT count(*) FROM clues")).scalar_one()
    response = _post(client, CASES, demo_accounts["headers"]["staff"], body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.get_json()["description"]
    with demo_engine.connect() as connection:
        after = connection.execute(sa.text("SELECT count(*) FROM clues")).scalar_one()
    assert after == before
