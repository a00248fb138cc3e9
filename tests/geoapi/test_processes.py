"""The analyses as OGC API - Processes: described from the registry, executed synchronously,
answering with the GeoJSON FeatureCollection; bad input is a 400 naming it, never a 500."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pytest
import requests
from flask.testing import FlaskClient
from owslib.ogcapi.processes import Processes
from sqlalchemy import create_engine

from analytics.registry import ANALYSES, run_analysis
from geoapi.config import PROCESSOR
from geoapi.processes import AnalysisFailed, AnalysisProcessor

PROCESSES = "/ogcapi/processes"
IDS = [a.id for a in ANALYSES]
PROCESSES_CORE = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _execute(client: FlaskClient, process_id: str, body: Any, **kwargs: Any) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(
        f"{PROCESSES}/{process_id}/execution",
        data=data,
        content_type="application/json",
        **kwargs,
    )


def _exception(response: Any, status: int) -> str:
    """The OGC exception document's description, after checking the status and shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    document = json.loads(response.get_data(as_text=True))
    assert set(document) >= {"code", "description"}, document
    assert "Traceback" not in document["description"]
    return str(document["description"])


def test_the_processes_are_the_registry(client: FlaskClient) -> None:
    response = client.get(PROCESSES, query_string={"f": "json"})

    assert response.status_code == 200
    listed = response.get_json()["processes"]
    assert sorted(p["id"] for p in listed) == sorted(IDS)
    for summary in listed:
        assert summary["jobControlOptions"] == ["sync-execute"]
        assert any(link["rel"].endswith("/execute") for link in summary["links"])


def test_conformance_declares_processes(client: FlaskClient) -> None:
    conforms = client.get("/ogcapi/conformance", query_string={"f": "json"}).get_json()

    assert PROCESSES_CORE in conforms["conformsTo"]
    assert not any(c.endswith("/conf/callback") for c in conforms["conformsTo"])


@pytest.mark.parametrize("analysis", ANALYSES, ids=IDS)
def test_each_description_has_bounded_inputs(client: FlaskClient, analysis: Any) -> None:
    response = client.get(f"{PROCESSES}/{analysis.id}", query_string={"f": "json", "lang": "en"})

    assert response.status_code == 200
    description = response.get_json()
    assert description["id"] == analysis.id
    assert description["title"] == analysis.title_en
    inputs = description["inputs"]
    assert list(inputs) == list(analysis.parameters.model_fields)
    for name, entry in inputs.items():
        assert entry["description"], name
        schema = entry["schema"]
        if schema.get("type") in ("number", "integer") and "enum" not in schema:
            assert "maximum" in schema, name
            assert "minimum" in schema or "exclusiveMinimum" in schema, name
        required = analysis.parameters.model_fields[name].is_required()
        assert entry["minOccurs"] == (1 if required else 0)
    (output,) = description["outputs"].values()
    formats = [option["contentMediaType"] for option in output["schema"]["oneOf"]]
    assert formats == ["application/geo+json", XLSX]
    html = client.get(f"{PROCESSES}/{analysis.id}", query_string={"f": "html"})
    assert html.status_code == 200 and analysis.id in html.get_data(as_text=True)


def test_the_openapi_document_has_the_executions(client: FlaskClient) -> None:
    paths = client.get("/ogcapi/openapi", query_string={"f": "json"}).get_json()["paths"]

    for analysis_id in IDS:
        assert "post" in paths[f"/processes/{analysis_id}/execution"]


def test_receptor_screening_description_in_chinese(client: FlaskClient) -> None:
    description = client.get(
        f"{PROCESSES}/receptor-screening", query_string={"f": "json", "lang": "zh-CN"}
    ).get_json()

    assert description["title"] == "周边环境敏感目标筛查"
    radius = description["inputs"]["radius_m"]["schema"]
    assert radius == {"type": "number", "default": 5000, "exclusiveMinimum": 0, "maximum": 50000}
    assert description["inputs"]["directions"]["schema"]["enum"] == [8, 16]


def test_receptor_screening_returns_the_feature_collection(
    client: FlaskClient, demo_db_url: str
) -> None:
    inputs = {"site": "park", "radius_m": 5000}
    response = _execute(client, "receptor-screening", {"inputs": inputs})

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    result = json.loads(response.get_data(as_text=True))
    assert result["type"] == "FeatureCollection"
    distances = [f["properties"]["distance_m"] for f in result["features"]]
    assert distances, "the demo park has receptors within 5 km"
    assert all(d <= 5000 for d in distances)
    assert distances == sorted(distances)

    engine = create_engine(demo_db_url)
    try:
        expected = run_analysis("receptor-screening", inputs, engine)
    finally:
        engine.dispose()
    assert result == json.loads(json.dumps(expected))


