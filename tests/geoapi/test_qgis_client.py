"""QGIS, named by its User-Agent, gets its pages without per-feature links unless it asks."""

from __future__ import annotations

from flask.testing import FlaskClient

ITEMS = "/ogcapi/collections/outfalls/items?limit=5"
QGIS = {"User-Agent": "Mozilla/5.0 QGIS/32216"}


def _related(page: dict) -> int:
    return sum(1 for f in page["features"] for link in f["links"] if link["rel"] == "related")


def test_qgis_reads_keys_others_links(client: FlaskClient) -> None:
    assert _related(client.get(ITEMS).get_json()) > 0
    qgis = client.get(ITEMS, headers=QGIS).get_json()
    assert _related(qgis) == 0 and qgis["links"][-1]["href"].count("rel-as-key") == 1
    asked = client.get(ITEMS + "&profile=rel-as-link", headers=QGIS).get_json()
    assert _related(asked) > 0
