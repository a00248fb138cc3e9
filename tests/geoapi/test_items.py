"""The items endpoints through Flask's test client, against the demo park."""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from flask.testing import FlaskClient

from geoapi.query import public_collections, public_fields
from layers import get_layer

ITEMS = "/ogcapi/collections/{}/items"


def get_json(client: FlaskClient, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return json.loads(response.get_data(as_text=True))


def test_landing_page_is_the_mount(client: FlaskClient, api_url: str) -> None:
    for path in ("/ogcapi", "/ogcapi/"):
        document = get_json(client, path + "?f=json")
        assert any(link["href"].startswith(api_url + "/collections") for link in document["links"])


def test_conformance_lists_parts_1_2_3(client: FlaskClient) -> None:
    classes = set(get_json(client, "/ogcapi/conformance")["conformsTo"])
    base = "http://www.opengis.net/spec/"
    for uri in (
        "ogcapi-features-1/1.0/conf/core",
        "ogcapi-features-1/1.0/conf/geojson",
        "ogcapi-features-1/1.0/conf/html",
        "ogcapi-features-1/1.0/conf/oas30",
        "ogcapi-features-2/1.0/conf/crs",
        "ogcapi-features-3/1.0/conf/filter",
        "ogcapi-features-3/1.0/conf/features-filter",
        "ogcapi-features-3/1.0/conf/queryables",
        "cql2/1.0/conf/cql2-text",
        "cql2/1.0/conf/cql2-json",
        "cql2/1.0/conf/basic-cql2",
    ):
        assert base + uri in classes
    # Part 4 (editing, issue 10): create/replace/delete, update and ETag locking
    for uri in (
        "ogcapi-features-4/1.0/conf/create-replace-delete",
        "ogcapi-features-4/1.0/conf/update",
        "ogcapi-features-4/1.0/req/optimistic-locking-etags",
    ):
        assert base + uri in classes


def test_collections_have_bilingual_titles_extents_and_crs(client: FlaskClient) -> None:
    zh = get_json(client, "/ogcapi/collections?f=json&lang=zh-CN")["collections"]
    en = get_json(client, "/ogcapi/collections?f=json&lang=en-US")["collections"]
    assert {c["id"] for c in zh} == {layer.id for layer in public_collections()}
    by_id = {c["id"]: c for c in en}
    assert {c["id"]: c["title"] for c in zh}["enterprises"] == "企业"
    assert by_id["enterprises"]["title"] == "Enterprises"
    west, south, east, north = by_id["enterprises"]["extent"]["spatial"]["bbox"][0]
    assert 119.9 < west < east < 120.2 and 31.9 < south < north < 32.2
    assert by_id["observations"]["extent"]["temporal"]["interval"][0][0].startswith("2024-12-31")
    crs = by_id["enterprises"]["crs"]
    for uri in ("OGC/1.3/CRS84", "EPSG/0/4326", "EPSG/0/4490", "EPSG/0/3857", "EPSG/0/4549"):
        assert f"http://www.opengis.net/def/crs/{uri}" in crs
    assert by_id["enterprises"]["storageCrs"].endswith("CRS84")
    assert any(link["type"] == "text/csv" for link in by_id["enterprises"]["links"])


def test_queryables_have_titles_types_and_enums(client: FlaskClient) -> None:
    document = get_json(client, "/ogcapi/collections/enterprises/queryables?lang=en")
    risk = document["properties"]["risk_level"]
    assert risk["title"] == "Environmental risk level (HJ 941)"
    assert risk["enum"] == ["general", "larger", "major"]
    assert document["properties"]["hazard_level"]["type"] == "integer"
    assert "phone" not in document["properties"]  # personal data stays private


def test_every_feature_carries_every_public_property(client: FlaskClient) -> None:
    for layer in public_collections():
        page = get_json(client, ITEMS.format(layer.id) + "?limit=50")
        names = [f.name for f in public_fields(layer)]
        for feature in page["features"]:
            assert list(feature["properties"]) == names
    page = get_json(client, ITEMS.format("enterprises") + "?limit=200")
    assert all("phone" not in f["properties"] for f in page["features"])


def test_paging_links_and_number_matched(client: FlaskClient, demo_counts: dict[str, int]) -> None:
    total = demo_counts["outfalls"]
    page = get_json(client, ITEMS.format("outfalls") + "?limit=100&offset=100")
    assert page["numberMatched"] == total and page["numberReturned"] == 100
    rels = {link["rel"]: link["href"] for link in page["links"]}
    assert parse_qs(urlparse(rels["next"]).query)["offset"] == ["200"]
    assert "offset" not in parse_qs(urlparse(rels["prev"]).query)
    last = get_json(client, ITEMS.format("outfalls") + f"?limit=100&offset={total - 5}")
    assert last["numberReturned"] == 5
    assert "next" not in {link["rel"] for link in last["links"]}


def test_large_table_count_is_capped(client: FlaskClient) -> None:
    page = get_json(client, ITEMS.format("observations") + "?limit=1")
    assert "numberMatched" not in page  # 383,250 rows: over the documented cap
    assert "next" in {link["rel"] for link in page["links"]}


def test_datetime_on_observations(client: FlaskClient) -> None:
    url = ITEMS.format("observations") + "?datetime=2025-03-01T00:00:00Z/2025-03-01T05:59:59Z"
    page = get_json(client, url + "&station_code=AQ-01&limit=1000")
    times = {f["properties"]["time"] for f in page["features"]}
    assert len(times) == 6 and page["numberMatched"] == page["numberReturned"]
    # written in the park's zone: 00:00-05:00 UTC is 08:00-13:00 Beijing time
    assert sorted(t[11:] for t in times) == [f"{h:02d}:00:00+08:00" for h in range(8, 14)]
    day = get_json(client, ITEMS.format("observations") + "?datetime=2025-03-01&station_code=AQ-01")
    assert {f["properties"]["time"][:10] for f in day["features"]} == {"2025-03-01"}


@pytest.mark.parametrize(
    ("crs", "first"),
    [
        (None, "lon"),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "lon"),
        ("http://www.opengis.net/def/crs/EPSG/0/4326", "lat"),
        ("http://www.opengis.net/def/crs/EPSG/0/4490", "lat"),
    ],
)
def test_crs_axis_order_and_content_crs(client: FlaskClient, crs: str | None, first: str) -> None:
    url = ITEMS.format("enterprises") + "?limit=1" + (f"&crs={crs}" if crs else "")
    response = client.get(url)
    assert (
        response.headers["Content-Crs"]
        == f"<{crs or 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}>"
    )
    x, y = response.get_json()["features"][0]["geometry"]["coordinates"]
    assert (x > 100) == (first == "lon") and (y > 100) == (first == "lat")


