"""Every URL rule of the app × {anonymous, enterprise A, enterprise B, staff, admin}.

The rules are read from the app's URL map, so a new route cannot escape: each endpoint must
have an expectation here (and a rule in ``geoapi.guard.ROUTES``), or the first test fails. The
expectations are written out independently of ``accounts.policy``: what each kind of user may
do, by endpoint kind, method and layer access. A request the policy allows may still be refused
by the endpoint itself for other reasons (an empty body is a 400, pygeoapi has no tiles for a
layer): "allowed" means not refused by the policy (401, 403, or the policy's 404).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from geoapi.guard import ROUTES

PRINCIPALS = ("anonymous", "ent_a", "ent_b", "staff", "admin")
SIGNED_IN = PRINCIPALS[1:]
#: endpoint → how it is guarded, as this test expects it
KINDS = {
    "open": {
        "webmap.index",
        "webmap.static",
        "webmap.hillshade_png",
        "webmap.web_manifest",
        "webmap.app_icon",
        "webmap.service_worker",
        "static",
        "login",
        "logout",
        "pygeoapi.landing_page",
        "pygeoapi.conformance",
        "pygeoapi.openapi",
        "pygeoapi.static",
        "pygeoapi.asyncapi",
        "pygeoapi.get_tilematrix_sets",
        "pygeoapi.get_tilematrix_set",
        "pygeoapi.stac_catalog_root",
        "pygeoapi.stac_catalog_path",
        "pygeoapi.stac_landing_page",
        "pygeoapi.stac_search",
        "pygeoapi.get_processes",
        "pygeoapi.execute_process_jobs",
        "station_plot",
        "qgis_project",
        "qgis_hillshade",
        "healthz",
        "readyz",
        "summary_air",
        "summary_exceedances",
        "summary_enterprises",
        "events",
        "complaint_file",
        "complaint_status",
        "g1_codes",
        # reports: each file is the policy's answer per run (tests/reports/test_routes.py)
        "report_list",
        "report_file",
        "public_page",
        "province_page",
        "province_parks",
    },
    "signed_in": {
        "me",
        "edit_forms",
        "page_layers",
        "pygeoapi.get_jobs",
        "pygeoapi.get_job_result",
        "document_read",
        "archive_file",
        "archive_table",
        "park_archive",
        "case_tasks",
    },
    "collection": {
        "pygeoapi.collections",
        "pygeoapi.collection_items",
        "pygeoapi.collection_queryables",
        "pygeoapi.collection_schema",
        "pygeoapi.collection_coverage",
        "pygeoapi.collection_map",
        "pygeoapi.get_collection_edr_query",
        "pygeoapi.get_collection_tiles",
        "pygeoapi.get_collection_tiles_metadata",
        "pygeoapi.get_collection_tiles_data",
        "collection_style",
        "alert_acknowledge",
        "declaration_review",
        "inspection_schedule",
        "inspection_notice",
        "weather_notice",
        "case_statistics",
        "collection_changes",
        "province_items",
    },
    "history": {"feature_history"},
    "case": {"case_create", "case_transitions", "weather_notice_close"},
    # staff only: the park's public notices (accounts.policy.may_publish_notices)
    "staff": {"notice_publish", "notice_withdraw"},
}
KIND_OF = {endpoint: kind for kind, endpoints in KINDS.items() for endpoint in endpoints}
#: values for the URL's variables other than the collection and the feature
SAMPLES = {
    "size": "192",
    "filename": "missing.txt",
    "path": "missing",
    "process_id": "receptor-screening",
    "job_id": "no-such-job",
    "code": "AQ-01",
    "name": "series.svg",
    "tileMatrixSetId": "WebMercatorQuad",
    "tileMatrix": "1",
    "tileRow": "0",
    "tileCol": "0",
    "instance_id": "x",
    "location_id": "x",
    "style_id": "default",
    "receipt": "AAAA-BBBB-CCCC",
    "document_id": "999999999",
    "credit_code": "91000000000000000X",
    "notice_no": "TZ20260101-0000",
    "run_id": "999999999",
    "fmt": "pdf",
    "notice_id": "999999999",
}
_POLICY_404 = re.compile("未知集合|not served")


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def test_every_endpoint_has_a_rule_and_an_expectation(live_api: tuple[str, Flask]) -> None:
    endpoints = {rule.endpoint for rule in _rules(live_api[1])}
    assert endpoints - set(ROUTES) == set(), "endpoints without a rule in geoapi.guard.ROUTES"
    assert endpoints - set(KIND_OF) == set(), "endpoints without an expectation in this test"


def _url(rule: Rule, collection: str | None, item: str | None) -> str:
    values = {}
    for name in rule.arguments:
        if name == "collection_id":
            values[name] = collection
        elif name == "item_id":
            values[name] = item
        else:
            values[name] = SAMPLES[name]
    url = rule.rule
    for name, value in values.items():
        url = re.sub(r"<(?:[a-z]+:)?" + name + ">", str(value), url)
    return url


def _refused(response: Any) -> int | None:
    """The policy's refusal status, or None when the policy let the request through."""
    if response.status_code in (401, 403):
        return int(response.status_code)
    if response.status_code == 404 and _POLICY_404.search(response.get_data(as_text=True)):
        return 404
    return None


