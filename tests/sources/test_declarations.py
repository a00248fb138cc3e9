"""The declaration workflow through the API (Jiangsu 7.1.1, 7.4.6): an enterprise declares a
month of solid waste, changes it while it is submitted or returned, never once accepted, and
never its review fields; the office returns it with a reason or accepts it; only then does it
count in the year's totals. Each test writes only rows of 2002, which the demo never uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from layers import BY_ID
from onemap.database import engine_for
from sources.declarations import solid_waste_year

GEOJSON = "application/geo+json"
PATCH = "application/merge-patch+json"


@pytest.fixture
def cleanup(demo_db_url: str) -> Iterator[None]:
    yield
    with engine_for(demo_db_url).begin() as connection:
        connection.exec_driver_sql("DELETE FROM solid_waste WHERE period LIKE '2002-%%'")


def _month(credit: str, **extra: Any) -> bytes:
    properties = {
        "credit_code": credit,
        "period": "2002-03",
        "category": "hazardous",
        "waste_code": "900-041-49",
        "name": "废包装物",
        "max_permitted_t_per_year": 1.0,
        "generated_t": 0.5,
        **extra,
    }
    return json.dumps({"type": "Feature", "geometry": None, "properties": properties}).encode()


def _patch(client: Any, path: str, headers: dict[str, str], **properties: Any) -> Any:
    return client.patch(
        path,
        data=json.dumps({"properties": properties}),
        headers={**headers, "Content-Type": PATCH},
    )


def _review(client: Any, path: str, headers: dict[str, str], **body: Any) -> Any:
    return client.post(
        path + "/review",
        data=json.dumps(body),
        headers={**headers, "Content-Type": "application/json"},
    )


def _year(demo_db_url: str, credit: str) -> float:
    with engine_for(demo_db_url).connect() as connection:
        year = solid_waste_year(connection, 2002)
    mine = year[year["credit_code"] == credit]
    return float(mine["generated_t"].sum())


def test_a_declaration_counts_only_once_the_office_accepts_it(
    client: Any, demo_accounts: dict[str, Any], demo_db_url: str, cleanup: None
) -> None:
    h, credit = demo_accounts["headers"], demo_accounts["codes"]["ent_a"]
    created = client.post(
        "/ogcapi/collections/solid_waste/items",
        data=_month(credit),
        headers={**h["ent_a"], "Content-Type": GEOJSON},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.json["properties"]["review_status"] == "submitted"
    path = created.headers["Location"].split("/ogcapi", 1)[1]
    path = "/ogcapi" + path
    assert _year(demo_db_url, credit) == 0.0  # submitted: not counted

    # the enterprise corrects its submitted month; it may not review it, nor set its review
    changed = _patch(client, path, h["ent_a"], generated_t=1.5)
    assert changed.status_code == 200 and changed.json["properties"]["generated_t"] == 1.5
    forged = _patch(client, path, h["ent_a"], review_status="accepted")
    assert forged.status_code == 403 and "review" in forged.json["description"]
    assert _review(client, path, h["ent_a"], decision="accept").status_code == 403
    assert _review(client, path, {}, decision="accept").status_code == 404  # internal

    # the office returns it, with a reason only
    assert _review(client, path, h["staff"], decision="return").status_code == 400
    assert _review(client, path, h["staff"], decision="maybe").status_code == 400
    returned = _review(client, path, h["staff"], decision="return", reason="产生量与转移联单不符")
    assert returned.status_code == 200, returned.get_data(as_text=True)
    assert returned.json["review_status"] == "returned"
    seen = client.get(path, headers=h["ent_a"]).json["properties"]
    assert (seen["review_status"], seen["review_reason"]) == ("returned", "产生量与转移联单不符")
    assert _review(client, path, h["staff"], decision="accept").status_code == 409
    assert _year(demo_db_url, credit) == 0.0

    # corrected, it is submitted again; accepted, it counts, and is the office's record
    again = _patch(client, path, h["ent_a"], generated_t=1.2)
    assert again.json["properties"]["review_status"] == "submitted"
    assert again.json["properties"]["review_reason"] is None
    accepted = _review(client, path, h["staff"], decision="accept")
    assert accepted.status_code == 200 and accepted.json["reviewed_by"] == "staff"
    assert _year(demo_db_url, credit) == pytest.approx(1.2)
    with engine_for(demo_db_url).connect() as connection:
        year = solid_waste_year(connection, 2002)
    assert bool(year.loc[year["credit_code"] == credit, "over"].iloc[0])  # 1.2 t > 1.0 t
    assert _patch(client, path, h["ent_a"], generated_t=0.1).status_code == 403
    assert client.delete(path, headers=h["ent_a"]).status_code == 403
    assert _review(client, path, h["staff"], decision="accept").status_code == 409

    # the audit trail names who declared and who reviewed
    history = client.get(path + "/history", headers=h["staff"]).json["changes"]
    actors = [c["actor"] for c in reversed(history)]
    assert actors[0] == "user:ent_a" and "user:staff" in actors
    assert actors[-1] == "user:staff"


def test_the_office_enters_accepted_rows_and_keeps_their_review_on_change(
    client: Any, demo_accounts: dict[str, Any], cleanup: None
) -> None:
    h, credit = demo_accounts["headers"], demo_accounts["codes"]["ent_b"]
    created = client.post(
        "/ogcapi/collections/solid_waste/items",
        data=_month(credit, period="2002-04"),
        headers={**h["staff"], "Content-Type": GEOJSON},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    properties = created.json["properties"]
    assert (properties["review_status"], properties["reviewed_by"]) == ("accepted", "user:staff")
    path = "/ogcapi" + created.headers["Location"].split("/ogcapi", 1)[1]
    changed = _patch(client, path, h["staff"], generated_t=0.7)
    assert changed.json["properties"]["review_status"] == "accepted"
    # not even the office writes the review fields but through the review
    assert _patch(client, path, h["staff"], review_status="returned").status_code == 403
    # another enterprise's declaration does not exist for this one
    assert client.get(path, headers=h["ent_a"]).status_code == 404


def test_the_demo_registers_loaded_by_the_office_are_accepted(demo_db_url: str) -> None:
    with engine_for(demo_db_url).connect() as connection:
        for layer in BY_ID.values():
            if layer.declared:
                states = connection.exec_driver_sql(
                    f'SELECT DISTINCT review_status FROM "{layer.id}" WHERE period IS NOT NULL'
                    if "period" in layer.field_names
                    else f'SELECT DISTINCT review_status FROM "{layer.id}"'
                ).scalars()
                assert set(states) <= {"accepted"}, layer.id


def test_a_review_of_an_undeclared_layer_is_not_found(
    client: Any, demo_accounts: dict[str, Any]
) -> None:
    response = _review(
        client,
        "/ogcapi/collections/enterprises/items/1",
        demo_accounts["headers"]["staff"],
        decision="accept",
    )
    assert response.status_code == 404


def test_only_accepted_leaks_and_energy_count_in_the_findings(park: Any, engine: Any) -> None:
    import datetime as dt

    from sources.declarations import register_findings

    credit = park.enterprise("化工戊", park.at(0, 0))
    park.conn.exec_driver_sql(
        f"UPDATE enterprises SET industry_code = '2614' WHERE credit_code = '{credit}'"
    )
    for k, status in enumerate(("accepted", "submitted")):
        park.insert(
            "ldar_checks", credit_code=credit, unit="装置", component_id=f"V{k}",
            component_type="valve", checked_on=dt.date(2025, 3, 1), leaking=True,
            review_status=status,
        )  # fmt: skip
        park.insert(
            "energy_use", credit_code=credit, period=f"2025-0{k + 1}", water_m3=100.0 * (k + 1),
            review_status=status,
        )  # fmt: skip
    park.conn.commit()
    with engine.connect() as connection:
        found = register_findings(connection, 2025, dt.date(2025, 4, 1))
    assert list(found.late_leaks["component_id"]) == ["V0"]  # 31 days open, not repaired
    assert found.leak_rates["components"].tolist() == [1]
    energy = found.energy_by_industry
    assert energy["water_m3"].tolist() == [100.0] and energy["period"].tolist() == ["2025-01"]
