"""A crawl as an anonymous user of every collection, item, download, queryable, schema, page,
process and plot finds none of the demo's private values (contact names, phone numbers), and
no internal layer anywhere; the same crawl as staff does find them (so the check can fail)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from geoapi.query import collection_layers, public_collections
from layers import REGISTRY
from layers.spec import Access
from onemap.database import engine_for

INTERNAL = [layer.id for layer in collection_layers() if layer.access is Access.INTERNAL]


def _marks(layer_id: str) -> Callable[[bytes], bool]:
    """Whether a body names the layer as a layer: its collection path or its id as an id (a
    bare ``solid_waste`` is also a facility kind of the public ``facilities``)."""
    forms = [f"collections/{layer_id}", f'"id": "{layer_id}"', f'"id":"{layer_id}"']
    encoded = [form.encode() for form in forms]
    return lambda body: any(form in body for form in encoded)


INTERNAL_MARKS = {layer_id: _marks(layer_id) for layer_id in INTERNAL}


@pytest.fixture(scope="module")
def private_values(demo_db_url: str) -> set[str]:
    engine = engine_for(demo_db_url)
    values: set[str] = set()
    with engine.connect() as connection:
        for layer in REGISTRY:
            for f in layer.fields:
                if f.private:
                    rows = connection.execute(
                        sa.text(
                            f'SELECT DISTINCT "{f.name}"::text FROM "{layer.id}" '
                            f'WHERE "{f.name}" IS NOT NULL'
                        )
                    )
                    values |= {v for (v,) in rows if len(v) >= 4}
    assert len(values) > 50  # the demo has contacts and phones to protect
    return values


def _pages(
    client: FlaskClient, headers: dict[str, str], demo_db_url: str, only: set[str] | None = None
) -> Iterator[tuple[str, bytes]]:
    def get(url: str) -> tuple[str, bytes]:
        response = client.get(url, headers=headers)
        assert response.status_code < 500, (url, response.status_code)
        return url, response.get_data()

    for url in (
        "/",
        "/ogcapi/",
        "/ogcapi/conformance",
        "/ogcapi/openapi?f=json",
        "/ogcapi/collections?f=json",
        "/ogcapi/collections?f=html",
        "/ogcapi/processes?f=json",
    ):
        yield get(url)
    engine = engine_for(demo_db_url)
    for layer in public_collections():
        if only is not None and layer.id not in only:
            continue
        base = f"/ogcapi/collections/{layer.id}"
        for suffix in (
            "?f=json",
            "?f=html",
            "/queryables?f=json",
            "/queryables?f=html",
            "/schema?f=json",
            "/items?f=html&limit=50",
        ):
            yield get(base + suffix)
        if layer.id == "observations":
            yield get(
                base + "/items?datetime=2025-03-01T00:00:00Z/2025-03-02T00:00:00Z&limit=10000"
            )
            continue
        offset = 0
        while True:
            url, body = get(f"{base}/items?limit=10000&offset={offset}")
            yield url, body
            page = json.loads(body)
            offset += page["numberReturned"]
            if not any(link["rel"] == "next" for link in page["links"]):
                break
        yield get(f"{base}/items?f=csv")
        yield get(f"{base}/items?f=gpkg")
        with engine.connect() as connection:
            ids = connection.execute(sa.text(f'SELECT id FROM "{layer.id}" ORDER BY id LIMIT 5'))
            for (fid,) in ids:
                yield get(f"{base}/items/{fid}?f=json")
                yield get(f"{base}/items/{fid}?f=html")
    # the analyses: results name enterprises and receptors; never their contacts
    screening = client.post(
        "/ogcapi/processes/receptor-screening/execution",
        json={"inputs": {"site": "park", "radius_m": 5000}},
        headers=headers,
    )
    assert screening.status_code == 200, screening.get_data(as_text=True)
    yield "receptor-screening", screening.get_data()
    with engine.connect() as connection:
        inlet = connection.exec_driver_sql(
            "SELECT code FROM sewer_nodes WHERE kind = 'wwtp_inlet'"
        ).scalar_one()
    trace = client.post(
        "/ogcapi/processes/network-trace/execution",
        json={"inputs": {"network": "sewer", "start": f"node:{inlet}", "direction": "upstream"}},
        headers=headers,
    )
    assert trace.status_code == 200, trace.get_data(as_text=True)
    yield "network-trace", trace.get_data()
    yield get("/plots/stations/AQ-01/series.svg?parameter=a21026")


def _leaks(pages: Iterator[tuple[str, bytes]], values: set[str]) -> dict[str, list[str]]:
    encoded = {v: v.encode() for v in values}
    found: dict[str, list[str]] = {}
    for url, body in pages:
        hits = [v for v, raw in encoded.items() if raw in body]
        hits += [f"internal layer {i}" for i, marks in INTERNAL_MARKS.items() if marks(body)]
        if hits:
            found[url] = hits[:5]
    return found


def test_anonymous_crawl_finds_no_private_value(
    client: FlaskClient, demo_db_url: str, private_values: set[str]
) -> None:
    assert _leaks(_pages(client, {}, demo_db_url), private_values) == {}


def test_the_same_crawl_as_staff_finds_them(
    client: FlaskClient, demo_db_url: str, private_values: set[str], demo_accounts: dict
) -> None:
    staff = demo_accounts["headers"]["staff"]
    found = _leaks(_pages(client, staff, demo_db_url, only={"enterprises"}), private_values)
    assert any("/collections/enterprises/items" in url for url in found)
    assert any("internal layer" in hit for hits in found.values() for hit in hits)