def _expected(kind: str, method: str, who: str, access: str | None) -> int | None:
    """What this test expects the policy to answer (None: let through)."""
    write = method in ("POST", "PUT", "PATCH", "DELETE")
    if kind == "open":
        return None
    if kind == "signed_in":
        return 401 if who == "anonymous" else None
    if kind == "staff":
        return {"anonymous": 401, "ent_a": 403, "ent_b": 403}.get(who)
    if access == "internal" and who == "anonymous":
        return 404  # an internal layer does not exist for anonymous users
    if kind == "history":
        return {"anonymous": 401, "ent_a": 403, "ent_b": 403}.get(who)
    if kind == "case":
        # the policy lets signed-in users in; neither sample collection holds cases (a 404 of
        # the route's own), and which transition a user may make is tested in tests/cases
        return 401 if write and who == "anonymous" else None
    if write:
        return 401 if who == "anonymous" else None  # enterprises write their own rows
    return None


def _cases(app: Flask, ids: dict[str, str]) -> list[tuple[Rule, str, str | None, str | None]]:
    cases = []
    for rule in _rules(app):
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        layers: list[str | None] = (
            ["enterprises", "hazardous_chemicals"] if "collection_id" in rule.arguments else [None]
        )
        for method in methods:
            for layer in layers:
                cases.append((rule, method, layer, ids.get(layer or "", "1")))
    return cases


@pytest.mark.parametrize("who", PRINCIPALS)
def test_each_role_on_each_route(
    client: FlaskClient, live_api: tuple[str, Flask], demo_accounts: dict[str, Any], who: str
) -> None:
    headers = demo_accounts["headers"][who]
    app = live_api[1]
    # a feature id that does not exist: an allowed PUT/PATCH/DELETE is then a 404 of the
    # feature, not of the policy, and nothing of the demo is changed by this test
    ids = {"enterprises": "999999999", "hazardous_chemicals": "999999999"}
    wrong = []
    for rule, method, layer, item in _cases(app, ids):
        if rule.endpoint in ("logout", "login") and method == "POST":
            continue  # sign-in routes are tested on their own (test_sign_in.py)
        url = _url(rule, layer, item)
        # GeoJSON: a POST to items creates (with a CQL2 JSON body it would be a search, a read)
        kwargs: dict[str, Any] = {"headers": {**headers, "Content-Type": "application/geo+json"}}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["data"] = b"{}"  # never a valid feature: an allowed write is a 4xx of its own
            if method == "PATCH":
                kwargs["headers"]["Content-Type"] = "application/merge-patch+json"
        response = client.open(url, method=method, **kwargs)
        # 501: pygeoapi's own "not configured" (AsyncAPI, tiles); never a 500
        ok = response.status_code < 500 or response.status_code == 501
        assert ok, (url, method, who, response.get_data(as_text=True))
        access = {"enterprises": "public", "hazardous_chemicals": "internal"}.get(layer or "")
        expected = _expected(KIND_OF[rule.endpoint], method, who, access)
        got = _refused(response)
        if got != expected:
            wrong.append((method, url, expected, got, response.get_data(as_text=True)[:120]))
    assert wrong == []


@pytest.mark.parametrize("who", PRINCIPALS)
def test_options_allow_lists_what_the_user_may_do(
    client: FlaskClient, demo_accounts: dict[str, Any], who: str
) -> None:
    headers = demo_accounts["headers"][who]
    items = client.options("/ogcapi/collections/enterprises/items", headers=headers)
    item = client.options("/ogcapi/collections/enterprises/items/1", headers=headers)
    allow_items = {m.strip() for m in items.headers["Allow"].split(",")}
    allow_item = {m.strip() for m in item.headers["Allow"].split(",")}
    assert {"GET", "HEAD", "OPTIONS"} <= allow_items
    writes = who != "anonymous"
    assert ("POST" in allow_items) is writes
    assert ({"PUT", "PATCH", "DELETE"} <= allow_item) is writes
    # a layer nobody may write: observations are written by devices and loads only
    observations = client.options("/ogcapi/collections/observations/items", headers=headers)
    expected = who in ("staff", "admin")
    assert ("POST" in observations.headers["Allow"]) is expected


def test_internal_layer_options_do_not_exist_for_anonymous(client: FlaskClient) -> None:
    response = client.options("/ogcapi/collections/hazardous_chemicals/items")
    assert response.status_code == 404


def test_the_qgis_project_holds_what_the_user_may_read(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    import io
    import zipfile

    def project(headers: dict[str, str]) -> str:
        response = client.get("/qgis/onemap.qgz", headers=headers)
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".qgs"))
            return archive.read(name).decode()

    anonymous, staff = project({}), project(demo_accounts["headers"]["staff"])
    assert "hazardous_chemicals" not in anonymous and 'field="phone"' not in anonymous
    assert "hazardous_chemicals" in staff and "phone" in staff
    token = demo_accounts["headers"]["staff"]["Authorization"].split()[1]
    assert token not in staff  # the secret never goes into the project
    style = "/ogcapi/collections/hazardous_chemicals/styles/default?f=qml"
    assert client.get(style).status_code == 404


def test_the_summaries_are_the_ones_the_policy_knows() -> None:
    from geoapi.summary import SUMMARIES

    assert {f"summary_{name}" for name in SUMMARIES} <= set(ROUTES)