def test_the_document_response_keys_the_result_by_output_id(client: FlaskClient) -> None:
    body = {"inputs": {"site": "park", "radius_m": 1000}, "response": "document"}
    response = _execute(client, "receptor-screening", body)

    assert response.status_code == 200
    (result,) = json.loads(response.get_data(as_text=True)).values()
    assert result["type"] == "FeatureCollection"


def test_network_trace_upstream_from_a_manhole_finds_enterprises(
    client: FlaskClient, demo_db_url: str
) -> None:
    engine = create_engine(demo_db_url)
    try:
        with engine.connect() as conn:
            inlet = conn.exec_driver_sql(
                "SELECT code FROM sewer_nodes WHERE kind = 'wwtp_inlet'"
            ).scalar_one()
    finally:
        engine.dispose()
    inputs = {
        "network": "sewer",
        "start": f"node:{inlet}",
        "direction": "upstream",
        "max_distance_m": 50000,
    }
    response = _execute(client, "network-trace", {"inputs": inputs})

    assert response.status_code == 200, response.get_data(as_text=True)
    features = json.loads(response.get_data(as_text=True))["features"]
    enterprises = [f["properties"] for f in features if f["properties"]["kind"] == "enterprise"]
    assert enterprises and all(e["credit_code"] for e in enterprises)
    ranks = [e["rank"] for e in enterprises]
    assert ranks == sorted(ranks)


def test_the_receptor_table_comes_as_xlsx_with_chinese_headers(
    client: FlaskClient, demo_db_url: str
) -> None:
    inputs = {"site": "park", "radius_m": 5000}
    body = {"inputs": inputs, "outputs": {"result": {"format": {"mediaType": XLSX}}}}
    response = _execute(client, "receptor-screening", body)

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="receptor-screening.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    table = book.worksheets[0]
    assert [c.value for c in table[2]] == ["方向", "距离（m）", "敏感目标名称"]
    engine = create_engine(demo_db_url)
    try:
        expected = run_analysis("receptor-screening", inputs, engine)
    finally:
        engine.dispose()
    names = [f["properties"]["name"] for f in expected["features"]]
    assert names, "the demo park has receptors within 5 km"
    assert [
        row[2] for row in table.iter_rows(min_row=3, max_row=2 + len(names), values_only=True)
    ] == names
    assert table.cell(3 + len(names), 1).value is None  # then the blank line before the zones


@pytest.mark.parametrize(
    "outputs",
    [
        {"result": {"format": {"mediaType": "text/csv"}}},
        {"other": {}},
        {"result": {"transmissionMode": "reference"}},
        ["result"],
    ],
)
def test_an_output_format_not_offered_is_a_400(client: FlaskClient, outputs: Any) -> None:
    body = {"inputs": {"site": "park"}, "outputs": outputs}
    message = _exception(_execute(client, "receptor-screening", body), 400)
    assert "outputs" in message or "transmissionMode" in message


def test_xlsx_is_not_wrapped_in_a_document(client: FlaskClient) -> None:
    body = {
        "inputs": {"site": "park"},
        "outputs": {"result": {"format": {"mediaType": XLSX}}},
        "response": "document",
    }
    assert "XLSX" in _exception(_execute(client, "receptor-screening", body), 400)


def test_the_descriptions_say_what_a_clicked_map_feature_fills_in(client: FlaskClient) -> None:
    description = client.get(f"{PROCESSES}/network-trace", query_string={"f": "json"}).get_json()

    starts = [m["value"] for m in description["metadata"] if m["role"] == "map-start"]
    by_layer = {(s["layer"], tuple(s["when"].get("direction", ()))): s["inputs"] for s in starts}
    assert by_layer[("sewer_nodes", ())] == {"network": "sewer", "start": "node:{code}"}
    assert by_layer[("sewer_pipes", ("upstream",))]["start"] == "node:{to_node}"
    assert by_layer[("rivers", ())]["network"] == "river"


def test_execution_over_real_http(api_url: str) -> None:
    response = requests.post(
        f"{api_url}/processes/receptor-screening/execution",
        json={"inputs": {"site": "point:120.0,30.0", "radius_m": 100}},
        timeout=60,
    )

    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/geo+json")
    assert response.json()["type"] == "FeatureCollection"


