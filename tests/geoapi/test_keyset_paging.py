"""Next links of large tables page by key (the last id), so the last page costs what the first
does; ``offset`` still works; an estimate stands in for a count too costly to make."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from flask.testing import FlaskClient
from sqlalchemy import create_engine

ITEMS = "/ogcapi/collections/observations/items"


def _page(client: FlaskClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data(as_text=True))


def _next(page: dict) -> str | None:
    href = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    return None if href is None else href.split("/ogcapi", 1)[1].join(["/ogcapi", ""])


def test_next_links_carry_the_last_key_to_the_end(client: FlaskClient, demo_db_url: str) -> None:
    engine = create_engine(demo_db_url)
    with engine.connect() as connection:
        ids = [r[0] for r in connection.exec_driver_sql("SELECT id FROM observations ORDER BY id")]
    engine.dispose()
    start = ids[-25_000]
    url: str | None = f"{ITEMS}?limit=10000&after={start}&profile=rel-as-key"
    seen: list[int] = []
    while url:
        page = _page(client, url)
        seen += [f["id"] for f in page["features"]]
        url = _next(page)
        if url:
            query = parse_qs(urlparse(url).query)
            assert query["after"] == [str(seen[-1])] and "offset" not in query
    assert seen == [i for i in ids if i > start]


def test_first_page_offers_a_key_and_an_estimate(client: FlaskClient) -> None:
    page = _page(client, f"{ITEMS}?limit=100")
    assert "numberMatched" not in page  # 383,250 rows: over the counting cap
    assert page["numberMatchedEstimate"] > 300_000
    assert "estimate" in page["numberMatchedRule"]
    assert parse_qs(urlparse(_next(page) or "").query)["after"] == [str(page["features"][-1]["id"])]


def test_offset_still_pages(client: FlaskClient) -> None:
    first = _page(client, f"{ITEMS}?limit=20")
    later = _page(client, f"{ITEMS}?limit=10&offset=10")
    assert [f["id"] for f in later["features"]] == [f["id"] for f in first["features"]][10:]


def test_after_with_sortby_is_a_400(client: FlaskClient) -> None:
    response = client.get(f"{ITEMS}?after=10&sortby=-time")
    assert response.status_code == 400 and "after" in response.get_json()["description"]
