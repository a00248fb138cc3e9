"""Anonymous complaints: filed without an account, followed by receipt code, rate-limited."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from cases import complaints

COMPLAINTS = "/ogcapi/complaints"
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def _complaint(**change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "properties": {"description": "夜里河边有刺鼻气味 / a sharp smell by the river at night"},
        "geometry": {"type": "Point", "coordinates": [120.012, 31.995]},
    }
    body.update(change)
    return body


def _file(client: FlaskClient, address: str, body: dict[str, Any]) -> Any:
    return client.post(COMPLAINTS, json=body, environ_base={"REMOTE_ADDR": address})


def test_a_complaint_is_filed_without_an_account_and_followed_by_its_receipt(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine
) -> None:
    filed = _file(client, next(_addresses), _complaint())
    assert filed.status_code == 201, filed.get_data(as_text=True)
    answer = filed.get_json()
    receipt = answer["receipt"]
    assert complaints.receipt_digest(receipt) is not None
    assert answer["state"] == "registered"
    assert filed.headers["Location"].endswith(f"/complaints/{receipt}")

    # staff find it among the clues, a complaint registered by the public, at the place given
    staff = demo_accounts["headers"]["staff"]
    with demo_engine.connect() as connection:
        row = (
            connection.execute(
                sa.text(
                    "SELECT id, source, state, credit_code, ST_X(geom) AS x, receipt_sha256 "
                    "FROM clues WHERE case_no = :n"
                ),
                {"n": answer["case_no"]},
            )
            .mappings()
            .one()
        )
    assert row["source"] == "complaint" and row["credit_code"] is None
    assert row["x"] == 120.012
    assert receipt.replace("-", "") not in str(dict(row))  # only its digest is stored
    case = client.get(f"/ogcapi/collections/clues/items/{row['id']}/transitions", headers=staff)
    assert case.get_json()["history"][0]["actor"] == "public"

    # the office assigns it; the receipt code shows the new state and nothing private
    code_a = demo_accounts["codes"]["ent_a"]
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    assigned = client.post(
        f"/ogcapi/collections/clues/items/{row['id']}/transitions",
        json={
            "transition": "assign",
            "comment": "请企业核查 / the enterprise to check",
            "properties": {"credit_code": code_a, "deadline": deadline, "handler": "王工"},
        },
        headers=staff,
    )
    assert assigned.status_code == 200, assigned.get_data(as_text=True)
    for typed in (receipt, receipt.lower().replace("-", "")):
        status = client.get(f"{COMPLAINTS}/{typed}")
        assert status.status_code == 200
        shown = status.get_json()
        assert shown["state"] == "assigned"
        assert [s["transition"] for s in shown["steps"]] == ["register", "assign"]
        text = status.get_data(as_text=True)
        for private in (code_a, "王工", "请企业核查", "user:staff", "刺鼻", "actor", "comment"):
            assert private not in text, private
    assert client.get(f"{COMPLAINTS}/AAAA-BBBB-CCCC").status_code == 404
    assert client.get(f"{COMPLAINTS}/not-a-code").status_code == 404
    # the public still cannot read the clues collection
    assert client.get("/ogcapi/collections/clues/items").status_code == 404


def test_complaints_without_a_place_or_a_description_are_refused(
    client: FlaskClient, demo_engine: sa.Engine
) -> None:
    with demo_engine.connect() as connection:
        before = connection.execute(sa.text("SELECT count(*) FROM clues")).scalar_one()
    address = next(_addresses)
    for body, message in (
        (_complaint(geometry=None), "place"),
        (_complaint(properties={"description": "  "}), "description"),
        (_complaint(properties={"description": "x", "credit_code": "1"}), "cannot set"),
        (_complaint(geometry={"type": "Point", "coordinates": ["a", 1]}), "longitude"),
    ):
        response = _file(client, address, body)
        assert response.status_code == 400, body
        assert message in response.get_json()["description"]
    assert _file(client, address, {}).status_code == 400
    with demo_engine.connect() as connection:
        after = connection.execute(sa.text("SELECT count(*) FROM clues")).scalar_one()
    assert after == before
    # refused ones do not count against the address
    assert _file(client, address, _complaint()).status_code == 201


def test_complaints_are_rate_limited_per_address(client: FlaskClient) -> None:
    address, other = next(_addresses), next(_addresses)
    for _ in range(complaints.per_window()):
        assert _file(client, address, _complaint()).status_code == 201
    refused = _file(client, address, _complaint())
    assert refused.status_code == 429
    retry_after_s = int(refused.headers["Retry-After"])
    assert 0 < retry_after_s <= complaints.WINDOW_S
    assert "too many complaints" in refused.get_json()["description"]
    assert _file(client, other, _complaint()).status_code == 201