def test_projected_crs_and_bbox_crs(client: FlaskClient) -> None:
    gk = "http://www.opengis.net/def/crs/EPSG/0/4549"
    one = client.get(ITEMS.format("enterprises") + f"/1?crs={gk}").get_json()
    northing, easting = one["geometry"]["coordinates"]  # EPSG:4549 is northing, easting
    assert 3_500_000 < northing < 3_600_000 and 400_000 < easting < 600_000
    box = f"{northing - 50},{easting - 50},{northing + 50},{easting + 50}"
    page = get_json(client, ITEMS.format("enterprises") + f"?bbox={box}&bbox-crs={gk}")
    assert 1 in [f["id"] for f in page["features"]]
    lon, lat = client.get(ITEMS.format("enterprises") + "/1").get_json()["geometry"]["coordinates"]
    plain = get_json(
        client,
        ITEMS.format("enterprises") + f"?bbox={lon - 1e-4},{lat - 1e-4},{lon + 1e-4},{lat + 1e-4}",
    )
    assert 1 in [f["id"] for f in plain["features"]]


@pytest.mark.parametrize(
    ("bbox", "bbox_crs", "whole"),
    [
        # 150°E eastward across 180° to 121°E: the park (119.9-120.2°E) lies in the east half
        ("150,-90,121,90", None, True),
        ("150,-90,121,90", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", True),
        ("-90,150,90,121", "http://www.opengis.net/def/crs/EPSG/0/4326", True),  # lat, lon
        ("150,-90,0,121,90,0", None, True),  # with heights
        # from 121°E round the world to 119°E: everything but the park
        ("121,-90,119,90", None, False),
        ("179.5,-90,-179.5,90", None, False),
    ],
)
def test_a_bbox_across_the_antimeridian_is_its_two_halves(
    client: FlaskClient, demo_counts: dict[str, int], bbox: str, bbox_crs: str | None, whole: bool
) -> None:
    """OGC API - Features Part 1, 7.15.3: lower-left longitude > upper-right longitude."""
    url = ITEMS.format("enterprises") + f"?bbox={bbox}&limit=10000"
    if bbox_crs:
        url += f"&bbox-crs={bbox_crs}"
    page = get_json(client, url)
    assert page["numberMatched"] == len(page["features"])
    assert len(page["features"]) == (demo_counts["enterprises"] if whole else 0)


def test_a_world_wide_bbox_matches_everything(
    client: FlaskClient, demo_counts: dict[str, int]
) -> None:
    page = get_json(client, ITEMS.format("enterprises") + "?bbox=-180,-90,180,90&limit=10000")
    assert len(page["features"]) == demo_counts["enterprises"]


def test_sortby_properties_skip_geometry(client: FlaskClient) -> None:
    url = (
        ITEMS.format("enterprises")
        + "?sortby=-name&properties=name,risk_level&skipGeometry=true&limit=5"
    )
    page = get_json(client, url)
    names = [f["properties"]["name"] for f in page["features"]]
    assert names == sorted(names, reverse=True)
    assert all(list(f["properties"]) == ["name", "risk_level"] for f in page["features"])
    assert all(f["geometry"] is None for f in page["features"])


def test_single_item_and_related_links(client: FlaskClient) -> None:
    outfall = get_json(client, ITEMS.format("outfalls") + "/1")
    related = [link for link in outfall["links"] if link["rel"] == "related"]
    enterprise_link = next(link for link in related if "/enterprises/" in link["href"])
    assert enterprise_link["title"] == "企业 / Enterprises"
    enterprise = get_json(
        client,
        enterprise_link["href"].split("/ogcapi", 1)[0]
        and "/ogcapi" + enterprise_link["href"].split("/ogcapi", 1)[1],
    )
    assert (
        enterprise["features"][0]["properties"]["credit_code"]
        == outfall["properties"]["credit_code"]
    )
    outfalls_link = next(
        link for link in enterprise["features"][0]["links"] if "/outfalls/" in link["href"]
    )
    back = get_json(client, "/ogcapi" + outfalls_link["href"].split("/ogcapi", 1)[1])
    assert 1 in [f["id"] for f in back["features"]]
    station = get_json(client, ITEMS.format("stations") + "/1")
    assert any("/observations/items?station_code=" in link["href"] for link in station["links"])
    assert {link["rel"] for link in station["links"]} >= {"self", "collection", "related"}


def test_compressed_when_accepted(client: FlaskClient) -> None:
    url = ITEMS.format("sewer_nodes") + "?limit=500"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) * 5 < len(plain.data)
    assert json.loads(gzip.decompress(packed.data)) == json.loads(plain.data) | {
        "timeStamp": json.loads(gzip.decompress(packed.data))["timeStamp"]
    }


