"""Odd bodies on every case route: a one-line 4xx, never a 500, nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

ODD: list[Any] = [
    [],
    "text",
    17,
    None,
    {"properties": []},
    {"properties": {"source": ["patrol"]}},
    {"properties": {"occurred_at": {"a": 1}}},
    {"properties": {"exceedance_id": "seven"}},
    {"properties": {"exceedance_id": 1e300}},
    {"properties": {"credit_code": None, "deadline": True}},
    {"geometry": "POINT(1 2)"},
    {"geometry": {"type": "Point", "coordinates": [float("nan"), 1]}},
    {"geometry": {"type": "Point", "coordinates": [1]}},
    {"transition": ["assign"]},
    {"transition": "assign", "comment": {"x": 1}},
    {"transition": "assign", "properties": {"deadline": "2026-13-45"}},
    {"checklist": "all fine", "findings": {"code": "2b"}},
    {"checklist": [{"item": ""}], "findings": []},
    {"findings": [None]},
    {"findings": [{"code": 2.5, "deadline": "x"}]},
    {"enterprises": "all"},
    {"enterprises": [1, 2]},
]
ROUTES = [
    "/ogcapi/collections/clues/cases",
    "/ogcapi/collections/inspections/cases",
    "/ogcapi/collections/rectifications/cases",
    "/ogcapi/collections/weather_responses/cases",
    "/ogcapi/complaints",
]


def _total(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(sa.text("SELECT count(*) FROM case_transitions")).scalar_one()
        )


@pytest.mark.parametrize("route", ROUTES)
def test_odd_bodies_are_4xx_and_write_nothing(
    client: FlaskClient, demo_accounts: dict[str, Any], demo_engine: sa.Engine, route: str
) -> None:
    staff = demo_accounts["headers"]["staff"]
    body = {
        "properties": {
            "source": "other",
            "clue_type": "other",
            "occurred_at": "2026-11-30T09:00:00",
            "description": "测试 / test",
        },
        "geometry": {"type": "Point", "coordinates": [120.0, 32.0]},
    }
    clue = client.post("/ogcapi/collections/clues/cases", json=body, headers=staff).get_json()
    before = _total(demo_engine)
    routes = [route, f"/ogcapi/collections/clues/items/{clue['id']}/transitions"]
    for url in routes:
        for body in ODD:
            response = client.post(
                url,
                data=json.dumps(body, allow_nan=True),
                headers={**staff, "Content-Type": "application/json"},
                environ_base={"REMOTE_ADDR": "192.0.2.99"},
            )
            assert 400 <= response.status_code < 500, (url, body, response.get_data(as_text=True))
            description = response.get_json()["description"]
            assert "\n" not in description and "Traceback" not in description
    assert _total(demo_engine) == before
