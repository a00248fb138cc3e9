"""The parameter dictionary as a collection, and the links to it from observations and events."""

from __future__ import annotations

from flask.testing import FlaskClient

from layers.parameters import PARAMETERS


def test_every_catalogue_parameter_is_served_with_its_limits(client: FlaskClient) -> None:
    page = client.get("/ogcapi/collections/parameters/items?limit=100").get_json()
    assert page["numberMatched"] == len(PARAMETERS) == len(page["features"])
    by_code = {f["properties"]["code"]: f for f in page["features"]}
    no2 = by_code["a21004"]
    assert no2["geometry"] is None and no2["properties"]["name_zh"] == "二氧化氮"
    assert "GB 3095" in no2["properties"]["limits"] and "IAQI" not in no2["properties"]["limits"]
    assert by_code["w21003"]["properties"]["medium"] == "water"


def test_observations_and_events_link_their_parameter(client: FlaskClient) -> None:
    for collection in ("observations", "exceedances"):
        feature = client.get(f"/ogcapi/collections/{collection}/items?limit=1").get_json()
        feature = feature["features"][0]
        code = feature["properties"]["parameter"]
        hrefs = [link["href"] for link in feature["links"] if link["rel"] == "related"]
        target = next(h for h in hrefs if "/collections/parameters/items?code=" in h)
        assert target.endswith(f"code={code}")
        linked = client.get(target.split("/ogcapi", 1)[1].join(["/ogcapi", ""])).get_json()
        assert [f["properties"]["code"] for f in linked["features"]] == [code]
