"""The analysts' views: ``daily_means`` and ``latest_values`` read as any collection, agree with
the observations they are computed from, page by key, and cannot be written or loaded."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from etl.errors import ReadOnlyLayerError
from etl.load import load_file
from monitoring import rollups
from onemap.commands.demo import layer_file

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
DAILY = "/ogcapi/collections/daily_means/items"
LATEST = "/ogcapi/collections/latest_values/items"


def _get(client: FlaskClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data(as_text=True))


def _next(page: dict) -> str | None:
    href = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    return None if href is None else "/ogcapi" + href.split("/ogcapi", 1)[1]


def _rows(url: str, sql: str, **params: object) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), params))
    finally:
        engine.dispose()


def test_a_daily_mean_is_the_mean_of_that_local_day_s_valid_values(
    client: FlaskClient, demo_db_url: str
) -> None:
    station, parameter = _rows(
        demo_db_url, "SELECT station_code, parameter FROM observations ORDER BY id LIMIT 1"
    )[0]
    page = _get(
        client,
        f"{DAILY}?station_code={station}&parameter={parameter}"
        "&datetime=2025-03-01/2025-03-08&limit=100",
    )
    features = page["features"]
    assert [f["properties"]["date"] for f in features] == [f"2025-03-0{d}" for d in range(1, 8)]
    for feature in features:
        day = dt.date.fromisoformat(feature["properties"]["date"])
        start = dt.datetime.combine(day, dt.time(), ZONE)
        values = [
            r.value
            for r in _rows(
                demo_db_url,
                "SELECT value FROM observations WHERE station_code = :s AND parameter = :p"
                " AND time >= :t0 AND time < :t1 AND value IS NOT NULL"
                " AND (flag IS NULL OR flag = 'N')",
                s=station,
                p=parameter,
                t0=start,
                t1=start + dt.timedelta(days=1),
            )
        ]
        props = feature["properties"]
        assert props["count"] == len(values)
        assert props["mean"] == pytest.approx(sum(values) / len(values), rel=1e-12)
        assert (props["min"], props["max"]) == (min(values), max(values))
        assert feature["geometry"] is None


def test_daily_means_page_by_key_through_every_row(client: FlaskClient, demo_db_url: str) -> None:
    expected = [r.id for r in _rows(demo_db_url, "SELECT id FROM daily_means ORDER BY id")]
    assert len(expected) > 5_000
    # the demo's daily means are under the size at which first pages switch to keys by
    # themselves (geoapi.query.EXACT_COUNT_MAX): ask for the key from the start
    url: str | None = f"{DAILY}?limit=4000&after=0&profile=rel-as-key&skipGeometry=true"
    seen: list[int] = []
    while url:
        page = _get(client, url)
        seen += [f["id"] for f in page["features"]]
        url = _next(page)
        if url:
            assert parse_qs(urlparse(url).query).get("after") == [str(seen[-1])], url
    assert seen == expected
    by_offset = _get(client, f"{DAILY}?limit=10&offset=4000&skipGeometry=true")
    assert [f["id"] for f in by_offset["features"]] == expected[4000:4010]


def test_latest_values_are_each_series_newest_observation(
    client: FlaskClient, demo_db_url: str
) -> None:
    newest = {
        (r.station_code, r.parameter): r
        for r in _rows(
            demo_db_url,
            "SELECT DISTINCT ON (station_code, parameter) station_code, parameter, time, value,"
            " flag FROM observations ORDER BY station_code, parameter, time DESC",
        )
    }
    page = _get(client, f"{LATEST}?limit=10000")
    got = {
        (f["properties"]["station_code"], f["properties"]["parameter"]): f for f in page["features"]
    }
    assert page["numberMatched"] == len(got) == len(newest)
    for key, row in newest.items():
        props = got[key]["properties"]
        assert dt.datetime.fromisoformat(props["time"]) == row.time
        assert props["time"].endswith("+08:00")  # the park's time zone
        assert props["value"] == row.value
        assert got[key]["geometry"]["type"] == "Point"
    assert len({f["id"] for f in page["features"]}) == len(got)


def test_latest_value_judgements_follow_flags_and_exceedances(engine) -> None:  # type: ignore[no-untyped-def]
    assert load_file(layer_file(DEMO_DIR, "stations"), "stations", engine).rejected == 0
    t = dt.datetime(2025, 6, 1, 8, tzinfo=ZONE)
    with engine.begin() as connection:
        station, geom = connection.execute(
            text("SELECT code, geom FROM stations ORDER BY id LIMIT 1")
        ).one()
        rows = [  # (parameter, hours after t, value, flag): the newest of each counts
            ("a21026", 0, 30.0, "N"),
            ("a21026", 1, 31.0, "N"),  # newest, within its limit
            ("a21004", 0, 40.0, "N"),
            ("a21004", 2, 999.0, "D"),  # newest, flagged as a device fault
            ("a34004", 0, 90.0, None),  # newest, in an exceedance event
        ]
        connection.execute(
            text(
                "INSERT INTO observations (station_code, time, parameter, value, flag)"
                " VALUES (:s, :t, :p, :v, :f)"
            ),
            [
                {"s": station, "t": t + dt.timedelta(hours=h), "p": p, "v": v, "f": f}
                for p, h, v, f in rows
            ],
        )
        connection.execute(
            text(
                "INSERT INTO exceedances (station_code, parameter, period, start_time, end_time,"
                " standard, geom) VALUES (:s, 'a34004', '1h', :t0, :t1, 'GB 3095-2012', :g)"
            ),
            {"s": station, "t0": t - dt.timedelta(hours=3), "t1": t, "g": geom},
        )
        got = {
            r.parameter: r
            for r in connection.execute(
                text("SELECT * FROM latest_values WHERE station_code = :s"), {"s": station}
            )
        }
    assert {p: (r.value, r.judgement) for p, r in got.items()} == {
        "a21026": (31.0, "normal"),
        "a21004": (999.0, "anomalous"),
        "a34004": (90.0, "exceeding"),
    }


def test_a_corrected_day_keeps_its_id_and_changes_its_mean(engine) -> None:  # type: ignore[no-untyped-def]
    assert load_file(layer_file(DEMO_DIR, "stations"), "stations", engine).rejected == 0
    t = dt.datetime(2025, 6, 1, 8, tzinfo=ZONE)
    with engine.begin() as connection:
        station = connection.execute(text("SELECT code FROM stations LIMIT 1")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO observations (station_code, time, parameter, value)"
                " VALUES (:s, :t, 'a21026', 10), (:s, :t2, 'a21026', 20)"
            ),
            {"s": station, "t": t, "t2": t + dt.timedelta(hours=1)},
        )
    day = "SELECT id, mean, count FROM daily_means WHERE station_code = :s"
    with engine.begin() as connection:
        before = connection.execute(text(day), {"s": station}).one()
        connection.execute(
            text("UPDATE observations SET value = 40 WHERE station_code = :s AND time = :t"),
            {"s": station, "t": t},
        )
        after = connection.execute(text(day), {"s": station}).one()
        rollups.rebuild(connection)  # `onemap db rollups` recomputes in place too
        rebuilt = connection.execute(text(day), {"s": station}).one()
        connection.execute(text("DELETE FROM observations WHERE station_code = :s"), {"s": station})
        gone = connection.execute(text(day), {"s": station}).all()
    assert (before.mean, before.count) == (15.0, 2)
    assert (after.id, after.mean, after.count) == (before.id, 30.0, 2)
    assert rebuilt == after
    assert gone == []


def test_views_refuse_writes_and_loads(  # type: ignore[no-untyped-def]
    client: FlaskClient, demo_accounts, engine, tmp_path
) -> None:
    staff = demo_accounts["headers"]["staff"]  # who writes every table
    for collection in ("daily_means", "latest_values"):
        url = f"/ogcapi/collections/{collection}/items"
        feature = {"type": "Feature", "geometry": None, "properties": {"station_code": "AQ-01"}}
        for headers, refused in (({}, 401), (staff, 403)):
            response = client.post(url, json=feature, headers=headers)
            assert response.status_code == refused, response.get_data(as_text=True)[:300]
            assert "description" in response.get_json()
        first = _get(client, f"{url}?limit=1")["features"][0]["id"]
        patched = client.patch(f"{url}/{first}", json={"properties": {}}, headers=staff)
        assert patched.status_code == 403, patched.get_data(as_text=True)[:300]
    path = tmp_path / "daily.csv"
    path.write_text("station_code,parameter,date,count\nS1,a21026,2025-01-01,3\n")
    with pytest.raises(ReadOnlyLayerError, match="computed by the database"):
        load_file(path, "daily_means", engine)


def test_views_have_no_change_feed(client: FlaskClient) -> None:
    # a province harvests a view by datetime: an empty feed would leave its copy stale
    for collection in ("daily_means", "latest_values"):
        response = client.get(f"/ogcapi/collections/{collection}/changes")
        assert response.status_code == 404
        assert "datetime" in response.get_json()["description"]
