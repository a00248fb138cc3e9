"""Bad requests get a 4xx OGC exception document saying what was wrong, never a 500."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

ITEMS = "/ogcapi/collections/enterprises/items"


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        (ITEMS + "?bbox=1,2,3", 400, "bbox"),
        (ITEMS + "?bbox=a,b,c,d", 400, "bbox"),
        (ITEMS + "?bbox=120,33,121,32", 400, "bbox"),  # south above north
        (ITEMS + "?bbox=-8.5,-60,216.5,80", 400, "-180 to 180"),
        (ITEMS + "?bbox=120,-91,121,32", 400, "bbox"),
        # crossing the antimeridian is for longitudes: not in a projected CRS
        (
            ITEMS
            + "?bbox=13400000,3700000,13300000,3800000"
            + "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857",
            400,
            "lower corner",
        ),
        (ITEMS + "?limit=0", 400, "limit"),
        (ITEMS + "?limit=100001", 400, "limit"),
        (ITEMS + "?limit=ten", 400, "limit"),
        (ITEMS + "?offset=-1", 400, "offset"),
        (ITEMS + "?properties=name,nope", 400, "nope"),
        (ITEMS + "?properties=phone", 400, "phone"),
        (ITEMS + "?sortby=nope", 400, "nope"),
        (ITEMS + "?filter=nope%20=%201", 400, "nope"),
        (ITEMS + "?filter=name%20===%20", 400, "cql2-text"),
        (ITEMS + "?filter=hazard_level%20=%20'x'", 400, "hazard_level"),
        (ITEMS + "?filter={bad&filter-lang=cql2-json", 400, "cql2-json"),
        (ITEMS + "?filter=name='a'&filter-lang=ecql", 400, "filter-lang"),
        (ITEMS + "?crs=EPSG:9999", 400, "crs"),
        (ITEMS + "?bbox-crs=EPSG:27700&bbox=1,2,3,4", 400, "bbox-crs"),
        (ITEMS + "?skipGeometry=maybe", 400, "skipGeometry"),
        (ITEMS + "?hazard_level=high", 400, "hazard_level"),
        (ITEMS + "?colour=red", 400, "colour"),
        (ITEMS + "?f=xml", 400, "xml"),
        (ITEMS + "?profile=rel-as-uri", 400, "rel-as-uri"),
        (ITEMS + "/1?profile=compact", 400, "compact"),
        ("/ogcapi/collections/observations/items?datetime=yesterday", 400, "datetime"),
        ("/ogcapi/collections/nope/items", 404, "nope"),
        ("/ogcapi/collections/nope/items?f=html", 404, "nope"),
        ("/ogcapi/collections/nope/queryables", 404, "nope"),
        (ITEMS + "/999999", 404, "999999"),
        (ITEMS + "/abc", 404, "abc"),
        (ITEMS + "/99999999999999999999999", 404, "9999"),
    ],
)
def test_bad_request(client: FlaskClient, url: str, status: int, says: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["code"] in ("InvalidParameterValue", "NotFound", "NoApplicableCode")
    assert says in body["description"]
    assert "Traceback" not in response.get_data(as_text=True)
