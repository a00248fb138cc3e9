"""Real clients over HTTP: GDAL's OAPIF driver (ogr2ogr, ogrinfo) and OWSLib."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from owslib.ogcapi.features import Features
from sqlalchemy import create_engine

from geoapi.query import public_collections

#: observations is downloaded as one day's slice: at GDAL 3.6's fixed 10 features per request the
#: whole 383k-row table would take 38k requests (see the report of issue 3).
OBSERVATION_DAY = ("2025-03-01T00:00:00Z", "2025-03-01T23:59:59Z")


def _ogr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "60", "CPL_DEBUG": "ON"}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)


def _count(path: Path, layer: str) -> int:
    result = _ogr("ogrinfo", "-ro", "-so", str(path), layer)
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("Feature Count:"))
    return int(line.split(":")[1])


@pytest.mark.parametrize("layer_id", [layer.id for layer in public_collections()])
def test_ogr2ogr_downloads_each_collection_whole(
    api_url: str, demo_db_url: str, demo_counts: dict[str, int], layer_id: str, tmp_path: Path
) -> None:
    source = f"OAPIF:{api_url}/collections/{layer_id}"
    expected = demo_counts[layer_id]
    if layer_id == "observations":
        start, end = OBSERVATION_DAY
        source += f"?datetime={start}/{end}"
        engine = create_engine(demo_db_url)
        with engine.connect() as connection:
            expected = connection.exec_driver_sql(
                "SELECT count(*) FROM observations WHERE time BETWEEN %(a)s AND %(b)s",
                {"a": start, "b": end},
            ).scalar_one()
        engine.dispose()
    out = tmp_path / f"{layer_id}.gpkg"
    result = _ogr("ogr2ogr", "-f", "GPKG", str(out), source, "-nln", layer_id)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ERROR" not in result.stderr
    assert expected > 0 and _count(out, layer_id) == expected


def test_ogr2ogr_to_cgcs2000(api_url: str, demo_counts: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "zones.gpkg"
    source = f"OAPIF:{api_url}/collections/zones"
    result = _ogr("ogr2ogr", "-f", "GPKG", "-t_srs", "EPSG:4490", str(out), source, "-nln", "zones")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _count(out, "zones") == demo_counts["zones"]
    info = _ogr("ogrinfo", "-ro", "-so", str(out), "zones").stdout
    assert "China Geodetic Coordinate System 2000" in info or "CGCS2000" in info


#: Run apart: pyogrio holds the GIL while GDAL fetches, and the test server is a thread here.
#: GDAL's CPL_DEBUG lines (the URLs it fetches) go to the process's stderr.
PYOGRIO_READ = """
import json, sys
import pyogrio
frame = pyogrio.read_dataframe(sys.argv[1], layer=sys.argv[2])
print(json.dumps({"gdal": pyogrio.__gdal_version_string__, "rows": len(frame)}))
"""


def test_newer_gdal_sizes_its_pages_from_the_openapi(
    api_url: str, demo_counts: dict[str, int]
) -> None:
    """GDAL >= 3.8 (the one in pyogrio's wheel) reads the advertised ``limit`` default: with its
    default settings it pages 1,000 at a time, where Debian 12's GDAL 3.6 asks for 10."""
    done = subprocess.run(
        [sys.executable, "-c", PYOGRIO_READ, f"OAPIF:{api_url}", "sewer_nodes"],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "CPL_DEBUG": "ON"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    major, minor = (int(v) for v in result["gdal"].split(".")[:2])
    if (major, minor) < (3, 8):
        pytest.skip(f"pyogrio bundles GDAL {result['gdal']}")
    assert result["rows"] == demo_counts["sewer_nodes"] > 1000
    pages = [line for line in done.stderr.splitlines() if "Fetch(" in line and "/items" in line]
    full = [page for page in pages if "limit=1000" in page]
    assert len(full) == -(-demo_counts["sewer_nodes"] // 1000), pages


#: Every geometric collection through pyogrio's GDAL asking the server for one CRS (Part 2
#: ``crs``; GDAL 3.6's ogr2ogr has no CRS open option): count, CRS and the first point.
PYOGRIO_IN_CRS = """
import json, sys
import pyogrio, pyproj
out = {}
for layer in sys.argv[3:]:
    frame = pyogrio.read_dataframe(sys.argv[1], layer=layer, CRS=sys.argv[2])
    x, y = frame.geometry.iloc[0].representative_point().coords[0]
    same = frame.crs.equals(pyproj.CRS(sys.argv[2]), ignore_axis_order=True)
    out[layer] = {"rows": len(frame), "crs": same, "x": x, "y": y}
print(json.dumps(out))
"""


@pytest.mark.parametrize("epsg", [4326, 4490])
def test_every_layer_whole_in_a_crs_asked_of_the_server(
    api_url: str, demo_counts: dict[str, int], epsg: int
) -> None:
    layers = [layer.id for layer in public_collections() if layer.geometry is not None]
    done = subprocess.run(
        [sys.executable, "-c", PYOGRIO_IN_CRS, f"OAPIF:{api_url}", f"EPSG:{epsg}", *layers],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "CPL_DEBUG": "ON"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    asked = [line for line in done.stderr.splitlines() if "Fetch(" in line and "/items" in line]
    # for EPSG:4326 GDAL asks for CRS84, the same datum in GIS axis order
    wanted = ("4326", "CRS84") if epsg == 4326 else (str(epsg),)
    assert asked and all(any(w in line for w in wanted) for line in asked if "limit=1000" in line)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for layer in layers:
        got = result[layer]
        assert got["rows"] == demo_counts[layer], layer
        assert got["crs"], layer
        # the demo park lies at 120.0 E 32.0 N: longitude first as GIS clients hold it
        assert 119.5 < got["x"] < 120.5 and 31.5 < got["y"] < 32.5, (layer, got)


def test_gdal_pushes_attribute_filter_to_server(api_url: str) -> None:
    result = _ogr(
        "ogrinfo",
        "-ro",
        "-al",
        "-so",
        f"OAPIF:{api_url}/collections/enterprises",
        "-where",
        "risk_level = 'major'",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    fetched = [line for line in result.stderr.splitlines() if "Fetch(" in line]
    assert any("risk_level=major" in line or "filter=" in line for line in fetched), fetched


def test_owslib_reads_collections_queryables_items(api_url: str) -> None:
    api = Features(api_url)
    ids = {c["id"] for c in api.collections()["collections"]}
    assert {"enterprises", "outfalls", "observations"} <= ids
    queryables = api.collection_queryables("enterprises")
    assert queryables["properties"]["risk_level"]["enum"] == ["general", "larger", "major"]
    items = api.collection_items("enterprises", limit=5)
    assert items["type"] == "FeatureCollection" and len(items["features"]) == 5
    assert items["numberMatched"] >= 5
