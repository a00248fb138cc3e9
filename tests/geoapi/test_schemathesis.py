"""Property-based requests from the API's own OpenAPI document: no GET may end in a 5xx.

schemathesis reads ``/ogcapi/openapi`` from the live test server and generates requests for every
GET operation in it (valid and invalid parameter values alike). Bad input must get a 4xx in the
OGC exception format, never a 500. Bounded: :data:`EXAMPLES` examples per operation, a deadline
per example, no shrinking, derandomised so that a failure reproduces run after run.

pygeoapi's document refers to parameters and responses in schemas.opengis.net and GitHub; the
tests stay on loopback, so those references are replaced by local stand-ins first (a response
only needs a description here; an external parameter becomes a string parameter of its name).

schemathesis' own pytest plugin (``schemathesis.pytest.from_fixture``) does not run under the
pytest in use here (it reads a private ``Function._nodeid``), so the operations are walked
explicitly and each gets a hypothesis test of its own; every failing operation is reported.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

#: Examples per GET operation (about 50 of them): a few hundred requests in all.
EXAMPLES = 8
BOUNDS = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _external(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref if isinstance(ref, str) and ref.startswith(("http://", "https://")) else None


def _parameter(ref: str) -> dict[str, Any]:
    name = ref.rsplit("/", 1)[-1].removesuffix(".yaml")
    where = "path" if name == "featureId" else "query"
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": "string"}}


def _localise(node: Any) -> Any:
    """``node`` with every external parameter and response reference replaced in place."""
    if isinstance(node, list):
        return [_localise(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "parameters" and isinstance(value, list):
            value = [_parameter(r) if (r := _external(p)) else p for p in value]
        elif key == "schema" and _external(value):
            value = {"type": "object"}  # a request body's external schema (CQL2 JSON)
        elif key == "responses" and isinstance(value, dict):
            value = {
                code: {"description": ref} if (ref := _external(r)) else r
                for code, r in value.items()
            }
        out[key] = _localise(value)
    return out


@pytest.fixture(scope="module")
def openapi_schema(api_url: str) -> schemathesis.BaseSchema:
    document = requests.get(f"{api_url}/openapi?f=json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(_localise(document)).include(method="GET")
    schema.config.update(base_url=api_url)
    return schema


def _server_errors(
    operation: schemathesis.APIOperation, headers: dict[str, str] | None = None
) -> str | None:
    """The first 5xx hypothesis finds for ``operation``, or None."""

    @BOUNDS
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        response = case.call(timeout=30, headers=headers)
        assert response.status_code < 500, (
            f"{response.request.method} {response.request.url} -> {response.status_code}: "
            f"{response.text[:300]}"
        )

    try:
        check()
    except AssertionError as exc:
        return f"{operation.label}: {exc}"
    return None


def test_no_server_errors(openapi_schema: schemathesis.BaseSchema) -> None:
    operations = [result.ok() for result in openapi_schema.get_all_operations()]
    assert len(operations) > 20  # every collection's GET endpoints, not an empty document
    failures = [f for f in map(_server_errors, operations) if f]
    assert not failures, "\n".join(failures)


def test_no_server_errors_with_a_token(
    api_url: str, demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    """The same as staff, whose document also lists the internal layers and whose answers hold
    private fields; and the editing operations, on the hazardous chemicals only, whose rows are
    kept aside and put back afterwards (writes elsewhere would change the demo other tests
    read)."""
    headers = demo_accounts["headers"]["staff"]
    document = requests.get(f"{api_url}/openapi?f=json", headers=headers, timeout=30).json()
    assert "/collections/hazardous_chemicals/items" in document["paths"]
    schema = schemathesis.openapi.from_dict(_localise(document))
    schema.config.update(base_url=api_url)
    results = list(schema.get_all_operations())
    operations = [
        op
        for op in (result.ok() for result in results)
        if op.method.upper() == "GET" or "/hazardous_chemicals/" in op.path
    ]
    writes = [op for op in operations if op.method.upper() in ("POST", "PUT", "PATCH", "DELETE")]
    assert len(writes) >= 4
    from onemap.database import engine_for

    engine = engine_for(demo_db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE kept_chemicals AS SELECT * FROM hazardous_chemicals"
        )
    try:
        failures = [f for f in (_server_errors(op, headers) for op in operations) if f]
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM hazardous_chemicals")
            connection.exec_driver_sql(
                "INSERT INTO hazardous_chemicals SELECT * FROM kept_chemicals"
            )
            connection.exec_driver_sql("DROP TABLE kept_chemicals")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "query",
    [
        "name=%00",  # a property filter
        "filter=name%3D%27a%00%27",  # a CQL2 text literal
        "filter=name%20IN%20(%27%00%27)",
        "f=csv&name=%00",  # the downloads bind the same values
        "f=html&name=%00",  # pygeoapi's HTML goes through the project's provider
    ],
)
def test_nul_characters_are_a_400(api_url: str, query: str) -> None:
    """Found by schemathesis: PostgreSQL text cannot hold NUL, and the driver raised a 500."""
    response = requests.get(f"{api_url}/collections/enterprises/items?{query}", timeout=30)
    assert response.status_code == 400, response.text[:300]
    if "f=html" not in query:
        assert "NUL" in response.json()["description"]