def test_rel_as_key_profile_drops_reference_links(client: FlaskClient) -> None:
    """Part 5 ``profile=rel-as-key``: references stay plain values, no per-feature links."""
    url = ITEMS.format("outfalls") + "?limit=20&properties=code,credit_code"
    linked = get_json(client, url)
    keyed = get_json(client, url + "&profile=rel-as-key")
    assert any(f["links"] for f in linked["features"])
    assert all(f["links"] == [] for f in keyed["features"])
    assert [f["properties"] for f in keyed["features"]] == [
        f["properties"] for f in linked["features"]
    ]
    profiles = [link["href"] for link in keyed["links"] if link["rel"] == "profile"]
    assert profiles == ["http://www.opengis.net/def/profile/OGC/0/rel-as-key"]
    assert (
        "profile=rel-as-key"
        in next(link for link in keyed["links"] if link["rel"] == "next")["href"]
    )
    outfall = get_json(client, ITEMS.format("outfalls") + "/1?profile=rel-as-key")
    assert {link["rel"] for link in outfall["links"]} == {
        "self",
        "alternate",
        "collection",
        "profile",
    }


@pytest.mark.parametrize(
    ("filter_", "lang"),
    [
        ("risk_level = 'major' AND hazard_level >= 1", "cql2-text"),
        (
            json.dumps(
                {
                    "op": "and",
                    "args": [
                        {"op": "=", "args": [{"property": "risk_level"}, "major"]},
                        {"op": ">=", "args": [{"property": "hazard_level"}, 1]},
                    ],
                }
            ),
            "cql2-json",
        ),
    ],
)
def test_cql2_filters(client: FlaskClient, filter_: str, lang: str) -> None:
    page = client.get(
        ITEMS.format("enterprises"), query_string={"filter": filter_, "filter-lang": lang}
    ).get_json()
    assert page["numberMatched"] == page["numberReturned"] > 0
    for feature in page["features"]:
        assert feature["properties"]["risk_level"] == "major"
        assert feature["properties"]["hazard_level"] >= 1


