"""The ready QGIS project opened by QGIS itself: PyQGIS 3.22 (Debian's python3-qgis, the system
Python, headless) reads ``/qgis/onemap.qgz`` from the live server as an analyst's QGIS would."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine

from geoapi.query import MAX_ITEMS, public_collections, public_fields
from layers import get_layer
from layers.spec import GROUP_TITLES
from qgisproject.fields import alias
from qgisproject.symbols import categories

REPORT = Path(__file__).with_name("pyqgis_report.py")
SYSTEM_PYTHON = "/usr/bin/python3"
#: observations is counted under a time filter (QGIS reads a subset string's features whole)
OBSERVATIONS_FILTER = "\"time\" < '2025-01-02'"
OBSERVATIONS_SQL = "time < '2025-01-02T00:00:00+08:00'"


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return bytes(response.read())


def _pyqgis(*args: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [SYSTEM_PYTHON, str(REPORT), *args],
        capture_output=True, text=True, timeout=600, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def counts(demo_db_url: str) -> Iterator[dict[str, int]]:
    engine = create_engine(demo_db_url)
    with engine.connect() as connection:
        out = {
            layer.id: connection.exec_driver_sql(f'SELECT count(*) FROM "{layer.id}"').scalar_one()
            for layer in public_collections()
        }
        out["observations"] = connection.exec_driver_sql(
            f"SELECT count(*) FROM observations WHERE {OBSERVATIONS_SQL}"
        ).scalar_one()
    engine.dispose()
    yield out


@pytest.fixture(scope="module")
def opened(live_site: tuple[str, Flask], tmp_path_factory: pytest.TempPathFactory) -> dict:
    root, _ = live_site
    path = tmp_path_factory.mktemp("qgis") / "onemap.qgz"
    path.write_bytes(_get(root + "/qgis/onemap.qgz"))
    return _pyqgis(str(path), f"observations={OBSERVATIONS_FILTER}")


def test_every_layer_is_valid_grouped_in_cgcs2000(opened: dict) -> None:
    assert opened["qgis"].startswith("3.") and opened["read"] is True
    assert opened["crs"] == "EPSG:4490"
    layers = opened["layers"]
    assert all(entry["valid"] for entry in layers.values()), {
        k: v for k, v in layers.items() if not v["valid"]
    }
    served = {entry.get("typename") for entry in layers.values()} - {None}
    assert served == {layer.id for layer in public_collections()}
    assert layers["onemap_hillshade"]["provider"] == "gdal"
    assert layers["onemap_hillshade"]["crs"] == "EPSG:3857"
    assert min(layers["onemap_hillshade"]["size"]) > 100
    groups = {get_layer(t).group for t in served}
    assert opened["groups"] == [zh for g, (zh, _) in GROUP_TITLES.items() if g in groups]
    names = {entry["typename"]: entry["name"] for entry in layers.values() if "typename" in entry}
    assert names == {t: get_layer(t).zh for t in served}
    # whole pages of the API's largest size, not QGIS's own 1,000
    assert {e["page_size"] for e in layers.values() if "typename" in e} == {str(MAX_ITEMS)}


def test_feature_counts_are_the_database_s(opened: dict, counts: dict[str, int]) -> None:
    got = {e["typename"]: e["count"] for e in opened["layers"].values() if "typename" in e}
    assert got == counts
    assert counts["observations"] > 0


def test_aliases_value_maps_and_styles(opened: dict) -> None:
    for entry in opened["layers"].values():
        if "typename" not in entry:
            continue
        layer = get_layer(entry["typename"])
        fields = public_fields(layer)
        assert entry["aliases"] == {f.name: alias(f) for f in fields}, layer.id
        maps = {f.name: [{c.zh: str(c.value)} for c in f.choices] for f in fields if f.choices}
        assert entry["value_maps"] == maps, layer.id
        expected = [[c.value, c.label, c.color] for c in categories(layer)]
        if layer.geometry is not None:
            assert entry["renderer"] == ("categorizedSymbol" if expected else "singleSymbol")
            assert entry.get("categories", []) == expected, layer.id
    stations = next(e for e in opened["layers"].values() if e.get("typename") == "stations")
    assert ["exceeding", "超标", "#d7191c"] in stations["categories"]


def test_relations_from_the_foreign_keys(opened: dict) -> None:
    relations = {(a, b) for a, b, valid in opened["relations"] if valid}
    assert ("排放口", "企业") in relations  # an enterprise's outfalls
    assert ("监测数据", "监测站点") in relations  # a station's observations
    assert ("超标事件", "监测因子字典") in relations
    assert all(valid for _, _, valid in opened["relations"])
    assert sum(1 for a, b, _ in opened["relations"] if (a, b) == ("排水管线", "排水管网节点")) == 2


def test_qml_and_sld_load_in_qgis(live_site: tuple[str, Flask], tmp_path: Path) -> None:
    root, _ = live_site
    styles = root + "/ogcapi/collections/{}/styles/default?f={}"
    collection = json.loads(_get(root + "/ogcapi/collections/outfalls?f=json"))
    linked = {link["href"] for link in collection["links"] if link["rel"] == "stylesheet"}
    assert linked == {styles.format("outfalls", f) for f in ("qml", "sld")}
    assert any(link["rel"] == "license" for link in collection["links"])
    qml, sld = tmp_path / "outfalls.qml", tmp_path / "zones.sld"
    qml.write_bytes(_get(styles.format("outfalls", "qml")))
    sld.write_bytes(_get(styles.format("zones", "sld")))
    rules = ET.fromstring(sld.read_bytes()).iter("{http://www.opengis.net/se}Rule")
    assert len(list(rules)) == len(categories(get_layer("zones")))
    project = tmp_path / "onemap.qgz"
    project.write_bytes(_get(root + "/qgis/onemap.qgz"))
    report = _pyqgis(str(project), "--no-count", f"style:outfalls={qml}", f"style:zones={sld}")
    by_type = {e.get("typename"): e for e in report["layers"].values()}
    for typename in ("outfalls", "zones"):
        assert by_type[typename]["style_loaded"][0], by_type[typename]["style_loaded"]
    assert by_type["outfalls"]["renderer"] == "categorizedSymbol"
    assert by_type["zones"]["renderer"] == "RuleRenderer"  # QGIS reads an SLD's rules as rules
    outfall_classes = [c[:2] for c in by_type["outfalls"]["categories"]]
    assert outfall_classes == [[c.value, c.label] for c in categories(get_layer("outfalls"))]
