"""Station plots served by the app (geoapi/plots.py) on the demo park: AQ-01..04 air, MT-01 met,
SW-01 surface water, observations of 2025."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from geoapi.plots import CPF_PARAMETERS, PATH, SERIES_PARAMETERS, page_config

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<svg"}
MEDIA = {"png": "image/png", "svg": "image/svg+xml"}
JUNE = "start=2025-06-01T00:00:00%2B08:00&end=2025-06-03T00:00:00%2B08:00"


@pytest.mark.parametrize("fmt", ["svg", "png"])
@pytest.mark.parametrize(
    ("station", "kind", "query"),
    [
        ("AQ-01", "series", "parameter=a21026&" + JUNE),
        ("SW-01", "series", ""),  # defaults: COD, the last 7 days of observations
        ("MT-01", "windrose", JUNE),
        ("AQ-02", "cpf", "parameter=a21026&start=2025-06-01T00:00:00Z&end=2025-09-01T00:00:00Z"),
    ],
)
def test_each_kind_comes_back_as_an_image(
    client: FlaskClient, station: str, kind: str, query: str, fmt: str
) -> None:
    response = client.get(f"{PATH}/{station}/{kind}.{fmt}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == MEDIA[fmt]
    body = response.get_data()
    if fmt == "png":
        assert body.startswith(MAGIC["png"])
    else:
        assert MAGIC["svg"] in body[:2000]
    assert response.cache_control.max_age == 3600


def test_defaults_need_no_query(client: FlaskClient) -> None:
    for kind in ("series", "windrose", "cpf"):
        response = client.get(f"{PATH}/AQ-03/{kind}.svg")
        assert response.status_code == 200, (kind, response.get_data(as_text=True)[:300])
        assert response.mimetype == "image/svg+xml"


def test_a_station_without_a_default_parameter_plots_its_first_one(client: FlaskClient) -> None:
    response = client.get(f"{PATH}/MT-01/series.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"


@pytest.mark.parametrize(
    "url",
    [
        f"{PATH}/AQ-01/scatter.svg",
        f"{PATH}/AQ-01/series.gif",
        f"{PATH}/AQ-01/series",
        f"{PATH}/AQ-01/series.svg?parameter=x99999",
        f"{PATH}/AQ-01/series.svg?parameter=PM25",
        f"{PATH}/AQ-01/series.svg?start=2025-06-01T00:00:00",  # no zone
        f"{PATH}/AQ-01/series.svg?start=2025-06-01",
        f"{PATH}/AQ-01/series.svg?end=yesterday",
        f"{PATH}/AQ-01/series.svg?start=2025-06-02T00:00:00Z&end=2025-06-01T00:00:00Z",
        f"{PATH}/AQ-01/series.svg?start=2020-01-01T00:00:00Z&end=2025-01-01T00:00:00Z",
        f"{PATH}/AQ-01/series.svg?start=0001-01-01T00:00:00%2B14:00",
        f"{PATH}/AQ-01/series.svg?end=9999-12-31T23:59:59-12:00&start=9999-12-31T00:00:00Z",
        f"{PATH}/AQ-01/series.svg?colour=red",
        f"{PATH}/AQ-01/series.svg?parameter=a21026&parameter=a34004",
    ],
)
def test_bad_input_is_a_400_exception_document(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == "InvalidParameterValue"
    assert " / " in body["description"]  # bilingual, one line


@pytest.mark.parametrize(
    "url",
    [
        f"{PATH}/XX-99/series.svg",
        f"{PATH}/XX-99/windrose.png",
        f"{PATH}/GW-01/series.svg",  # a station without observations
        f"{PATH}/AQ-01/windrose.svg?met_station=XX-99",
    ],
)
def test_unknown_station_is_a_404_exception_document(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] == "NotFound"


def test_the_page_gets_the_plot_links_configuration(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r"OneMap\.start\([^,]+, (\{.*\})\);", html)
    assert match
    config = json.loads(match.group(1).replace("<\\/", "</"))
    assert config["plots"] == page_config()
    assert config["plots"]["series"] == SERIES_PARAMETERS
    assert SERIES_PARAMETERS == {"air": "a34004", "surface_water": "w01018"}
    assert CPF_PARAMETERS == {"air": "a21026"}
