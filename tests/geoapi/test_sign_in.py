"""Signing in: tokens (bearer and Basic), passwords, the page's session cookie with CSRF, and
throttled guessing, on the live demo app."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts import store
from geoapi.auth import SESSION_COOKIE
from onemap.database import engine_for
from tests.conftest import PASSWORD

PRIVATE = "/ogcapi/collections/enterprises/items/1"


def _basic(login: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{secret}".encode()).decode()}


def _until(condition: Any, timeout_s: float = 15.0) -> bool:
    """Poll ``condition`` until it holds or the deadline passes (credentials are remembered
    per process for a few seconds, so revocation takes effect within that time)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


def test_a_token_reads_private_fields_and_without_it_they_are_absent(
    api_url: str, demo_accounts: dict[str, Any]
) -> None:
    url = f"{api_url}/collections/enterprises/items/1"
    anonymous = requests.get(url, timeout=30).json()["properties"]
    staff = requests.get(url, headers=demo_accounts["headers"]["staff"], timeout=30)
    assert "phone" not in anonymous and "env_contact" not in anonymous
    assert staff.json()["properties"]["phone"]
    assert "Authorization" in staff.headers["Vary"] and "private" in staff.headers["Cache-Control"]
    assert "private" not in requests.get(url, timeout=30).headers.get("Cache-Control", "")


def test_a_browser_copy_kept_anonymously_is_not_revalidated_for_the_signed_in_user(
    api_url: str, demo_accounts: dict[str, Any]
) -> None:
    # a browser keeps the anonymous answer and, signed in since, asks with its ETag: the
    # staff representation differs, so the answer is the staff copy, never 304
    url = f"{api_url}/collections/enterprises/items/1?f=json"
    compressed = {"Accept-Encoding": "zstd, gzip"}
    anonymous = requests.get(url, headers=compressed, timeout=30)
    assert {"Cookie", "Authorization"} <= {v.strip() for v in anonymous.headers["Vary"].split(",")}
    again = {**compressed, "If-None-Match": anonymous.headers["ETag"]}
    assert requests.get(url, headers=again, timeout=30).status_code == 304  # same user: fine
    staff = requests.get(url, headers={**again, **demo_accounts["headers"]["staff"]}, timeout=30)
    assert staff.status_code == 200 and staff.json()["properties"]["phone"]
    assert staff.headers["ETag"] != anonymous.headers["ETag"]
    # and the other way round: the staff copy is never confirmed to an anonymous browser
    back = {**compressed, "If-None-Match": staff.headers["ETag"]}
    assert "phone" not in requests.get(url, headers=back, timeout=30).json()["properties"]


def test_basic_with_a_password_or_a_token(client: FlaskClient, demo_db_url: str) -> None:
    engine = engine_for(demo_db_url)
    assert client.get(PRIVATE, headers=_basic("staff", PASSWORD)).json["properties"]["phone"]
    _, token = store.create_token(engine, "staff", name="basic")
    assert client.get(PRIVATE, headers=_basic("staff", token)).status_code == 200
    assert client.get(PRIVATE, headers=_basic("admin", token)).status_code == 401
    wrong = client.get(PRIVATE, headers={"Authorization": "Bearer om_nope"})
    assert wrong.status_code == 401 and "Bearer" in wrong.headers["WWW-Authenticate"]


def test_revoked_and_expired_tokens_are_refused(client: FlaskClient, demo_db_url: str) -> None:
    engine = engine_for(demo_db_url)
    token_id, token = store.create_token(engine, "ent_a", name="to revoke")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(PRIVATE, headers=bearer).status_code == 200
    store.revoke_token(engine, token_id)
    assert _until(lambda: client.get(PRIVATE, headers=bearer).status_code == 401)
    expired_id, expired = store.create_token(engine, "ent_a", name="to expire", expires_days=1)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE accounts_tokens SET expires_at = now() - interval '1 s' WHERE id = :i"),
            {"i": expired_id},
        )
    assert client.get(PRIVATE, headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    listed = {t.id: t for t in store.list_tokens(engine, "ent_a")}
    assert listed[token_id].revoked_at is not None
    with engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT string_agg(secret_sha256, ' ') FROM accounts_tokens"
        )
        assert token.split("_")[-1] not in stored.scalar_one()  # only digests are stored


def test_the_page_signs_in_with_a_cookie_and_writes_only_with_the_csrf_token(
    client: FlaskClient, demo_db_url: str, demo_accounts: dict[str, Any]
) -> None:
    engine = engine_for(demo_db_url)
    with engine.connect() as connection:
        fid, level = connection.execute(
            sa.text("SELECT id, hazard_level FROM enterprises WHERE credit_code = :c"),
            {"c": demo_accounts["codes"]["ent_a"]},
        ).one()
    signed = client.post("/login", json={"login": "ent_a", "password": PASSWORD})
    assert signed.status_code == 200
    cookie = signed.headers["Set-Cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    csrf = signed.json["csrf_token"]
    me = client.get("/me")
    assert me.json["login"] == "ent_a" and me.json["enterprises"] == [
        demo_accounts["codes"]["ent_a"]
    ]
    path = f"/ogcapi/collections/enterprises/items/{fid}"
    patch = json.dumps({"properties": {"hazard_level": level}})
    headers = {"Content-Type": "application/merge-patch+json"}
    assert client.patch(path, data=patch, headers=headers).status_code == 403  # no CSRF token
    wrong = {**headers, "X-CSRF-Token": "x" * len(csrf)}
    assert client.patch(path, data=patch, headers=wrong).status_code == 403
    done = client.patch(path, data=patch, headers={**headers, "X-CSRF-Token": csrf})
    assert done.status_code == 200
    assert client.post("/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    after = client.get("/me", headers={"X-Onemap-Page": "1"})
    assert after.status_code == 401 and "Basic" not in after.headers["WWW-Authenticate"]


def test_sign_in_from_another_site_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/login",
        json={"login": "ent_a", "password": PASSWORD},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403


def test_guessing_is_slowed_then_refused(client: FlaskClient, demo_db_url: str) -> None:
    engine = engine_for(demo_db_url)
    store.add_user(engine, "victim", "staff", [], "the-real-password")
    statuses = []
    for attempt in range(5):
        response = client.post("/login", json={"login": "victim", "password": f"guess-{attempt}"})
        statuses.append(response.status_code)
    assert statuses[:3] == [401, 401, 401]
    assert 429 in statuses[3:]
    throttled = client.post("/login", json={"login": "victim", "password": "the-real-password"})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    assert "try again" in throttled.json["description"]
    # the same through Basic auth on the API
    basic = client.get(PRIVATE, headers=_basic("victim", "the-real-password"))
    assert basic.status_code == 429
    with engine.begin() as connection:  # ten failures: refused for the whole window
        connection.execute(
            sa.text(
                "INSERT INTO accounts_login_failures (login, address) "
                "SELECT 'victim', 'elsewhere' FROM generate_series(1, 10)"
            )
        )
    assert (
        int(client.post("/login", json={"login": "victim", "password": "x"}).headers["Retry-After"])
        > 60
    )


@pytest.mark.parametrize("body", [{"login": "ent_a"}, {"password": "x"}, {}])
def test_incomplete_sign_in_is_a_400(client: FlaskClient, body: dict[str, str]) -> None:
    assert client.post("/login", json=body).status_code == 400