def test_owslib_lists_describes_and_executes(api_url: str) -> None:
    client = Processes(api_url)

    assert sorted(p["id"] for p in client.processes()) == sorted(IDS)
    assert "radius_m" in client.process("receptor-screening")["inputs"]
    # OWSLib asks for a results document (response=document, Prefer: respond-sync)
    document = client.execute("receptor-screening", {"site": "park", "radius_m": 3000})
    result = document["result"]
    assert result["type"] == "FeatureCollection"
    assert all(f["properties"]["distance_m"] <= 3000 for f in result["features"])


@pytest.mark.parametrize(
    ("process_id", "body", "status", "says"),
    [
        ("receptor-screening", {"inputs": {"radius_m": -1}}, 400, "radius_m"),
        ("receptor-screening", {"inputs": {"radius_m": "far"}}, 400, "radius_m"),
        ("receptor-screening", {"inputs": {"directions": 12}}, 400, "directions"),
        ("receptor-screening", {"inputs": {"radius_km": 5}}, 400, "radius_km"),
        ("receptor-screening", {"inputs": {"site": "nowhere"}}, 400, "site"),
        ("receptor-screening", {"inputs": {"site": "enterprise:NOPE"}}, 404, "NOPE"),
        ("receptor-screening", {"inputs": [1, 2]}, 400, "inputs"),
        ("receptor-screening", [1, 2], 400, "JSON object"),
        ("receptor-screening", "{not json", 400, "JSON"),
        ("receptor-screening", {"inputs": {}, "response": "csv"}, 400, "response"),
        ("receptor-screening", {"inputs": {}, "subscriber": {"successUri": "x"}}, 400, "subscr"),
        ("network-trace", {"inputs": {"network": "sewer"}}, 400, "start"),
        ("network-trace", {"inputs": {"network": "lake", "start": "node:A"}}, 400, "network"),
        ("network-trace", {"inputs": {"network": "sewer", "start": "node:NOPE"}}, 404, "NOPE"),
        ("wind-sector-trace", {"inputs": {"receptor": "point:120,30"}}, 400, "start"),
        ("back-trajectory", {"inputs": {"receptor": "x", "hours": 99}}, 400, "hours"),
        ("network-trace", {"inputs": {"network": "sewer", "start": "node:\x00"}}, 400, "NUL"),
        (
            "back-trajectory",
            {"inputs": {"receptor": "point:120.03,32.03", "arrival_time": "9999-12-31T23:59Z"}},
            400,
            "out of range",
        ),
    ],
)
def test_bad_input_is_a_client_error_naming_it(
    client: FlaskClient, process_id: str, body: Any, status: int, says: str
) -> None:
    description = _exception(_execute(client, process_id, body), status)

    assert says in description


def test_unknown_process_is_404(client: FlaskClient) -> None:
    _exception(client.get(f"{PROCESSES}/no-such-analysis", query_string={"f": "json"}), 404)
    _exception(_execute(client, "no-such-analysis", {"inputs": {}}), 404)
    _exception(_execute(client, "no-such-analysis", "{not json"), 404)


def test_missing_body_is_400(client: FlaskClient) -> None:
    _exception(_execute(client, "receptor-screening", ""), 400)


def test_the_processor_keeps_the_analysis_errors_status() -> None:
    processor = AnalysisProcessor(
        {"name": PROCESSOR, "analysis": "receptor-screening", "database_url": "unused"}
    )

    with pytest.raises(AnalysisFailed) as raised:
        processor.execute({"radius_m": -1})
    assert raised.value.http_status_code == 400
    assert "radius_m" in raised.value.message
    with pytest.raises(AnalysisFailed) as raised:
        processor.execute([])  # type: ignore[arg-type]
    assert raised.value.http_status_code == 400


@pytest.mark.parametrize("lang", ["zh", "zh-CN", "zh-TW", "en", "en-GB", "fr", "xx"])
def test_every_language_is_answered(client: FlaskClient, lang: str) -> None:
    for url in ("/ogcapi/", f"{PROCESSES}/receptor-screening", "/ogcapi/collections"):
        by_parameter = client.get(url, query_string={"f": "json", "lang": lang})
        by_header = client.get(url, query_string={"f": "json"}, headers={"Accept-Language": lang})

        assert by_parameter.status_code == 200, (url, lang)
        assert by_header.status_code == 200, (url, lang)
