"""The park's archive (Guangxi E.2): staff file the park's own documents under items 2-7, item
1 sums the enterprises' E.1 files, and nobody else sees or adds to it."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

from cases import park_archive

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
URL = "/ogcapi/park-archive"


def test_the_seven_items_of_e2_ship_as_data() -> None:
    items = park_archive.items()
    assert [i.number for i in items] == list(range(1, 8))
    assert items[0].title_zh.startswith("入驻企业") and "表E.1" in items[0].content_zh
    assert all(i.title_zh and i.title_en and i.content_zh for i in items)


def test_staff_file_the_parks_documents_and_see_what_is_missing_or_expired(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    headers = demo_accounts["headers"]

    def file(who: str, item: Any, data: bytes = PDF, **fields: str) -> Any:
        form = {"item": str(item), "file": (io.BytesIO(data), f"park{item}.pdf"), **fields}
        return client.post(URL, data=form, headers=headers[who], content_type="multipart/form-data")

    plan = file("staff", 3, title="规划环评报告书", issued_on="2024-05-01")
    assert plan.status_code == 201, plan.get_data(as_text=True)
    rules = file("staff", 4, issued_on="2020-01-01", expires_on="2025-12-31")
    assert rules.status_code == 201
    # bad input: E.1's item, an unknown item, dates the wrong way round, not a document
    for bad in (
        file("staff", 1),
        file("staff", 8),
        file("staff", "x"),
        file("staff", 5, issued_on="2025-01-01", expires_on="2024-01-01"),
        file("staff", 5, issued_on="2025-13-01"),
        file("staff", 5, data=b"plain text"),
    ):
        assert bad.status_code == 400, bad.get_data(as_text=True)
        assert bad.get_json()["description"]

    shown = client.get(f"{URL}?as_of=2026-06-01", headers=headers["staff"]).get_json()
    states = {i["item"]: i["state"] for i in shown["items"]}
    assert len(states) == 7
    assert states[3] == "present" and states[4] == "expired"
    assert states[5] == "missing"  # the refused uploads left nothing behind
    assert any(d["title"] == "规划环评报告书" for d in shown["items"][2]["documents"])
    # item 1 sums the enterprises' files: the demo's enterprises miss E.1 items
    first = shown["items"][0]
    assert first["state"] == "missing"
    assert first["enterprises"]["enterprises"] > 1
    assert first["enterprises"]["with_missing"] == first["enterprises"]["enterprises"]
    # before the rules expired they were in force
    earlier = client.get(f"{URL}?as_of=2025-06-01", headers=headers["staff"]).get_json()
    assert {i["item"]: i["state"] for i in earlier["items"]}[4] == "present"

    # a park document is read by staff only (and each read is audited by documents.read)
    document_id = shown["items"][2]["documents"][0]["id"]
    assert client.get(f"/ogcapi/documents/{document_id}", headers=headers["staff"]).data == PDF
    assert client.get(f"/ogcapi/documents/{document_id}", headers=headers["ent_a"]).status_code in (
        403,
        404,
    )


def test_the_park_archive_is_not_there_for_enterprises_or_the_public(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    headers = demo_accounts["headers"]
    assert client.get(URL, headers=headers["ent_a"]).status_code == 404
    assert client.get(URL).status_code == 401
    form = {"item": "3", "file": (io.BytesIO(PDF), "x.pdf")}
    refused = client.post(
        URL, data=form, headers=headers["ent_a"], content_type="multipart/form-data"
    )
    assert refused.status_code == 404
    form = {"item": "3", "file": (io.BytesIO(PDF), "x.pdf")}
    assert client.post(URL, data=form, content_type="multipart/form-data").status_code == 401
