"""Vector files with a declared CRS, geometry repair and rejection, and the other table forms:
.csv.gz, XLSX (with a title row above the headers) and GBK-encoded CSV."""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import sqlalchemy as sa
from shapely import LineString, Point, Polygon

from etl.load import load_file

GK_120E = "EPSG:4549"  # CGCS2000 3-degree Gauss-Krüger, central meridian 120°E
TO_WGS84 = pyproj.Transformer.from_crs(GK_120E, "EPSG:4326", always_xy=True)


def _nodes(crs: str = GK_120E) -> gpd.GeoDataFrame:
    # Easting 500 000 m is the central meridian: longitude exactly 120°.
    return gpd.GeoDataFrame(
        {
            "节点编号": ["J1", "J2", "J3"],
            "节点类型": ["检查井", "企业接管井", "泵站"],
            "井底高程": [3.2, 2.9, 1.5],
        },
        geometry=[Point(500000, 3500000), Point(500100, 3500000), Point(500200, 3500050)],
        crs=crs,
    )


def _one(engine: sa.Engine, query: str) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(query)).all())


def test_geopackage_in_gauss_kruger_is_transformed_to_wgs84(
    tmp_path: Path, engine: sa.Engine
) -> None:
    path = tmp_path / "nodes.gpkg"
    _nodes().to_file(path, layer="sewer_nodes", driver="GPKG")

    report = load_file(path, "sewer_nodes", engine)

    assert (report.read, report.inserted, report.rejected) == (3, 3, 0)
    rows = _one(
        engine, "SELECT code, kind, ST_X(geom) AS x, ST_Y(geom) AS y FROM sewer_nodes ORDER BY code"
    )
    assert rows[0].kind == "manhole" and rows[1].kind == "connection_well"
    assert rows[0].x == pytest.approx(120.0, abs=1e-9)
    lon, lat = TO_WGS84.transform(500200, 3500050)
    assert (rows[2].x, rows[2].y) == pytest.approx((lon, lat), abs=1e-9)


def test_zipped_shapefile_in_gbk_without_cpg(tmp_path: Path, engine: sa.Engine) -> None:
    shp = tmp_path / "nodes.shp"
    _nodes().to_file(shp, driver="ESRI Shapefile", encoding="GBK")
    shp.with_suffix(".cpg").unlink(missing_ok=True)  # as many Chinese GIS exports come
    archive = tmp_path / "nodes.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("nodes.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)

    report = load_file(archive, "sewer_nodes", engine)

    assert (report.inserted, report.rejected) == (3, 0), report
    rows = _one(engine, "SELECT kind, ST_X(geom) AS x FROM sewer_nodes ORDER BY code")
    assert [r.kind for r in rows] == ["manhole", "connection_well", "pump_station"]
    assert rows[0].x == pytest.approx(120.0, abs=1e-9)


def test_pipes_need_their_nodes_in_the_database(tmp_path: Path, engine: sa.Engine) -> None:
    nodes = tmp_path / "nodes.gpkg"
    _nodes().to_file(nodes, driver="GPKG")
    load_file(nodes, "sewer_nodes", engine)
    pipes = gpd.GeoDataFrame(
        {
            "管线编号": ["P1", "P2"],
            "管网系统": ["污水", "雨水"],
            "管径": [300, 400],
            "起点节点": ["J1", "J2"],
            "终点节点": ["J2", "J9"],
        },
        geometry=[
            LineString([(500000, 3500000), (500100, 3500000)]),
            LineString([(500100, 3500000), (500300, 3500000)]),
        ],
        crs=GK_120E,
    )
    path = tmp_path / "pipes.geojson"
    pipes.to_file(path, driver="GeoJSON")

    report = load_file(path, "sewer_pipes", engine)

    assert (report.inserted, report.rejected) == (1, 1)
    rejects = pd.read_csv(report.rejects_path, encoding="utf-8-sig")
    assert rejects["管线编号"].tolist() == ["P2"]
    assert "'J9' not found in sewer_nodes.code" in rejects["reject_reason"].item()
    assert rejects["geometry"].item().startswith("LINESTRING (500100 3500000")  # as in the file