def test_cql2_spatial_filter_with_filter_crs(client: FlaskClient) -> None:
    lon, lat = client.get(ITEMS.format("enterprises") + "/1").get_json()["geometry"]["coordinates"]
    d = 1e-4  # lat, lon order: filter-crs is EPSG:4326
    ring = [(lat - d, lon - d), (lat - d, lon + d), (lat + d, lon + d), (lat + d, lon - d)]
    polygon = "POLYGON((" + ",".join(f"{a} {b}" for a, b in [*ring, ring[0]]) + "))"
    page = client.get(
        ITEMS.format("enterprises"),
        query_string={
            "filter": f"S_INTERSECTS(geometry, {polygon})",
            "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/4326",
        },
    ).get_json()
    assert [f["id"] for f in page["features"]] == [1]


def test_downloads(client: FlaskClient, demo_counts: dict[str, int]) -> None:
    csv = client.get(ITEMS.format("outfalls") + "?f=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == demo_counts["outfalls"] + 1 and lines[0].startswith("id,code,")
    gpkg = client.get(ITEMS.format("zones") + "?f=gpkg")
    assert gpkg.status_code == 200 and gpkg.data[:16] == b"SQLite format 3\x00"
    assert get_layer("zones").geometry is not None


def test_html_items_page_names_its_collection(client: FlaskClient) -> None:
    page = client.get(ITEMS.format("enterprises") + "?f=html&limit=2")
    assert page.status_code == 200
    title = re.search(r"<title>(.*?)</title>", page.get_data(as_text=True), re.S)
    assert title is not None and "企业 / Enterprises" in title.group(1)


def test_openapi_advertises_page_sizes_where_clients_read_them(client: FlaskClient) -> None:
    """QGIS 3.22 reads ``components.parameters.limit``; GDAL >= 3.8 the items path's own."""
    document = client.get("/ogcapi/openapi", query_string={"f": "json"}).get_json()
    shared = document["components"]["parameters"]["limit"]
    assert shared["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10_000,
        "default": 1000,
    }
    assert (shared["style"], shared["explode"]) == ("form", False)
    inline = next(
        p
        for p in document["paths"]["/collections/enterprises/items"]["get"]["parameters"]
        if p.get("name") == "limit"
    )
    assert (inline["schema"]["default"], inline["schema"]["maximum"]) == (1000, 10_000)
    profile = next(
        p
        for p in document["paths"]["/collections/enterprises/items"]["get"]["parameters"]
        if p.get("name") == "profile"
    )
    assert "style" not in profile  # else QGIS would take it for a queryable property
