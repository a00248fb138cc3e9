"""Recording inspections with G.1 findings, the rectifications they open, and the schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

INSPECTIONS = "/ogcapi/collections/inspections"
RECTIFICATIONS = "/ogcapi/collections/rectifications"


def _future(days: int = 30) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


def _record(code: str, findings: list[dict[str, Any]], **properties: Any) -> dict[str, Any]:
    return {
        "properties": {
            "credit_code": code,
            "inspected_at": "2026-11-20T10:00:00+08:00",
            "inspector": "李明",
            **properties,
        },
        "checklist": [
            {"item": "排污许可执行 / permit execution", "result": "ok"},
            {"item": "废气治理设施 / exhaust control", "result": "problem", "note": "风机停运"},
            {"item": "辐射 / radiation", "result": "na"},
        ],
        "findings": findings,
    }


def _counts(engine: sa.Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("inspections", "rectifications", "case_transitions")
        )


def test_an_inspection_with_two_findings_opens_two_rectifications(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    staff, ent_a = demo_accounts["headers"]["staff"], demo_accounts["headers"]["ent_a"]
    code_a = demo_accounts["codes"]["ent_a"]
    findings = [
        {"code": "2b", "problem": "活性炭吸附装置风机停运", "deadline": _future(15)},
        {"code": "4-c", "deadline": _future(30), "suggestion": "补齐2026年10月台账"},
    ]
    response = client.post(f"{INSPECTIONS}/cases", json=_record(code_a, findings), headers=staff)
    assert response.status_code == 201, response.get_data(as_text=True)
    inspection = response.get_json()
    props = inspection["properties"]
    assert props["findings"] == ["2b", "4c"] and props["finding_count"] == 2
    assert props["inspection_class"] == "B"  # the enterprise's class, kept with the record
    assert props["case_no"].startswith("JC") and props["state"] == "recorded"
    opened = inspection["rectifications"]
    assert len(opened) == 2

    first = client.get(f"{RECTIFICATIONS}/items/{opened[0]}/transitions", headers=ent_a)
    assert first.status_code == 200
    rect = first.get_json()["properties"]
    assert rect["g1_code"] == "2b" and rect["inspection_id"] == inspection["id"]
    assert "Facility not running normally" in rect["problem"]
    assert "活性炭吸附装置风机停运" in rect["problem"]
    assert rect["suggestion"].startswith("修复并保证治理设施正常运行")
    assert rect["state"] == "issued"
    second = client.get(f"{RECTIFICATIONS}/items/{opened[1]}", headers=ent_a).get_json()
    assert second["properties"]["suggestion"] == "补齐2026年10月台账"
    # both on the map at the enterprise's place, like the inspection
    inspection_feature = client.get(f"{INSPECTIONS}/items/{inspection['id']}", headers=staff)
    assert second["geometry"] == inspection_feature.get_json()["geometry"]

    # the enterprise answers with its plan and proof; staff re-check: reopen, then close
    url = f"{RECTIFICATIONS}/items/{opened[0]}/transitions"
    steps = [
        (ent_a, {"transition": "answer", "comment": "已修复风机 / fan repaired"}, 200),
        (ent_a, {"transition": "close"}, 403),
        (staff, {"transition": "reopen", "comment": "仍停运", "properties": {}}, 400),
        (
            staff,
            {"transition": "reopen", "comment": "仍停运", "properties": {"deadline": _future(7)}},
            200,
        ),
        (ent_a, {"transition": "answer", "comment": "更换电机 / motor replaced"}, 200),
        (staff, {"transition": "close", "comment": "复核通过 / re-checked"}, 200),
        (staff, {"transition": "close"}, 409),
    ]
    for headers, body, status in steps:
        got = client.post(url, json=body, headers=headers)
        assert got.status_code == status, (body, got.get_data(as_text=True))
    history = client.get(url, headers=staff).get_json()["history"]
    assert [h["transition"] for h in history] == [
        "register",
        "answer",
        "reopen",
        "answer",
        "close",
    ]
    # enterprise B sees neither the inspection nor its rectifications
    ent_b = demo_accounts["headers"]["ent_b"]
    assert client.get(f"{INSPECTIONS}/items/{inspection['id']}", headers=ent_b).status_code == 404
    assert client.get(url, headers=ent_b).status_code == 404
    listed = client.get(f"{RECTIFICATIONS}/items?limit=1000", headers=ent_b).get_json()
    assert not set(opened) & {f["id"] for f in listed["features"]}


def test_a_bad_finding_refuses_the_whole_record(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    staff = demo_accounts["headers"]["staff"]
    code_a = demo_accounts["codes"]["ent_a"]
    good = {"code": "1a", "deadline": _future()}
    before = _counts(demo_engine)
    for findings, properties, message in (
        ([good, {"code": "4h", "deadline": _future()}], {}, "G.1"),
        ([good, {"code": "2b", "deadline": "2020-01-01"}], {}, "past"),
        ([good, {"code": "2b"}], {}, "deadline"),
        ([good], {"inspected_at": "2099-01-01T00:00:00+08:00"}, "future"),
        ([good], {"credit_code": "91000000000000000X"}, "enterprise"),
    ):
        response = client.post(
            f"{INSPECTIONS}/cases", json=_record(code_a, findings, **properties), headers=staff
        )
        assert response.status_code == 400, (findings, response.get_data(as_text=True))
        assert message in response.get_json()["description"]
    assert _counts(demo_engine) == before
    forbidden = client.post(
        f"{INSPECTIONS}/cases",
        json=_record(code_a, [good]),
        headers=demo_accounts["headers"]["ent_a"],
    )
    assert forbidden.status_code == 403
    assert _counts(demo_engine) == before


def test_a_rectification_from_a_notice_takes_its_code_texts(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    staff = demo_accounts["headers"]["staff"]
    body = {
        "properties": {
            "credit_code": demo_accounts["codes"]["ent_b"],
            "g1_code": "6c",
            "deadline": _future(),
        }
    }
    response = client.post(f"{RECTIFICATIONS}/cases", json=body, headers=staff)
    assert response.status_code == 201, response.get_data(as_text=True)
    props = response.get_json()["properties"]
    assert props["problem"].startswith("应急预案未编制或未备案")
    assert props["case_no"].startswith("ZG")
    body["properties"]["g1_code"] = "6z"
    assert client.post(f"{RECTIFICATIONS}/cases", json=body, headers=staff).status_code == 400


def test_the_schedule_shows_who_is_due_and_overdue(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    staff, ent_a = demo_accounts["headers"]["staff"], demo_accounts["headers"]["ent_a"]
    code_b = demo_accounts["codes"]["ent_b"]
    recorded = client.post(
        f"{INSPECTIONS}/cases",
        json=_record(code_b, [], inspected_at="2024-04-10T09:00:00+08:00"),
        headers=staff,
    )
    assert recorded.status_code == 201, recorded.get_data(as_text=True)

    def status(as_of: str, headers: dict[str, str]) -> dict[str, Any]:
        response = client.get(f"{INSPECTIONS}/schedule?as_of={as_of}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()  # type: ignore[no-any-return]

    after = status("2024-05-15", staff)
    row = next(r for r in after["enterprises"] if r["credit_code"] == code_b)
    assert row["state"] == "done" and row["last_inspected"] == "2024-04-10"
    before = status("2024-03-01", staff)
    row = next(r for r in before["enterprises"] if r["credit_code"] == code_b)
    assert row["state"] == "overdue" and row["last_inspected"] is None
    with demo_engine.connect() as connection:
        classified = connection.execute(
            sa.text("SELECT count(*) FROM enterprises WHERE inspection_class IS NOT NULL")
        ).scalar_one()
    assert sum(before["counts"].values()) == classified == len(before["enterprises"])
    states = [r["state"] for r in before["enterprises"]]
    assert states == sorted(states, key=["overdue", "due", "done"].index)
    # by class; an enterprise sees its own line only
    only_a = client.get(f"{INSPECTIONS}/schedule?as_of=2024-03-01&class=a", headers=staff)
    assert {r["inspection_class"] for r in only_a.get_json()["enterprises"]} == {"A"}
    own = status("2024-03-01", ent_a)
    assert [r["credit_code"] for r in own["enterprises"]] == [demo_accounts["codes"]["ent_a"]]
    # bad input and other collections
    assert client.get(f"{INSPECTIONS}/schedule?as_of=May", headers=staff).status_code == 400
    assert client.get(f"{INSPECTIONS}/schedule?class=D", headers=staff).status_code == 400
    assert client.get(f"{INSPECTIONS}/schedule").status_code == 404  # internal
    assert client.get("/ogcapi/collections/clues/schedule", headers=staff).status_code == 404


def test_the_g1_codes_are_published(client: FlaskClient) -> None:
    codes = client.get("/ogcapi/g1-codes").get_json()["codes"]
    assert len(codes) == 40 and codes[0]["code"] == "1a"
