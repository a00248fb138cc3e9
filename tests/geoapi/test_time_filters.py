"""The ``datetime`` values QGIS 3.22 sends, and times written in the park's zone.

The request strings are the ones QGIS 3.22.16 (Debian 12) sent to this server for the layer
filters named beside them (read from the server's log; its OAPIF provider turns a comparison of
the time field with a literal into ``datetime``, a dummy ``0000-01-01T00:00:00Z`` or
``9999-12-31T00:00:00Z`` for the open side, and writes the literal unencoded, so its ``+`` reads
as a space).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine

ITEMS = "/ogcapi/collections/observations/items"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def demo_engine(demo_db_url: str) -> Iterator[Engine]:
    engine = create_engine(demo_db_url)
    yield engine
    engine.dispose()


def _count(engine: Engine, where: str, **params: object) -> int:
    with engine.connect() as connection:
        sql = f"SELECT count(*) FROM observations WHERE station_code = 'AQ-01' AND {where}"
        return int(connection.exec_driver_sql(sql, params).scalar_one())


def _matched(client: FlaskClient, query: str) -> tuple[int, list[str]]:
    response = client.get(f"{ITEMS}?station_code=AQ-01&limit=10000&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    page = json.loads(response.get_data(as_text=True))
    assert len(page["features"]) < 10000
    return len(page["features"]), [f["properties"]["time"] for f in page["features"]]


EARLY = dt.datetime(2025, 1, 1, 2, tzinfo=SHANGHAI)
LATE = dt.datetime(2025, 12, 31, 22, tzinfo=SHANGHAI)
NEW_YEAR = dt.datetime(2025, 1, 2, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("qgis_filter", "query", "where", "bounds"),
    [
        (  # "time" < '2025-01-01T02:00:00+08:00' (and <=: QGIS sends both alike)
            "lt-offset",
            "datetime=0000-01-01T00:00:00Z/2025-01-01T02:00:00+08:00",
            "time <= %(a)s",
            {"a": EARLY},
        ),
        (  # "time" < '2025-01-01T02:00:00Z'
            "lt-utc",
            "datetime=0000-01-01T00:00:00Z/2024-12-31T18:00:00Z",
            "time <= %(a)s",
            {"a": EARLY},
        ),
        (  # "time" > '2025-12-31T22:00:00+08:00' (and >=)
            "gt-offset",
            "datetime=2025-12-31T22:00:00+08:00/9999-12-31T00:00:00Z",
            "time >= %(a)s",
            {"a": LATE},
        ),
        (  # "time" >= '2025-01-01T02:00:00+08:00' AND "time" <= '2025-01-02T00:00:00+08:00'
            "between",
            "datetime=2025-01-01T02:00:00+08:00/2025-01-02T00:00:00+08:00",
            "time BETWEEN %(a)s AND %(b)s",
            {"a": EARLY, "b": NEW_YEAR},
        ),
        (  # "time" = '2025-01-01T02:00:00+08:00'
            "equal",
            "datetime=2025-01-01T02:00:00+08:00",
            "time = %(a)s",
            {"a": EARLY},
        ),
        (  # "time" < '2025-01-02': a date ends the interval where that (park) day begins
            "lt-date",
            "datetime=0000-01-01T00:00:00Z/2025-01-02",
            "time < %(a)s",
            {"a": NEW_YEAR},
        ),
    ],
)
def test_the_filters_qgis_sends(
    client: FlaskClient,
    demo_engine: Engine,
    qgis_filter: str,
    query: str,
    where: str,
    bounds: dict[str, object],
) -> None:
    expected = _count(demo_engine, where, **bounds)
    returned, _ = _matched(client, query)
    assert expected > 0 and returned == expected, qgis_filter


def test_a_plus_sent_as_space_and_encoded_agree(client: FlaskClient) -> None:
    spaced = _matched(client, "datetime=2025-03-01T00:00:00 08:00/2025-03-01T05:00:00 08:00")
    encoded = _matched(client, "datetime=2025-03-01T00:00:00%2B08:00/2025-03-01T05:00:00%2B08:00")
    assert spaced == encoded and spaced[0] > 0


def test_times_are_written_in_the_park_zone(client: FlaskClient) -> None:
    returned, times = _matched(client, "datetime=2025-03-01T00:00:00Z/2025-03-01T05:00:00Z")
    assert returned > 0
    assert all(t.endswith("+08:00") for t in times), times[:3]
    assert min(times) == "2025-03-01T08:00:00+08:00"
    # the whole day of a bare date is the park's day
    _, day = _matched(client, "datetime=2025-03-01")
    assert {t[:10] for t in day} == {"2025-03-01"} and len({t[11:13] for t in day}) == 24
    item = client.get(ITEMS.replace("/items", "") + "/items/1").get_json()
    assert item["properties"]["time"].endswith("+08:00")


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2025-13-01T00:00:00Z",
        "0000-01-01T00:00:00Z",  # a dummy bound alone is not a time
        "2025-01-01T00:00:00Z/2025-01-02T00:00:00Z/2025-01-03T00:00:00Z",
        "2025-01-01T00:00:00 0800x",
        "../..",
    ],
)
def test_malformed_datetimes_are_400(client: FlaskClient, value: str) -> None:
    response = client.get(f"{ITEMS}?datetime={value}")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "datetime" in response.get_json()["description"]
