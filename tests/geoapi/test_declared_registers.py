"""The registers enterprises declare (Jiangsu 7.4.4-7.4.9) through the API: an enterprise
writes and reads only its own rows, staff read every enterprise's, anonymous users see none.

Each test writes only rows it creates (periods of 2001, which the demo never uses) and removes
them, so the other API tests keep reading the demo as loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from onemap.database import engine_for

GEOJSON = "application/geo+json"
REGISTERS = ("solid_waste", "ldar_checks", "energy_use", "carbon_accounts")


def _row(layer_id: str, credit: str) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "solid_waste": {
            "period": "2001-01",
            "category": "hazardous",
            "waste_code": "900-041-49",
            "name": "废包装物",
            "generated_t": 1.5,
        },
        "ldar_checks": {
            "unit": "TEST装置",
            "component_id": "TEST-V1",
            "component_type": "valve",
            "checked_on": "2001-05-01",
            "reading_ppm": 12.0,
        },
        "energy_use": {"period": "2001-01", "water_m3": 100.0, "electricity_kwh": 2000.0},
        "carbon_accounts": {"year": 2001, "accounting_unit": "TEST全厂", "co2_t": 1000.0},
        "pollutant_catalogue": {
            "medium": "soil_groundwater",  # the demo's catalogue has none
            "parameter": "w21003",
            "name": "氨氮",
            "reasons": ["persistent"],
        },
    }[layer_id]
    return {
        "type": "Feature",
        "geometry": None,
        "properties": {"credit_code": credit, **properties},
    }


def _post(client: FlaskClient, headers: dict[str, str], layer_id: str, feature: Any) -> Any:
    return client.post(
        f"/ogcapi/collections/{layer_id}/items",
        data=json.dumps(feature, ensure_ascii=False),
        headers={**headers, "Content-Type": GEOJSON},
    )


@pytest.fixture
def cleanup(demo_db_url: str) -> Iterator[None]:
    yield
    with engine_for(demo_db_url).begin() as connection:
        connection.exec_driver_sql("DELETE FROM solid_waste WHERE period = '2001-01'")
        connection.exec_driver_sql("DELETE FROM ldar_checks WHERE component_id = 'TEST-V1'")
        connection.exec_driver_sql("DELETE FROM energy_use WHERE period = '2001-01'")
        connection.exec_driver_sql("DELETE FROM carbon_accounts WHERE year = 2001")
        connection.exec_driver_sql(
            "DELETE FROM pollutant_catalogue WHERE medium = 'soil_groundwater'"
        )


@pytest.mark.parametrize("layer_id", REGISTERS)
def test_an_enterprise_declares_only_its_own_rows_and_staff_read_all(
    client: FlaskClient, demo_accounts: dict[str, Any], cleanup: None, layer_id: str
) -> None:
    h, codes = demo_accounts["headers"], demo_accounts["codes"]
    assert _post(client, h["ent_a"], layer_id, _row(layer_id, codes["ent_b"])).status_code == 403
    mine = _post(client, h["ent_a"], layer_id, _row(layer_id, codes["ent_a"]))
    assert mine.status_code == 201, mine.get_data(as_text=True)
    theirs = _post(client, h["ent_b"], layer_id, _row(layer_id, codes["ent_b"]))
    assert theirs.status_code == 201, theirs.get_data(as_text=True)
    items = f"/ogcapi/collections/{layer_id}/items"
    query = {"limit": 10000}
    seen_by_a = client.get(items, query_string=query, headers=h["ent_a"]).json["features"]
    assert {f["properties"]["credit_code"] for f in seen_by_a} == {codes["ent_a"]}
    seen_by_staff = client.get(items, query_string=query, headers=h["staff"]).json["features"]
    owners = {f["properties"]["credit_code"] for f in seen_by_staff}
    assert {codes["ent_a"], codes["ent_b"]} <= owners and len(owners) > 2  # the demo's too
    assert client.get(items).status_code == 404  # internal: not there for anonymous users
    # B's row does not exist for A, so A can neither change nor delete it
    b_path = theirs.headers["Location"].split("/ogcapi", 1)[1]
    assert client.delete("/ogcapi" + b_path, headers=h["ent_a"]).status_code == 404


def test_the_catalogue_is_public_and_an_enterprise_adds_only_its_own_entries(
    client: FlaskClient, demo_accounts: dict[str, Any], cleanup: None
) -> None:
    h, codes = demo_accounts["headers"], demo_accounts["codes"]
    layer_id = "pollutant_catalogue"
    refused = _post(client, h["ent_a"], layer_id, _row(layer_id, codes["ent_b"]))
    assert refused.status_code == 403
    created = _post(client, h["ent_a"], layer_id, _row(layer_id, codes["ent_a"]))
    assert created.status_code == 201, created.get_data(as_text=True)
    listed = client.get(
        "/ogcapi/collections/pollutant_catalogue/items",
        query_string={"filter": "medium = 'soil_groundwater'", "limit": 10000},
    )
    assert listed.status_code == 200
    assert [f["properties"]["credit_code"] for f in listed.json["features"]] == [codes["ent_a"]]