def test_bow_tie_is_repaired_and_a_line_in_a_point_layer_is_rejected(
    tmp_path: Path, engine: sa.Engine
) -> None:
    d = 0.001
    bow_tie = Polygon(
        [
            (118.75, 32.25),
            (118.75 + d, 32.25 + d),
            (118.75 + d, 32.25),
            (118.75, 32.25 + d),
            (118.75, 32.25),
        ]
    )
    receptors = gpd.GeoDataFrame(
        {"名称": ["蝴蝶村", "学校", "一条路", "医院"], "类别": ["村庄", "学校", "其他", "医院"]},
        geometry=[
            bow_tie,
            Point(118.76, 32.26),
            LineString([(118.7, 32.2), (118.8, 32.3)]),
            Point(118.77, 32.27),
        ],
        crs="EPSG:4326",
    )
    path = tmp_path / "receptors.geojson"
    receptors.to_file(path, driver="GeoJSON")

    report = load_file(path, "receptors", engine)

    assert (report.read, report.inserted, report.rejected) == (4, 3, 1)
    rejects = pd.read_csv(report.rejects_path, encoding="utf-8-sig")
    assert rejects["名称"].tolist() == ["一条路"]
    assert (
        "geometry type 'LINESTRING' is not POINT/POLYGON/MULTIPOLYGON"
        in rejects["reject_reason"].item()
    )
    (row,) = _one(
        engine,
        "SELECT category, GeometryType(geom) AS kind, ST_NumGeometries(geom) AS parts,"
        " ST_IsValid(geom) AS valid, ST_Area(geom) AS area FROM receptors WHERE name = '蝴蝶村'",
    )
    # Both lobes kept: two triangles of a quarter of the d×d square each.
    assert (row.category, row.kind, row.parts, row.valid) == (
        "residential",
        "MULTIPOLYGON",
        2,
        True,
    )
    assert row.area == pytest.approx(d * d / 2, rel=1e-9)


def test_polygons_are_promoted_for_a_multipolygon_layer(tmp_path: Path, engine: sa.Engine) -> None:
    zones = gpd.GeoDataFrame(
        {"kind": ["functional"], "name": ["化工区"]},
        geometry=[Polygon([(500000, 3500000), (501000, 3500000), (501000, 3501000)])],
        crs=GK_120E,
    )
    path = tmp_path / "zones.gpkg"
    zones.to_file(path, driver="GPKG")
    assert load_file(path, "zones", engine).inserted == 1
    assert _one(engine, "SELECT GeometryType(geom) FROM zones")[0][0] == "MULTIPOLYGON"


def test_a_file_declaring_a_crs_does_not_take_another_from_the_command_line(
    tmp_path: Path, engine: sa.Engine
) -> None:
    from etl.errors import EtlError

    path = tmp_path / "nodes.gpkg"
    _nodes().to_file(path, driver="GPKG")
    with pytest.raises(EtlError, match="declares EPSG:4549 but --crs says EPSG:3857"):
        load_file(path, "sewer_nodes", engine, crs="EPSG:3857")
    assert load_file(path, "sewer_nodes", engine, crs="EPSG:4549").inserted == 3


def test_lines_from_a_csv_wkt_column_in_the_given_crs(tmp_path: Path, engine: sa.Engine) -> None:
    nodes = tmp_path / "nodes.gpkg"
    _nodes().to_file(nodes, driver="GPKG")
    load_file(nodes, "sewer_nodes", engine)
    path = tmp_path / "pipes.csv"
    path.write_text(
        "code,system,from_node,to_node,wkt\n"
        'P1,sewage,J1,J2,"LINESTRING (500000 3500000, 500100 3500000)"\n'
        "P2,sewage,J2,J3,LINESTRING (oops)\n",
        encoding="utf-8",
    )
    report = load_file(path, "sewer_pipes", engine, crs="EPSG:4549")
    assert (report.inserted, report.rejected) == (1, 1)
    assert "WKT geometry cannot be parsed" in pd.read_csv(report.rejects_path)["reject_reason"][0]
    (row,) = _one(engine, "SELECT ST_X(ST_StartPoint(geom)) AS x FROM sewer_pipes")
    assert row.x == pytest.approx(120.0, abs=1e-9)


