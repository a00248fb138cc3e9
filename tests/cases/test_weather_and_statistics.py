"""Heavy-pollution-weather notices (Jiangsu 7.4.10), statistics of cases, and the Appendix J
notice document of an inspection."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import sqlalchemy as sa
from docx import Document
from flask.testing import FlaskClient
from openpyxl import load_workbook

WEATHER = "/ogcapi/collections/weather_responses"


def _at(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


def _notice(enterprises: list[str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "properties": {
            "level": "橙色",
            "period_start": _at(2),
            "period_end": _at(50),
            "answer_by": _at(4),
        }
    }
    if enterprises is not None:
        body["enterprises"] = enterprises
    return body


def test_a_notice_goes_to_the_list_and_a_late_answer_is_flagged(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    headers, codes = demo_accounts["headers"], demo_accounts["codes"]
    staff = headers["staff"]
    listed = [codes["ent_a"], codes["ent_b"]]
    issued = client.post(f"{WEATHER}/cases", json=_notice(listed), headers=staff)
    assert issued.status_code == 201, issued.get_data(as_text=True)
    notice_no, responses = issued.get_json()["notice_no"], issued.get_json()["responses"]
    assert len(responses) == 2 and issued.get_json()["properties"]["level"] == "orange"
    # time passes for B: its answer deadline is behind it when it answers
    with demo_engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE weather_responses SET answer_by = now() - interval '1 minute' "
                "WHERE notice_no = :n AND credit_code = :c"
            ),
            {"n": notice_no, "c": codes["ent_b"]},
        )
    url_of = {
        who: f"{WEATHER}/items/{rid}/transitions"
        for who, rid in zip(("ent_a", "ent_b"), responses, strict=True)
    }
    for who in ("ent_a", "ent_b"):
        body = {"transition": "answer", "properties": {"measures": "停产涂装线 / paint line off"}}
        answered = client.post(url_of[who], json=body, headers=headers[who])
        assert answered.status_code == 200, answered.get_data(as_text=True)
    again = client.post(url_of["ent_a"], json={"transition": "answer"}, headers=staff)
    assert again.status_code == 409  # answered already
    summary = client.get(f"{WEATHER}/notices/{notice_no}", headers=staff).get_json()
    flags = {r["credit_code"]: (r["late"], r["missing"]) for r in summary["responses"]}
    assert flags == {codes["ent_a"]: (False, False), codes["ent_b"]: (True, False)}
    assert summary["counts"] == {
        "listed": 2,
        "answered": 2,
        "late": 1,
        "missing": 0,
        "open": 2,
    }
    # each enterprise sees its own line only; only the office closes the notice
    own = client.get(f"{WEATHER}/notices/{notice_no}", headers=headers["ent_a"]).get_json()
    assert [r["credit_code"] for r in own["responses"]] == [codes["ent_a"]]
    close = f"{WEATHER}/notices/{notice_no}/close"
    assert client.post(close, headers=headers["ent_a"]).status_code == 403
    closed = client.post(close, json={"comment": "预警解除 / alert lifted"}, headers=staff)
    assert closed.status_code == 200, closed.get_data(as_text=True)
    assert closed.get_json()["counts"]["open"] == 0
    assert client.post(close, headers=staff).status_code == 200  # nothing left open


def test_an_unanswered_response_is_missing_when_the_notice_closes(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    staff = demo_accounts["headers"]["staff"]
    issued = client.post(f"{WEATHER}/cases", json=_notice(None), headers=staff).get_json()
    with demo_engine.connect() as connection:
        key = connection.execute(
            sa.text("SELECT count(*) FROM enterprises WHERE key_discharger")
        ).scalar_one()
    assert len(issued["responses"]) == key > 0  # the emergency list: the key dischargers
    notice = issued["notice_no"]
    client.post(f"{WEATHER}/notices/{notice}/close", headers=staff)
    summary = client.get(f"{WEATHER}/notices/{notice}", headers=staff).get_json()
    assert summary["counts"]["missing"] == key and summary["counts"]["answered"] == 0
    assert client.get(f"{WEATHER}/notices/TZ20000101-0000", headers=staff).status_code == 404


def test_bad_notices_are_refused(client: FlaskClient, demo_accounts: dict[str, Any]) -> None:
    staff = demo_accounts["headers"]["staff"]
    body = _notice([demo_accounts["codes"]["ent_a"]])
    body["properties"]["period_end"] = _at(1)
    assert client.post(f"{WEATHER}/cases", json=body, headers=staff).status_code == 400
    body = _notice(["91000000000000000X"])
    assert client.post(f"{WEATHER}/cases", json=body, headers=staff).status_code == 400
    body = _notice([demo_accounts["codes"]["ent_a"]])
    body["properties"]["answer_by"] = _at(-1)
    assert client.post(f"{WEATHER}/cases", json=body, headers=staff).status_code == 400
    enterprise = demo_accounts["headers"]["ent_a"]
    assert (
        client.post(f"{WEATHER}/cases", json=_notice(None), headers=enterprise).status_code == 403
    )


def test_statistics_count_by_state_and_type_and_list_the_overdue(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    staff = demo_accounts["headers"]["staff"]
    body = {
        "properties": {
            "source": "patrol",
            "clue_type": "soil",
            "occurred_at": "2026-11-01T08:00:00+08:00",
            "description": "地面油污 / oil on the ground",
            "credit_code": demo_accounts["codes"]["ent_a"],
            "deadline": _at(24),
        }
    }
    fid = client.post("/ogcapi/collections/clues/cases", json=body, headers=staff).get_json()["id"]
    with demo_engine.begin() as connection:  # its deadline passes
        connection.execute(
            sa.text("UPDATE clues SET deadline = now() - interval '1 day' WHERE id = :i"),
            {"i": fid},
        )
        by_type = dict(
            connection.execute(sa.text("SELECT clue_type, count(*) FROM clues GROUP BY 1")).all()
        )
    report = client.get("/ogcapi/collections/clues/statistics?by=clue_type", headers=staff)
    assert report.status_code == 200, report.get_data(as_text=True)
    stats = report.get_json()
    assert {c["value"]: c["count"] for c in stats["counts"]} == by_type
    assert fid in [o["id"] for o in stats["overdue"]]
    by_month = client.get("/ogcapi/collections/clues/statistics?by=month", headers=staff)
    assert all(len(c["value"]) == 7 for c in by_month.get_json()["counts"])
    xlsx = client.get("/ogcapi/collections/clues/statistics?by=state&f=xlsx", headers=staff)
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert book.sheetnames == ["统计 counts", "逾期 overdue"]
    case_no = next(o["case_no"] for o in stats["overdue"] if o["id"] == fid)
    assert case_no in [row[0] for row in book["逾期 overdue"].iter_rows(values_only=True)]
    bad = client.get("/ogcapi/collections/clues/statistics?by=colour", headers=staff)
    assert bad.status_code == 400 and "clue_type" in bad.get_json()["description"]
    # an enterprise's statistics are of its own cases
    mine = client.get(
        "/ogcapi/collections/clues/statistics", headers=demo_accounts["headers"]["ent_b"]
    ).get_json()
    assert fid not in [o["id"] for o in mine["overdue"]]
    assert client.get("/ogcapi/collections/clues/statistics").status_code == 404


def test_the_appendix_j_notice_lists_each_problem(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    staff, code_a = demo_accounts["headers"]["staff"], demo_accounts["codes"]["ent_a"]
    body = {
        "properties": {
            "credit_code": code_a,
            "inspected_at": "2026-11-25T09:30:00+08:00",
            "inspector": "赵强",
            "contact": "园区环保局 张工 0523-00000000",
            "plan_deadline": _at(24 * 10),
        },
        "findings": [
            {"code": "2d", "deadline": _at(24 * 20)},
            {"code": "5a", "deadline": _at(24 * 30), "suggestion": "在企业网站公开监测数据"},
        ],
    }
    recorded = client.post("/ogcapi/collections/inspections/cases", json=body, headers=staff)
    assert recorded.status_code == 201, recorded.get_data(as_text=True)
    url = f"/ogcapi/collections/inspections/items/{recorded.get_json()['id']}/notice.docx"
    got = client.get(url, headers=demo_accounts["headers"]["ent_a"])
    assert got.status_code == 200
    assert got.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(got.get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert len(rows) == 3 and rows[1][1] == "2d" and rows[2][1] == "5a"
    assert "危险废物贮存场所不规范" in rows[1][2] and rows[2][3] == "在企业网站公开监测数据"
    assert "2026-11-25 09:30" in text and "赵强" in text and "张工" in text
    assert "整改方案" in text and "法律责任" in text
    assert client.get(url, headers=demo_accounts["headers"]["ent_b"]).status_code == 404


def test_each_user_has_a_list_of_the_cases_waiting_for_them(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    headers, code_a = demo_accounts["headers"], demo_accounts["codes"]["ent_a"]
    body = {
        "properties": {
            "source": "patrol",
            "clue_type": "air",
            "occurred_at": "2026-11-29T08:00:00+08:00",
            "description": "无组织排放 / fugitive emissions",
            "credit_code": code_a,
            "deadline": _at(48),
        }
    }
    created = client.post("/ogcapi/collections/clues/cases", json=body, headers=headers["staff"])
    fid = created.get_json()["id"]

    def listed(who: str) -> dict[int, dict[str, Any]]:
        got = client.get("/ogcapi/tasks", headers=headers[who]).get_json()["tasks"]
        return {t["id"]: t for t in got if t["case_type"] == "clues"}

    staff = listed("staff")
    assert staff[fid]["transitions"] == ["assign"] and staff[fid]["due_soon"]
    assert fid not in listed("ent_a")  # registered: nothing for the enterprise yet
    url = f"/ogcapi/collections/clues/items/{fid}/transitions"
    client.post(url, json={"transition": "assign"}, headers=headers["staff"])
    assert fid not in listed("staff")  # now it waits for the enterprise
    mine = listed("ent_a")[fid]
    assert mine["transitions"] == ["accept"] and not mine["overdue"]
    assert fid not in listed("ent_b")
    with demo_engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE clues SET deadline = now() - interval '1 hour' WHERE id = :i"),
            {"i": fid},
        )
    assert listed("ent_a")[fid]["overdue"]
    assert client.get("/ogcapi/tasks").status_code == 401
