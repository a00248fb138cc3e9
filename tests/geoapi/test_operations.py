"""Health checks, the error mapping, limits, security headers and request ids (geoapi.operations)
on the session's app, and the mapping itself on a tiny app whose routes fail on purpose."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import exc as sa_exc

from geoapi import errors, limits
from onemap.migrate import head_revision

ITEMS = "/ogcapi/collections/enterprises/items?limit=2"
EXECUTE = "/ogcapi/processes/receptor-screening/execution"


def test_healthz_says_the_process_is_up(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_says_the_database_answers_at_head(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["revision"] == head_revision()


@pytest.mark.parametrize("path", ["/", ITEMS, "/ogcapi?f=html", "/nope", "/healthz"])
def test_every_response_has_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_pages_inline_code_carries_the_responses_nonce(client: FlaskClient) -> None:
    first, second = client.get("/"), client.get("/")
    nonces = []
    for response in (first, second):
        policy = response.headers["Content-Security-Policy"]
        nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
        page = response.get_data(as_text=True)
        assert page.count("<script") == page.count(f'<script nonce="{nonce}"')
        assert page.count("<style") == page.count(f'<style nonce="{nonce}"')
        nonces.append(nonce)
    assert nonces[0] != nonces[1], "a nonce is drawn afresh for each response"


def test_a_sane_request_id_is_echoed_and_a_bad_one_replaced(client: FlaskClient) -> None:
    assert client.get(ITEMS, headers={"X-Request-Id": "lb-42.a_b"}).headers["X-Request-Id"] == (
        "lb-42.a_b"
    )
    replaced = client.get(ITEMS, headers={"X-Request-Id": "a b;<script>"})
    assert replaced.headers["X-Request-Id"] != "a b;<script>"
    assert len(replaced.headers["X-Request-Id"]) == 32


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/nope", 404), ("PUT", "/", 405)])
def test_flasks_own_errors_are_ogc_json(
    client: FlaskClient, method: str, path: str, status: int
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert str(status) in response.get_json()["description"]


def test_a_body_over_the_limit_is_a_413(client: FlaskClient) -> None:
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    assert limit == limits.DEFAULT_MAX_BODY
    body = b'{"inputs": {"site": "' + b"x" * limit + b'"}}'
    response = client.post(EXECUTE, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["code"] == "PayloadTooLarge"


def test_too_many_expensive_requests_from_one_client_are_a_429(client: FlaskClient) -> None:
    limit: limits.ConcurrencyLimit = client.application.extensions["onemap_concurrency"]
    held = 0
    try:
        while limit.acquire("127.0.0.1"):  # as if that many analyses were running
            held += 1
        assert held == limits.DEFAULT_MAX_CONCURRENT
        response = client.post(EXECUTE, json={"inputs": {"site": "park"}})
        assert response.status_code == 429
        assert response.headers["Retry-After"]
        assert "too many" in response.get_json()["description"]
        # cheap requests are not counted
        assert client.get(ITEMS).status_code == 200
    finally:
        for _ in range(held):
            limit.release("127.0.0.1")
    assert client.post(EXECUTE, json={"inputs": {"site": "park"}}).status_code == 200


def _failing(exc: BaseException) -> None:
    raise exc


@pytest.fixture
def failing_app() -> Iterator[FlaskClient]:
    """An app with the error mapping whose routes raise what a broken database raises."""
    app = Flask("failing")
    errors.install(app)
    unreachable = psycopg.OperationalError("connection refused")
    cases: dict[str, BaseException] = {
        "down": sa_exc.OperationalError("SELECT 1", {}, unreachable),
        "raw-down": unreachable,
        "timeout": sa_exc.OperationalError(
            "SELECT 1", {}, psycopg.errors.QueryCanceled("canceling statement")
        ),
        "pool": sa_exc.TimeoutError("QueuePool limit reached"),
        "bug": RuntimeError("/srv/secret/path/geoapi/views.py exploded"),
        "sql-bug": sa_exc.ProgrammingError("SELECT nope", {}, Exception("/srv/secret")),
    }
    for name, exc in cases.items():
        app.add_url_rule(f"/{name}", name, lambda exc=exc: _failing(exc))
    yield app.test_client()


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/down", 503, "ServiceUnavailable"),
        ("/raw-down", 503, "ServiceUnavailable"),
        ("/pool", 503, "ServiceUnavailable"),
        ("/timeout", 504, "Timeout"),
        ("/bug", 500, "ServerError"),
        ("/sql-bug", 500, "ServerError"),
    ],
)
def test_failures_map_to_statuses_without_traceback_or_path(
    failing_app: FlaskClient, path: str, status: int, code: str
) -> None:
    response = failing_app.get(path)
    assert response.status_code == status
    document = json.loads(response.get_data())
    assert document["code"] == code
    zh, _, en = document["description"].partition(" / ")
    assert zh and en, "bilingual"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "/srv" not in text and "secret" not in text
    assert ("Retry-After" in response.headers) == (status == 503)
