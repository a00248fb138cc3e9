"""Documents: attachments to transitions and complaints, read per the policy and audited,
checked by content and size, stored by digest; the one-enterprise-one-file completeness."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from cases import documents

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0" + b"JFIF" + bytes(200)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _future(days: int = 10) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


def test_content_decides_the_type() -> None:
    assert documents.sniff(PNG) == "image/png"
    assert documents.sniff(JPEG) == "image/jpeg"
    assert documents.sniff(PDF) == "application/pdf"
    assert documents.sniff(_docx()) == documents.DOCX
    assert documents.sniff(b"PK\x03\x04 not really a zip") is None
    assert documents.sniff(b"<html><script>alert(1)</script>") is None
    assert documents.display_name("../../etc/passwd", "image/png") == "passwd"
    assert documents.display_name('C:\\x\\a"b;.png', "image/png") == "a_b_.png"
    assert documents.display_name(None, "image/png") == "document"


def _handling_clue(client: FlaskClient, accounts: dict[str, Any]) -> int:
    staff, ent_a = accounts["headers"]["staff"], accounts["headers"]["ent_a"]
    body = {
        "properties": {
            "source": "inspection",
            "clue_type": "water",
            "occurred_at": "2026-11-28T15:00:00+08:00",
            "description": "雨水口有浑浊水排出 / turbid water at a rain outlet",
            "credit_code": accounts["codes"]["ent_a"],
            "deadline": _future(),
        }
    }
    fid = client.post("/ogcapi/collections/clues/cases", json=body, headers=staff).get_json()["id"]
    url = f"/ogcapi/collections/clues/items/{fid}/transitions"
    assert client.post(url, json={"transition": "assign"}, headers=staff).status_code == 200
    assert client.post(url, json={"transition": "accept"}, headers=ent_a).status_code == 200
    return int(fid)


def test_an_answer_with_a_photo_is_read_per_the_policy_and_audited(
    client: FlaskClient,
    demo_accounts: dict[str, Any],
    demo_engine: sa.Engine,
    documents_dir: Path,
) -> None:
    headers = demo_accounts["headers"]
    fid = _handling_clue(client, demo_accounts)
    url = f"/ogcapi/collections/clues/items/{fid}/transitions"
    answered = client.post(
        url,
        data={
            "transition": "answer",
            "comment": "已封堵并清理 / blocked and cleaned",
            "photo": (io.BytesIO(PNG), "../../现场照片.png"),
        },
        headers=headers["ent_a"],
        content_type="multipart/form-data",
    )
    assert answered.status_code == 200, answered.get_data(as_text=True)
    entry = answered.get_json()["history"][-1]
    assert entry["transition"] == "answer"
    (attachment,) = entry["attachments"]
    assert attachment["media_type"] == "image/png" and attachment["filename"] == "现场照片.png"

    doc = f"/ogcapi/documents/{attachment['id']}"
    for who in ("ent_a", "staff"):
        got = client.get(doc, headers=headers[who])
        assert got.status_code == 200 and got.get_data() == PNG
        assert got.headers["Content-Type"] == "image/png"
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in got.headers["Content-Disposition"]
    assert client.get(doc, headers=headers["ent_b"]).status_code == 404
    assert client.get(doc).status_code == 401
    with demo_engine.connect() as connection:
        reads = (
            connection.execute(
                sa.text(
                    "SELECT actor FROM audit_log WHERE layer = 'documents' AND action = 'read' "
                    "AND feature_id = :i ORDER BY id"
                ),
                {"i": attachment["id"]},
            )
            .scalars()
            .all()
        )
    assert reads == ["user:ent_a", "user:staff"]
    # stored once, under its digest, inside the store; the name given reached no path
    digest = hashlib.sha256(PNG).hexdigest()
    assert (documents_dir / digest[:2] / digest[2:4] / digest).read_bytes() == PNG
    stored = [p for p in documents_dir.rglob("*") if p.is_file()]
    assert all(len(p.name) == 64 for p in stored)


def test_wrong_or_large_files_are_refused_and_nothing_is_saved(
    client: FlaskClient,
    demo_accounts: dict[str, Any],
    demo_engine: sa.Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ent_a = demo_accounts["headers"]["ent_a"]
    fid = _handling_clue(client, demo_accounts)
    url = f"/ogcapi/collections/clues/items/{fid}/transitions"

    def answer(data: bytes, name: str) -> Any:
        form = {"transition": "answer", "comment": "done", "proof": (io.BytesIO(data), name)}
        return client.post(url, data=form, headers=ent_a, content_type="multipart/form-data")

    with demo_engine.connect() as connection:
        before = connection.execute(sa.text("SELECT count(*) FROM documents")).scalar_one()
    fake = answer(b"#!/bin/sh\nrm -rf /\n", "photo.png")
    assert fake.status_code == 400 and "by its content" in fake.get_json()["description"]
    assert answer(b"", "empty.pdf").status_code == 400
    monkeypatch.setenv(documents.ENV_MAX_BYTES, "1000")
    large = answer(PNG, "large.png")
    assert large.status_code == 400 and "at most 1000" in large.get_json()["description"]
    monkeypatch.delenv(documents.ENV_MAX_BYTES)
    state = client.get(url, headers=ent_a).get_json()
    assert state["properties"]["state"] == "handling" and len(state["history"]) == 3
    with demo_engine.connect() as connection:
        after = connection.execute(sa.text("SELECT count(*) FROM documents")).scalar_one()
    assert after == before
    assert answer(PDF, "整改报告.pdf").status_code == 200


def test_a_complaint_from_the_page_form_carries_its_photo(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    form = {
        "lon": "120.01",
        "lat": "32.00",
        "description": "排口冒黑烟 / black smoke from a stack",
        "photo": (io.BytesIO(JPEG), "IMG_0001.jpg"),
    }
    filed = client.post(
        "/ogcapi/complaints",
        data=form,
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert filed.status_code == 201, filed.get_data(as_text=True)
    with demo_engine.connect() as connection:
        fid = connection.execute(
            sa.text("SELECT id FROM clues WHERE case_no = :n"), {"n": filed.get_json()["case_no"]}
        ).scalar_one()
    staff = demo_accounts["headers"]["staff"]
    case = client.get(f"/ogcapi/collections/clues/items/{fid}/transitions", headers=staff)
    (photo,) = case.get_json()["history"][0]["attachments"]
    assert client.get(f"/ogcapi/documents/{photo['id']}", headers=staff).get_data() == JPEG
    # a complaint takes photos only
    form = {"lon": "120.01", "lat": "32.00", "description": "x", "photo": (io.BytesIO(PDF), "a")}
    refused = client.post(
        "/ogcapi/complaints",
        data=form,
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert refused.status_code == 400


def test_the_enterprise_file_shows_present_expired_and_missing_items(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    headers, code_a = demo_accounts["headers"], demo_accounts["codes"]["ent_a"]
    url = f"/ogcapi/archive/{code_a}"

    def file(who: str, item: int, data: bytes, **dates: str) -> Any:
        form = {"item": str(item), "file": (io.BytesIO(data), f"item{item}.pdf"), **dates}
        return client.post(url, data=form, headers=headers[who], content_type="multipart/form-data")

    assert file("staff", 1, PDF).status_code == 201
    assert file("staff", 2, PDF, issued_on="2025-01-01", expires_on="2030-01-01").status_code == 201
    permit = file("staff", 4, _docx(), issued_on="2021-01-01", expires_on="2026-01-01")
    assert permit.status_code == 201, permit.get_data(as_text=True)
    assert file("ent_a", 22, PNG).status_code == 201  # an enterprise files its own
    assert file("staff", 34, PDF).status_code == 400
    assert file("staff", 3, PDF, issued_on="2025-01-01", expires_on="2024-01-01").status_code == 400
    assert file("staff", 3, b"plain text").status_code == 400
    assert file("ent_b", 3, PDF).status_code == 404  # not theirs: not there for them

    shown = client.get(f"{url}?as_of=2026-12-03", headers=headers["ent_a"]).get_json()
    states = {i["item"]: i["state"] for i in shown["items"]}
    assert len(states) == 33
    assert states[1] == states[2] == states[22] == "present"
    assert states[4] == "expired"
    assert shown["counts"] == {"present": 3, "expired": 1, "missing": 29}
    assert shown["items"][3]["documents"][0]["expires_on"] == "2026-01-01"
    # before the permit expired it was in force
    earlier = client.get(f"{url}?as_of=2025-12-31", headers=headers["staff"]).get_json()
    assert earlier["counts"]["present"] == 4
    assert client.get(url, headers=headers["ent_b"]).status_code == 404
    assert client.get(url).status_code == 401

    table = client.get("/ogcapi/archive?as_of=2026-12-03", headers=headers["staff"]).get_json()
    row = next(r for r in table["enterprises"] if r["credit_code"] == code_a)
    assert row["expired_items"] == [4] and row["missing"] == 29
    assert len(table["enterprises"]) > 1
    own = client.get("/ogcapi/archive", headers=headers["ent_a"]).get_json()["enterprises"]
    assert [r["credit_code"] for r in own] == [code_a]
