"""Editing through the API (OGC API Features Part 4) under the policy, on the demo park.

Each test writes only rows it creates (hazardous chemicals stored at places named ``TEST-…``,
which the demo never uses) or puts back what it changed, so the other API tests keep reading
the demo as loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from onemap.database import engine_for

GEOJSON = "application/geo+json"
PATCH = "application/merge-patch+json"


def _chemical(code: str, place: str = "TEST-T-101", **extra: Any) -> dict[str, Any]:
    properties = {
        "credit_code": code,
        "name": "甲醇",
        "cas_no": "67-56-1",
        "storage_place": place,
        "max_quantity_t": 120,
        "storage_form": "储罐",  # Chinese labels are accepted, as in files
        "hazard_classes": ["易燃液体", "急性毒性"],
        **extra,
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [120.01, 32.02]},
        "properties": properties,
    }


def _post(client: FlaskClient, headers: dict[str, str], feature: Any, **kw: Any) -> Any:
    return client.post(
        "/ogcapi/collections/hazardous_chemicals/items",
        data=json.dumps(feature, ensure_ascii=False),
        headers={**headers, "Content-Type": kw.pop("content_type", GEOJSON), **kw},
    )


@pytest.fixture
def engine(demo_db_url: str) -> sa.Engine:
    return engine_for(demo_db_url)


@pytest.fixture
def cleanup(engine: sa.Engine) -> Iterator[None]:
    yield
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "DELETE FROM hazardous_chemicals WHERE starts_with(storage_place, 'TEST-')"
        )


def _count(engine: sa.Engine) -> int:
    """The chemicals the tests made."""
    with engine.connect() as connection:
        return int(
            connection.exec_driver_sql(
                "SELECT count(*) FROM hazardous_chemicals WHERE starts_with(storage_place, 'TEST-')"
            ).scalar_one()
        )


def test_an_enterprise_creates_its_own_chemical_and_nobody_else_sees_it(
    client: FlaskClient, demo_accounts: dict[str, Any], engine: sa.Engine, cleanup: None
) -> None:
    h, codes = demo_accounts["headers"], demo_accounts["codes"]
    created = _post(client, h["ent_a"], _chemical(codes["ent_a"]))
    assert created.status_code == 201, created.get_data(as_text=True)
    location = created.headers["Location"]
    fid = int(location.rsplit("/", 1)[1])
    assert created.headers["ETag"].startswith('"')
    assert created.json["properties"]["storage_form"] == "tank"
    path = f"/ogcapi/collections/hazardous_chemicals/items/{fid}"
    assert client.get(path, headers=h["ent_a"]).status_code == 200
    assert client.get(path, headers=h["staff"]).status_code == 200
    assert client.get(path, headers=h["ent_b"]).status_code == 404  # not B's: not there for B
    assert client.get(path).status_code == 404  # the layer does not exist for anonymous users
    listed = client.get(
        "/ogcapi/collections/hazardous_chemicals/items",
        query_string={"limit": 10000},
        headers=h["ent_b"],
    )
    assert fid not in {f["id"] for f in listed.json["features"]}
    assert {f["properties"]["credit_code"] for f in listed.json["features"]} <= {codes["ent_b"]}
    by_filter = client.get(
        "/ogcapi/collections/hazardous_chemicals/items",
        query_string={"filter": f"credit_code = '{codes['ent_a']}'"},
        headers=h["ent_b"],
    )
    assert by_filter.json["numberMatched"] == 0
    # B cannot change or delete it either: it does not exist for B
    patched = client.patch(
        path,
        data=json.dumps({"properties": {"max_quantity_t": 1}}),
        headers={**h["ent_b"], "Content-Type": PATCH},
    )
    assert patched.status_code == 404
    assert client.delete(path, headers=h["ent_b"]).status_code == 404
    assert _count(engine) == 1


def test_an_enterprise_cannot_write_for_another(
    client: FlaskClient, demo_accounts: dict[str, Any], engine: sa.Engine, cleanup: None
) -> None:
    h, codes = demo_accounts["headers"], demo_accounts["codes"]
    refused = _post(client, h["ent_a"], _chemical(codes["ent_b"]))
    assert refused.status_code == 403
    assert _count(engine) == 0
    created = _post(client, h["ent_a"], _chemical(codes["ent_a"]))
    path = created.headers["Location"].split("/ogcapi", 1)[1]
    moved = client.patch(
        "/ogcapi" + path,
        data=json.dumps({"properties": {"credit_code": codes["ent_b"]}}),
        headers={**h["ent_a"], "Content-Type": PATCH},
    )
    assert moved.status_code == 403  # giving one's row to another enterprise
    with engine.connect() as connection:
        owner = connection.exec_driver_sql(
            "SELECT credit_code FROM hazardous_chemicals WHERE starts_with(storage_place, 'TEST-')"
        )
        assert owner.scalar_one() == codes["ent_a"]


def _enterprise(engine: sa.Engine, code: str) -> tuple[int, int | None]:
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT id, hazard_level FROM enterprises WHERE credit_code = :c"), {"c": code}
        ).one()
    return int(row[0]), row[1]


def test_an_enterprise_edits_its_own_hazard_level_and_the_history_shows_it(
    client: FlaskClient, demo_accounts: dict[str, Any], engine: sa.Engine
) -> None:
    h, codes = demo_accounts["headers"], demo_accounts["codes"]
    fid, before = _enterprise(engine, codes["ent_a"])
    path = f"/ogcapi/collections/enterprises/items/{fid}"
    etag = client.get(path, headers=h["ent_a"]).headers["ETag"]
    new = 3 if before != 3 else 2
    try:
        done = client.patch(
            path,
            data=json.dumps({"properties": {"hazard_level": new}}),
            headers={**h["ent_a"], "Content-Type": PATCH, "If-Match": etag},
        )
        assert done.status_code == 200, done.get_data(as_text=True)
        assert done.json["properties"]["hazard_level"] == new
        assert done.json["properties"]["phone"]  # its own private fields come back to it
        assert done.headers["ETag"] != etag
        # the ETag the write returned names the version a read now finds (a read of the same
        # view gives the same tag)
        assert client.get(path, headers=h["ent_a"]).headers["ETag"] == done.headers["ETag"]
        assert _enterprise(engine, codes["ent_a"])[1] == new
        stale = client.patch(
            path,
            data=json.dumps({"properties": {"hazard_level": 1}}),
            headers={**h["ent_a"], "Content-Type": PATCH, "If-Match": etag},
        )
        assert stale.status_code == 412
        assert _enterprise(engine, codes["ent_a"])[1] == new  # nothing changed
        other_id, other_level = _enterprise(engine, codes["ent_b"])
        other = client.patch(
            f"/ogcapi/collections/enterprises/items/{other_id}",
            data=json.dumps({"properties": {"hazard_level": 4}}),
            headers={**h["ent_a"], "Content-Type": PATCH},
        )
        assert other.status_code == 403
        assert _enterprise(engine, codes["ent_b"])[1] == other_level
        history = client.get(path + "/history", headers=h["staff"])
        assert history.status_code == 200
        latest = history.json["changes"][0]
        assert latest["actor"] == "user:ent_a" and latest["action"] == "update"
        assert latest["changed"] == ["hazard_level"]
        assert latest["after"]["hazard_level"] == new
        assert client.get(path + "/history", headers=h["ent_a"]).status_code == 403
        assert client.get(path + "/history").status_code == 401
    finally:
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE enterprises SET hazard_level = :b WHERE id = :i"),
                {"b": before, "i": fid},
            )


def test_a_bad_feature_is_refused_with_the_field_and_the_reason(
    client: FlaskClient, demo_accounts: dict[str, Any], engine: sa.Engine, cleanup: None
) -> None:
    h, codes = demo_accounts["headers"], demo_accounts["codes"]
    bad_cas = _post(client, h["ent_a"], _chemical(codes["ent_a"], cas_no="67-56-2"))
    assert bad_cas.status_code == 400
    text = bad_cas.json["description"]
    assert "CAS" in text and "expected 1" in text and "校验位" in text
    negative = _post(client, h["ent_a"], _chemical(codes["ent_a"], max_quantity_t=-5))
    assert negative.status_code == 400 and "max_quantity_t" in negative.json["description"]
    unknown = _post(client, h["ent_a"], _chemical(codes["ent_a"], colour="red"))
    assert unknown.status_code == 400 and "colour" in unknown.json["description"]
    no_geometry = _chemical(codes["ent_a"])
    no_geometry["geometry"] = None
    assert _post(client, h["ent_a"], no_geometry).status_code == 400
    assert _post(client, h["ent_a"], {"type": "Point"}).status_code == 400
    wrong_type = _post(client, h["ent_a"], _chemical(codes["ent_a"]), content_type="text/csv")
    assert wrong_type.status_code == 415
    huge = client.post(
        "/ogcapi/collections/hazardous_chemicals/items",
        data=b"{" + b" " * (10 * 1024 * 1024 + 10) + b"}",
        headers={**h["ent_a"], "Content-Type": GEOJSON},
    )
    assert huge.status_code == 413
    assert _post(client, {}, _chemical(codes["ent_a"])).status_code == 404  # internal layer
    assert _count(engine) == 0  # nothing half-written


def test_put_replaces_delete_removes_and_the_content_crs_is_honoured(
    client: FlaskClient, demo_accounts: dict[str, Any], engine: sa.Engine, cleanup: None
) -> None:
    h, codes = demo_accounts["headers"], demo_accounts["codes"]
    feature = _chemical(codes["ent_a"])
    # CGCS2000 in its EPSG axis order: latitude first
    feature["geometry"]["coordinates"] = [32.03, 120.04]
    created = _post(
        client,
        h["staff"],
        feature,
        **{"Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/4490>"},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    path = created.headers["Location"].split("/ogcapi", 1)[1]
    assert created.json["geometry"]["coordinates"] == pytest.approx([120.04, 32.03])
    replacement = _chemical(codes["ent_a"], place="TEST-W-2", storage_form="warehouse")
    replacement["properties"].pop("max_quantity_t")
    put = client.put(
        "/ogcapi" + path,
        data=json.dumps(replacement, ensure_ascii=False),
        headers={**h["staff"], "Content-Type": GEOJSON, "If-Match": created.headers["ETag"]},
    )
    assert put.status_code == 200, put.get_data(as_text=True)
    assert put.json["properties"]["storage_place"] == "TEST-W-2"
    assert put.json["properties"]["max_quantity_t"] is None  # replaced, not merged
    assert client.delete("/ogcapi" + path, headers=h["staff"]).status_code == 204
    assert client.get("/ogcapi" + path, headers=h["staff"]).status_code == 404
    assert _count(engine) == 0


def test_a_referenced_row_cannot_be_deleted(
    client: FlaskClient, demo_accounts: dict[str, Any], engine: sa.Engine
) -> None:
    fid, _ = _enterprise(engine, demo_accounts["codes"]["ent_a"])
    response = client.delete(
        f"/ogcapi/collections/enterprises/items/{fid}", headers=demo_accounts["headers"]["staff"]
    )
    assert response.status_code == 409  # its outfalls refer to it
    assert _enterprise(engine, demo_accounts["codes"]["ent_a"])[0] == fid