def test_gcj02_refines_a_geojson_labelled_wgs84(tmp_path: Path, engine: sa.Engine) -> None:
    from etl.crs import gcj02_to_wgs84, wgs84_to_gcj02

    gcj_lon, gcj_lat = wgs84_to_gcj02(118.75, 32.25)
    stations = gpd.GeoDataFrame(
        {"code": ["S1"], "name": ["站"], "type": ["air"]},
        geometry=[Point(float(gcj_lon), float(gcj_lat))],
        crs="EPSG:4326",
    )
    path = tmp_path / "stations.geojson"
    stations.to_file(path, driver="GeoJSON")
    assert load_file(path, "stations", engine, crs="gcj02").inserted == 1
    (row,) = _one(engine, "SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM stations")
    assert (row.x, row.y) == pytest.approx(gcj02_to_wgs84(gcj_lon, gcj_lat), abs=1e-12)
    assert (row.x, row.y) == pytest.approx((118.75, 32.25), abs=1e-8)


STATION_ROWS = [
    ["S01", "园区一号站", "空气", "国控", "2019年5月1日", "118.75", "32.25"],
    ["S02", "河口断面", "地表水", "省控", "2020/6/1", "118.76", "32.24"],
]
STATION_HEADERS = ["站点编码", "站点名称", "站点类型", "管理级别", "建站时间", "经度", "纬度"]


def _assert_stations(engine: sa.Engine) -> None:
    rows = _one(
        engine, "SELECT code, type, level, built::text, ST_X(geom) AS x FROM stations ORDER BY code"
    )
    assert [tuple(r) for r in rows] == [
        ("S01", "air", "national", "2019-05-01", 118.75),
        ("S02", "surface_water", "provincial", "2020-06-01", 118.76),
    ]


def test_gzipped_csv(tmp_path: Path, engine: sa.Engine) -> None:
    text = "\n".join(",".join(r) for r in [STATION_HEADERS, *STATION_ROWS]) + "\n"
    path = tmp_path / "stations.csv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    report = load_file(path, "stations", engine)
    assert (report.inserted, report.rejected) == (2, 0)
    _assert_stations(engine)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name"),
    [
        ("utf-8-sig", ",", "s.csv"),
        ("gbk", ",", "s.csv"),
        ("gb18030", ";", "s.csv"),
        ("utf-16", "\t", "s.txt"),
    ],
)
def test_chinese_encodings_and_delimiters(
    tmp_path: Path, engine: sa.Engine, encoding: str, delimiter: str, name: str
) -> None:
    lines = [delimiter.join(r) for r in [STATION_HEADERS, *STATION_ROWS]]
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    assert load_file(path, "stations", engine).inserted == 2
    _assert_stations(engine)


def test_a_geopackage_layer_is_chosen_by_the_layer_id(tmp_path: Path, engine: sa.Engine) -> None:
    from etl.errors import UnreadableFileError

    path = tmp_path / "network.gpkg"
    _nodes().to_file(path, layer="other", driver="GPKG")
    _nodes().iloc[:1].to_file(path, layer="sewer_nodes", driver="GPKG")
    assert load_file(path, "sewer_nodes", engine).inserted == 1
    with pytest.raises(UnreadableFileError, match="several layers"):
        load_file(path, "stations", engine)


def test_xlsx_with_a_title_row_above_the_headers(tmp_path: Path, engine: sa.Engine) -> None:
    path = tmp_path / "stations.xlsx"
    title = [["园区监测站点一览表", *[None] * (len(STATION_HEADERS) - 1)]]
    frame = pd.DataFrame([*title, STATION_HEADERS, *STATION_ROWS])
    frame.to_excel(path, header=False, index=False, sheet_name="站点")

    report = load_file(path, "stations", engine)

    assert (report.read, report.inserted, report.rejected) == (2, 2, 0)
    _assert_stations(engine)


def test_rejected_xlsx_rows_name_their_spreadsheet_row(
    tmp_path: Path, engine: sa.Engine, credit_code: Callable[[int], str]
) -> None:
    path = tmp_path / "stations.xlsx"
    rows = [*STATION_ROWS, ["S01", "重复站", "空气", "国控", "2019-05-01", "118.7", "32.2"]]
    pd.DataFrame(rows, columns=STATION_HEADERS).to_excel(path, index=False)
    report = load_file(path, "stations", engine)
    rejects = pd.read_csv(report.rejects_path, encoding="utf-8-sig")
    assert rejects["reject_reason"].item().startswith("与第2行重复（S01）")
