"""The overview's summary endpoints against the demo park: their figures are the database's."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from analytics.overview import GRADES, grade
from onemap.database import engine_for

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def demo(demo_db_url: str) -> Iterator[sa.Connection]:
    engine = engine_for(demo_db_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _get(client: FlaskClient, name: str) -> dict:
    response = client.get(f"/ogcapi/summary/{name}?f=json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


@pytest.mark.parametrize(
    ("aqi", "level"), [(0, "I"), (50, "I"), (51, "II"), (150, "III"), (301, "VI")]
)
def test_hj633_grades_at_their_bounds(aqi: int, level: str) -> None:
    assert grade(aqi)["level"] == level
    assert grade(None) is None
    assert [g.color for g in GRADES][:2] == ["#00e400", "#ffff00"]


def test_air_now_is_the_stations_stored_aqi(client: FlaskClient, demo: sa.Connection) -> None:
    body = _get(client, "air")
    rows = demo.execute(sa.text("SELECT code, aqi FROM stations WHERE type = 'air'")).fetchall()
    assert {s["code"]: s["aqi"] for s in body["stations"]} == dict(rows)
    worst = max((r for r in rows if r.aqi is not None), key=lambda r: r.aqi)
    assert body["worst"]["aqi"] == worst.aqi
    assert body["worst"]["grade"] == grade(worst.aqi)
    assert len(body["daily"]) == 30
    rated = [d for d in body["daily"] if d["aqi"] is not None]
    assert rated, "the demo's last 30 days have a daily AQI"
    newest = demo.execute(sa.text("SELECT max(latest_time) FROM stations")).scalar_one()
    assert body["daily"][-1]["date"] == newest.astimezone(ZONE).date().isoformat()


def test_exceedances_by_medium_are_the_events_counted(
    client: FlaskClient, demo: sa.Connection
) -> None:
    body = _get(client, "exceedances")
    now = demo.execute(sa.text("SELECT max(latest_time) FROM stations")).scalar_one()
    local = now.astimezone(ZONE)
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    events = demo.execute(
        sa.text(
            "SELECT s.type, e.start_time FROM exceedances e JOIN stations s"
            " ON s.code = e.station_code"
        )
    ).fetchall()
    in_month = [e for e in events if today.replace(day=1) <= e.start_time <= now]
    assert in_month, "the demo's last month has events"
    month = Counter(e.type for e in in_month)
    day = Counter(e.type for e in in_month if e.start_time >= today)
    assert {m["medium"]: m["month"] for m in body["by_medium"] if m["month"]} == month
    assert {m["medium"]: m["today"] for m in body["by_medium"] if m["today"]} == day
    assert body["total"]["month"] == len(in_month)
    daily = Counter(
        e.start_time.astimezone(ZONE).date().isoformat() for e in events if e.start_time <= now
    )
    first = (today - dt.timedelta(days=29)).date().isoformat()
    assert {d["date"]: d["events"] for d in body["daily"] if d["events"]} == {
        k: v for k, v in daily.items() if k >= first
    }
    offline = demo.execute(
        sa.text("SELECT count(*) FROM stations WHERE status = 'offline'")
    ).scalar_one()
    assert body["total"]["offline"] == offline
    stations = demo.execute(sa.text("SELECT count(*) FROM stations")).scalar_one()
    assert body["total"]["stations"] == stations


def test_enterprises_by_risk_level(client: FlaskClient, demo: sa.Connection) -> None:
    body = _get(client, "enterprises")
    counts = dict(
        demo.execute(sa.text("SELECT risk_level, count(*) FROM enterprises GROUP BY 1")).fetchall()
    )
    assert {lvl["value"]: lvl["count"] for lvl in body["levels"] if lvl["count"]} == {
        k: v for k, v in counts.items() if k is not None
    }
    assert [lvl["zh"] for lvl in body["levels"]] == ["一般", "较大", "重大"]


def test_the_summaries_are_in_the_openapi_document(client: FlaskClient) -> None:
    document = client.get("/ogcapi/openapi?f=json").get_json()
    for name in ("air", "exceedances", "enterprises"):
        assert f"/summary/{name}" in document["paths"]


def test_a_summary_refuses_unknown_parameters(client: FlaskClient) -> None:
    response = client.get("/ogcapi/summary/air?days=7")
    assert response.status_code == 400
    assert "days" in response.get_json()["description"]
