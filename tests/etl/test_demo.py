"""The demo park generator: deterministic, consistent with the registry, and physically true.

One full generation per session (about 4 s) feeds most tests; a second, quick one checks that
the output is byte-for-byte reproducible; the committed data/demo must equal what the generator
writes today.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from pyproj import Geod, Transformer
from shapely.geometry import shape

from etl.demo.generate import generate
from layers import BY_ID, REGISTRY
from layers.credit_code import credit_code_problem
from onemap.commands.demo import demo, layer_file
from onemap.database import ENV_URL, engine_for, normalise_url

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "data" / "demo"
GEOD = Geod(ellps="GRS80")
TO_METRES = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out)


@pytest.fixture(scope="session")
def out(demo_dir: tuple[Path, dict[str, int]]) -> Path:
    return demo_dir[0]


def features(path: Path) -> list[dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return list(data["features"])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def observations(out: Path) -> pd.DataFrame:
    frame = pd.read_csv(out / "observations.csv.gz", dtype={"value": float})
    frame["time"] = pd.to_datetime(frame["time"], format="ISO8601")
    return frame


def test_generation_is_deterministic(out: Path, tmp_path: Path) -> None:
    counts = generate(tmp_path, full=False)
    assert "observations" not in counts
    written = sorted(p.name for p in tmp_path.iterdir() if p.name != "README.md")
    assert "sewer_pipes.geojson" in written and "dem.tif" in written
    for name in written:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_committed_demo_data_is_what_the_generator_writes(out: Path) -> None:
    generated = sorted(p.name for p in out.iterdir())
    committed = sorted(p.name for p in COMMITTED.iterdir() if not p.name.endswith(".rejects.csv"))
    assert committed == generated
    for name in generated:
        assert (COMMITTED / name).read_bytes() == (out / name).read_bytes(), (
            f"data/demo/{name} is stale: run `onemap demo generate --out data/demo`"
        )


def test_counts_are_in_the_asked_ranges(demo_dir: tuple[Path, dict[str, int]]) -> None:
    _, counts = demo_dir
    assert counts["park"] == 1
    assert 100 <= counts["enterprises"] <= 140
    assert 230 <= counts["outfalls"] <= 320
    assert 45 <= counts["receptors"] <= 55
    # the park's own 15-25 stations, and the online stations at a few outfalls (issue 12)
    assert 15 + 5 <= counts["stations"] <= 25 + 10
    assert counts["sewer_pipes"] >= 2000
    assert counts["rivers"] >= 10
    assert counts["episodes"] >= 5
    # the met station: four parameters, every hour of 2025
    assert counts["observations"] > 4 * 8760 + 4 * 6 * 8760


def test_park_area_is_about_15_km2_and_agrees_with_its_attributes(out: Path) -> None:
    (park,) = features(out / "park.geojson")
    geometry = shape(park["geometry"])  # type: ignore[arg-type]
    area_ha = abs(GEOD.geometry_area_perimeter(geometry)[0]) / 1e4
    properties = park["properties"]
    assert isinstance(properties, dict)
    assert 1300 <= area_ha <= 1700
    assert properties["planned_area_ha"] == pytest.approx(area_ha, abs=0.01)
    assert 0 < properties["developed_area_ha"] < properties["planned_area_ha"]
    for f in BY_ID["park"].fields:
        assert properties[f.name] not in (None, ""), f.name


def test_enterprises_use_the_registry_chinese_headers_and_valid_credit_codes(out: Path) -> None:
    layer = BY_ID["enterprises"]
    table = rows(out / "enterprises.csv")
    assert list(table[0]) == [f.zh for f in layer.fields] + ["经度", "纬度"]
    codes = [r[layer.field("credit_code").zh] for r in table]
    assert len(set(codes)) == len(codes)
    assert [c for c in codes if credit_code_problem(c)] == []
    risks = [r[layer.field("risk_level").zh] for r in table]
    assert {"一般", "较大", "重大"} == set(risks)
    assert risks.count("一般") > risks.count("较大") > risks.count("重大") > 0


def test_every_outfall_belongs_to_an_enterprise_and_discharges_somewhere_known(out: Path) -> None:
    enterprises = {r["统一社会信用代码"] for r in rows(out / "enterprises.csv")}
    nodes = {
        f["properties"]["code"]: f["properties"]["kind"]  # type: ignore[index]
        for f in features(out / "sewer_nodes.geojson")
    }
    reaches = {
        f["properties"]["reach_code"]  # type: ignore[index]
        for f in features(out / "rivers.geojson")
    }
    for o in rows(out / "outfalls.csv"):
        assert o["credit_code"] in enterprises, o["code"]
        if o["kind"] == "wastewater":
            assert (nodes.get(o["sewer_node"]) == "connection_well") or o["river_reach"] in reaches
        if o["kind"] == "rainwater":
            assert o["river_reach"] in reaches, o["code"]
        if o["kind"] == "stack":
            assert 15 <= float(o["height_m"]) <= 200
            assert o["pollutants"]


def _network(out: Path) -> tuple[dict[str, dict[str, object]], list[dict[str, object]]]:
    nodes = {}
    for f in features(out / "sewer_nodes.geojson"):
        properties = dict(f["properties"])  # type: ignore[call-overload]
        properties["xy"] = tuple(f["geometry"]["coordinates"])  # type: ignore[index]
        nodes[properties["code"]] = properties
    pipes = []
    for f in features(out / "sewer_pipes.geojson"):
        properties = dict(f["properties"])  # type: ignore[call-overload]
        properties["coords"] = [tuple(c) for c in f["geometry"]["coordinates"]]  # type: ignore[index]
        pipes.append(properties)
    return nodes, pipes


def test_sewers_form_trees_draining_to_the_wwtp_and_the_rivers(out: Path) -> None:
    nodes, pipes = _network(out)
    downstream: dict[str, str] = {}
    for p in pipes:
        assert p["from_node"] not in downstream, "a node with two outgoing pipes"
        downstream[str(p["from_node"])] = str(p["to_node"])
        assert p["coords"][0] == nodes[str(p["from_node"])]["xy"]  # type: ignore[index]
        assert p["coords"][-1] == nodes[str(p["to_node"])]["xy"]  # type: ignore[index]
        # inverts fall along every pipe
        assert nodes[str(p["to_node"])]["invert_m"] < nodes[str(p["from_node"])]["invert_m"]  # type: ignore[operator]
    (inlet,) = [c for c, n in nodes.items() if n["kind"] == "wwtp_inlet"]
    sewage = {str(p["from_node"]) for p in pipes if p["system"] == "sewage"}
    for code in nodes:
        seen = set()
        node = code
        while node in downstream:
            assert node not in seen, "a cycle"
            seen.add(node)
            node = downstream[node]
        if code in sewage or code == inlet:
            assert node == inlet, code
        else:
            assert nodes[node]["kind"] == "river_outfall", code
    kinds = [n["kind"] for n in nodes.values()]
    assert kinds.count("connection_well") >= 100
    assert 2 <= kinds.count("monitoring_well") <= 6
    assert sum(p["system"] == "sewage" for p in pipes) >= 2000


def test_diameters_never_shrink_downstream(out: Path) -> None:
    _, pipes = _network(out)
    leaving = {p["from_node"]: p["diameter_mm"] for p in pipes}
    for p in pipes:
        below = leaving.get(p["to_node"])
        if below is not None:
            assert below >= p["diameter_mm"], p["code"]  # type: ignore[operator]


def test_river_reaches_connect_end_to_start(out: Path) -> None:
    reaches = [
        (f["properties"]["reach_code"], f["geometry"]["coordinates"])  # type: ignore[index]
        for f in features(out / "rivers.geojson")
    ]
    starts = {tuple(c[0]) for _, c in reaches}
    ends_nowhere = [code for code, c in reaches if tuple(c[-1]) not in starts]
    assert ends_nowhere == ["CJ-03"]  # only the Yangtze leaves the map


def _metres(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geometry, lambda c: np.column_stack(TO_METRES.transform(*c.T)))


def test_receptors_lie_within_8_km_of_the_park(out: Path) -> None:
    (park,) = features(out / "park.geojson")
    boundary = _metres(shape(park["geometry"]))  # type: ignore[arg-type]
    receptors = features(out / "receptors.geojson")
    distances = [boundary.distance(_metres(shape(r["geometry"]))) for r in receptors]  # type: ignore[arg-type]
    assert max(distances) <= 8000.0
    categories = {r["properties"]["category"] for r in receptors}  # type: ignore[index]
    assert {
        "residential",
        "school",
        "hospital",
        "office",
        "water_intake",
        "ecological",
    } <= categories


def _place(table: list[dict[str, str]], code: str) -> tuple[float, float]:
    (row,) = [r for r in table if r["code"] == code]
    return float(row["lon"]), float(row["lat"])


def _hours(episode: dict[str, str]) -> pd.DatetimeIndex:
    start = dt.datetime.fromisoformat(episode["start"])
    end = dt.datetime.fromisoformat(episode["end"])
    return pd.date_range(start, end, freq="h", inclusive="left")


def test_air_episode_sources_are_upwind_of_their_stations(
    out: Path, observations: pd.DataFrame
) -> None:
    episodes = json.loads((out / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    stations, outfalls = rows(out / "stations.csv"), rows(out / "outfalls.csv")
    wind = observations[
        (observations.station_code == "MT-01") & (observations.parameter == "a01008")
    ].set_index("time")["value"]
    air = [e for e in episodes if e["medium"] == "air"]
    assert len(air) >= 3
    for e in air:
        slon, slat = _place(stations, e["affected"]["station_code"])
        olon, olat = _place(outfalls, e["source"]["outfall_code"])
        bearing = GEOD.inv(slon, slat, olon, olat)[0] % 360.0
        hours = _hours(e)
        assert len(hours) >= 3
        difference = np.abs((wind.loc[hours].to_numpy() - bearing + 180.0) % 360.0 - 180.0)
        assert difference.max() <= 22.5, e["id"]
        # and the station sees the plume: well above its usual level
        series = observations[
            (observations.station_code == e["affected"]["station_code"])
            & (observations.parameter == e["pollutant"])
        ].set_index("time")
        during = series.loc[hours, "value"].max()
        assert during > 3 * series["value"].median(), e["id"]


def test_water_episode_sources_drain_to_their_monitoring_wells(
    out: Path, observations: pd.DataFrame
) -> None:
    episodes = json.loads((out / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    _, pipes = _network(out)
    downstream = {p["from_node"]: p["to_node"] for p in pipes}
    outfalls = {r["code"]: r for r in rows(out / "outfalls.csv")}
    water = [e for e in episodes if e["medium"] == "water"]
    assert len(water) >= 1
    for e in water:
        outfall = outfalls[e["source"]["outfall_code"]]
        assert outfall["credit_code"] == e["source"]["credit_code"]
        node, path = outfall["sewer_node"], []
        while node in downstream:
            path.append(node)
            node = downstream[node]
        assert e["expected"]["sewer_node"] in path
        series = observations[
            (observations.station_code == e["affected"]["station_code"])
            & (observations.parameter == "w01018")
        ].set_index("time")["value"]
        seen = series.loc[e["expected"]["observed_start"] : e["expected"]["observed_end"]]
        assert seen.max() > 2.5 * series.median(), e["id"]


def test_rasters_are_tiled_compressed_wgs84(out: Path) -> None:
    for name, low, high in (("dem.tif", 0.0, 60.0), ("population.tif", 0.0, 1e4)):
        with rasterio.open(out / name) as raster:
            assert raster.crs.to_epsg() == 4326
            assert raster.profile["tiled"] and raster.compression.value == "DEFLATE"
            data = raster.read(1)
            assert low <= float(data.min()) and float(data.max()) <= high


@pytest.fixture
def demo_cli(db_url: str) -> Iterator[CliRunner]:
    yield CliRunner(env={ENV_URL: db_url})
    engine_for(normalise_url(db_url)).dispose()


def test_demo_loads_into_postgis_without_a_reject(out: Path, demo_cli: CliRunner) -> None:
    result = demo_cli.invoke(demo, ["load", "--dir", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rejected = re.findall(r"rejected (\d+)", result.output)
    # every layer with a demo file (all but the standard limits and what the judgement writes)
    with_files = [layer.id for layer in REGISTRY if layer_file(out, layer.id) is not None]
    assert rejected == ["0"] * len(with_files) and len(with_files) >= 20
