"""A park's change feed (``GET /ogcapi/collections/{id}/changes``, geoapi.changes) as the
province reads it: positions, the last action per feature, bad positions refused, no feed for a
batch-audited layer, and only the ids of rows the reader may see."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import sqlalchemy as sa

from accounts import store


def _get(url: str, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_change_feed(parks: dict[str, tuple[str, str]]) -> None:
    root, url = parks["PARK-B"]
    engine = sa.create_engine(url)
    feed = f"{root}/collections/stations/changes"
    status, start = _get(feed)
    assert status == 200 and set(start) == {"collection", "latest"} and start["latest"] > 0
    with engine.begin() as connection:
        ids = dict(connection.execute(sa.text("SELECT code, id FROM stations")).all())
        connection.execute(sa.text("UPDATE stations SET name = 'a' WHERE code = 'AQ-01'"))
        connection.execute(sa.text("UPDATE stations SET name = 'b' WHERE code = 'AQ-01'"))
        connection.execute(sa.text("UPDATE stations SET name = 'c' WHERE code = 'AQ-02'"))
        connection.execute(sa.text("DELETE FROM stations WHERE code = 'AQ-02'"))
    status, body = _get(f"{feed}?after={start['latest']}")
    assert status == 200 and body["latest"] > start["latest"] and body["more"] is False
    # each feature once, with its last action, in the order of their last change
    assert body["changes"] == [
        {"id": ids["AQ-01"], "action": "update"},
        {"id": ids["AQ-02"], "action": "delete"},
    ]
    status, again = _get(f"{feed}?after={body['latest']}")
    assert (status, again["changes"], again["latest"]) == (200, [], body["latest"])
    for bad in ("-1", "x", "1e3", str(10**12)):
        status, refusal = _get(f"{feed}?after={bad}")
        assert status == 400 and "after" in refusal["description"], bad
    status, refusal = _get(f"{root}/collections/observations/changes")
    assert status == 404 and "datetime" in refusal["description"]
    # an internal layer: nothing for the anonymous; an enterprise user sees its own rows' ids
    chemicals = f"{root}/collections/hazardous_chemicals/changes"
    assert _get(chemicals)[0] == 404
    with engine.connect() as connection:
        mine, other = connection.execute(
            sa.text("SELECT DISTINCT credit_code FROM hazardous_chemicals ORDER BY 1 LIMIT 2")
        ).scalars()
    store.add_user(engine, "ent", "enterprise", [mine])
    token = store.create_token(engine, "ent")[1]
    position = _get(chemicals, token)[1]["latest"]
    with engine.begin() as connection:
        changed = dict(
            connection.execute(
                sa.text(
                    "UPDATE hazardous_chemicals SET max_quantity_t = max_quantity_t + 1"
                    " WHERE credit_code IN (:a, :b) RETURNING id, credit_code"
                ),
                {"a": mine, "b": other},
            ).all()
        )
    assert set(changed.values()) == {mine, other}
    status, body = _get(f"{chemicals}?after={position}", token)
    assert status == 200
    assert {c["id"] for c in body["changes"]} == {i for i, c in changed.items() if c == mine}
    engine.dispose()
