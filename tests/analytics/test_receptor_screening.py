"""receptor-screening on hand-built receptors placed geodesically around a site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rasterio
import shapely
import shapely.geometry
from rasterio.transform import from_origin
from sqlalchemy import Connection

from analytics.errors import BadParameterError, NotFoundError
from analytics.geodesy import GEOD
from analytics.receptor_screening import ReceptorScreening, screen_receptors
from analytics.registry import get_analysis, run_analysis

POINT = "point:108.3,22.8"


def _names(result: dict[str, Any]) -> list[str]:
    return [f["properties"]["name"] for f in result["features"]]


def _by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["name"]: f["properties"] for f in result["features"]}


def test_a_receptor_at_4999_m_is_listed_and_one_at_5001_m_is_not(
    world: Any, conn: Connection
) -> None:
    world.receptor("inside", world.wkt_point(world.at(60.0, 4999.0)), population=120)
    world.receptor("outside", world.wkt_point(world.at(60.0, 5001.0)), population=80)

    result = screen_receptors(conn, ReceptorScreening(site=POINT))

    assert _names(result) == ["inside"]
    inside = result["features"][0]["properties"]
    assert inside["distance_m"] == pytest.approx(4999.0, abs=0.05)
    assert inside["population"] == 120


@pytest.mark.parametrize(
    ("azimuth", "direction", "direction_zh"),
    [
        (0.0, "N", "北"),
        (1.0, "N", "北"),
        (359.0, "N", "北"),
        (22.0, "N", "北"),
        (23.0, "NE", "东北"),
        (45.0, "NE", "东北"),
        (90.0, "E", "东"),
        (135.0, "SE", "东南"),
        (180.0, "S", "南"),
        (225.0, "SW", "西南"),
        (270.0, "W", "西"),
        (315.0, "NW", "西北"),
        (337.0, "NW", "西北"),
        (338.0, "N", "北"),
    ],
)
def test_bearings_and_eight_compass_points(
    world: Any, conn: Connection, azimuth: float, direction: str, direction_zh: str
) -> None:
    world.receptor("r", world.wkt_point(world.at(azimuth, 2000.0)))

    (props,) = _by_name(screen_receptors(conn, ReceptorScreening(site=POINT))).values()

    assert props["bearing_deg"] == pytest.approx(azimuth % 360, abs=0.05) or (
        azimuth == 0.0 and props["bearing_deg"] == pytest.approx(360.0, abs=0.05)
    )
    assert (props["direction"], props["direction_zh"]) == (direction, direction_zh)


def test_sixteen_points_across_north(world: Any, conn: Connection) -> None:
    world.receptor("a359", world.wkt_point(world.at(359.0, 1000.0)))
    world.receptor("a001", world.wkt_point(world.at(1.0, 1500.0)))
    world.receptor("a012", world.wkt_point(world.at(12.0, 2000.0)))
    world.receptor("a348", world.wkt_point(world.at(348.0, 2500.0)))

    result = _by_name(screen_receptors(conn, ReceptorScreening(site=POINT, directions=16)))

    assert result["a359"]["direction"] == "N" and result["a001"]["direction"] == "N"
    assert (result["a012"]["direction"], result["a012"]["direction_zh"]) == ("NNE", "东北偏北")
    assert (result["a348"]["direction"], result["a348"]["direction_zh"]) == ("NNW", "西北偏北")


def test_the_buffer_of_a_point_is_a_geodesic_circle_of_the_radius(
    world: Any, conn: Connection
) -> None:
    result = screen_receptors(conn, ReceptorScreening(site=POINT, radius_m=5000))

    ring = np.array(result["buffer"]["coordinates"][0])
    _, _, distances = GEOD.inv(np.full(len(ring), 108.3), np.full(len(ring), 22.8), *ring.T)
    assert distances == pytest.approx(5000.0, rel=2e-3)


def test_the_buffer_of_a_polygon_follows_its_boundary(world: Any, conn: Connection) -> None:
    corners = [world.at(azimuth, 2000.0) for azimuth in (45.0, 135.0, 225.0, 315.0)]
    square = {"type": "Polygon", "coordinates": [[*corners, corners[0]]]}

    result = screen_receptors(conn, ReceptorScreening(site=json.dumps(square), radius_m=1000))

    buffer = shapely.geometry.shape(result["buffer"])
    site = shapely.geometry.shape(square)
    assert buffer.contains(site)
    # 1 km out from the middle of the square's east side, not from its centre
    east = shapely.Point(world.at(90.0, 2000.0 * np.cos(np.radians(45.0)) + 995.0))
    beyond = shapely.Point(world.at(90.0, 2000.0 * np.cos(np.radians(45.0)) + 1010.0))
    assert buffer.contains(east) and not buffer.contains(beyond)


def test_features_are_sorted_by_distance(world: Any, conn: Connection) -> None:
    for name, distance in (("far", 3000.0), ("near", 500.0), ("middle", 1500.0)):
        world.receptor(name, world.wkt_point(world.at(200.0, distance)))

    assert _names(screen_receptors(conn, ReceptorScreening(site=POINT))) == [
        "near",
        "middle",
        "far",
    ]


def test_distance_is_from_boundary_to_boundary_and_zero_when_touching(
    world: Any, conn: Connection
) -> None:
    # A park square 2 km across; a village polygon whose near edge is 1,000 m east of the
    # park's east edge, and a school polygon straddling the park's north edge.
    half = 1000.0
    corners = [world.at(az, half * 2**0.5) for az in (315.0, 45.0, 135.0, 225.0)]
    world.insert(
        "park",
        f"MULTIPOLYGON((({', '.join(f'{x!r} {y!r}' for x, y in [*corners, corners[0]])})))",
        code="P1",
        name="测试园区",
    )
    east_edge = world.at(90.0, half)
    near_edge = world.at(90.0, 1000.0, east_edge)
    world.receptor(
        "village",
        world.wkt_polygon(
            [
                world.at(0.0, 300.0, near_edge),
                world.at(90.0, 400.0, world.at(0.0, 300.0, near_edge)),
                world.at(90.0, 400.0, world.at(180.0, 300.0, near_edge)),
                world.at(180.0, 300.0, near_edge),
            ]
        ),
        population=900,
    )
    north_edge = world.at(0.0, half)
    world.receptor(
        "school",
        world.wkt_polygon([world.at(az, 150.0, north_edge) for az in (315.0, 45.0, 135.0, 225.0)]),
        category="school",
    )

    result = _by_name(screen_receptors(conn, ReceptorScreening(site="park")))

    assert result["school"]["distance_m"] == 0.0
    # the square's east edge is not a meridian, so allow the geodesic's few-metre curvature
    assert result["village"]["distance_m"] == pytest.approx(1000.0, abs=5.0)
    assert result["village"]["direction"] == "E"


def test_site_may_be_an_enterprise_or_a_geojson_geometry(world: Any, conn: Connection) -> None:
    credit = world.enterprise("化工甲", world.SITE)
    world.receptor("r", world.wkt_point(world.at(180.0, 800.0)))
    geojson = '{"type": "Point", "coordinates": [108.3, 22.8]}'

    for site in (f"enterprise:{credit}", geojson):
        (props,) = _by_name(screen_receptors(conn, ReceptorScreening(site=site))).values()
        assert props["distance_m"] == pytest.approx(800.0, abs=0.05)
        assert props["direction_zh"] == "南"


def test_protection_zones_inside_and_nearest(world: Any, conn: Connection) -> None:
    square = [world.at(az, 700.0) for az in (315.0, 45.0, 135.0, 225.0)]
    world.insert(
        "zones",
        f"MULTIPOLYGON((({', '.join(f'{x!r} {y!r}' for x, y in [*square, square[0]])})))",
        kind="water_source_protection",
        name="一级区",
        level="level1",
    )
    world.receptor("取水口", world.wkt_point(world.at(0.0, 2500.0)), category="water_intake")

    inside = screen_receptors(conn, ReceptorScreening(site=POINT))["protection_zones"]
    assert inside["inside"] is True and inside["containing"][0]["name"] == "一级区"
    assert inside["nearest_intake"]["distance_m"] == pytest.approx(2500.0, abs=0.05)

    away = world.at(90.0, 3000.0)
    outside = screen_receptors(conn, ReceptorScreening(site=f"point:{away[0]},{away[1]}"))
    zones = outside["protection_zones"]
    assert zones["inside"] is False
    # the square's east edge is about 700·cos45° ≈ 495 m east of the centre
    assert zones["nearest"]["distance_m"] == pytest.approx(3000.0 - 700.0 * 2**-0.5, abs=5.0)


def test_population_is_the_zonal_sum_of_the_raster(
    world: Any, conn: Connection, tmp_path: Path
) -> None:
    # 0.01° cells (about 1 km); the site sits in the middle of cell (5, 5). Cells whose centre is
    # within 1.5 km: the site's own and its four neighbours (≈1.03 km and ≈1.11 km away).
    raster = tmp_path / "pop.tif"
    cells = np.zeros((11, 11), dtype=np.float32)
    cells[5, 5], cells[4, 5], cells[6, 5], cells[5, 4], cells[5, 6] = 100, 10, 10, 10, 10
    cells[0, 0] = 5000  # far away
    transform = from_origin(108.3 - 0.055, 22.8 + 0.055, 0.01, 0.01)
    with rasterio.open(
        raster,
        "w",
        driver="GTiff",
        width=11,
        height=11,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=transform,
    ) as out:
        out.write(cells, 1)

    population = screen_receptors(
        conn, ReceptorScreening(site=POINT, radius_m=1500), population_raster=raster
    )["population"]

    assert population["available"] is True
    assert population["population"] == 140
    assert population["raster"] == str(raster)


def test_a_missing_raster_is_reported_not_fatal(
    world: Any, conn: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEMAP_POPULATION_RASTER", str(tmp_path / "absent.tif"))
    population = screen_receptors(conn, ReceptorScreening(site=POINT))["population"]
    assert population["available"] is False
    assert "absent.tif" in population["note"]


@pytest.mark.parametrize(
    "values",
    [
        {"site": "point:108.3,22.8", "radius_m": 0},
        {"site": "point:108.3,22.8", "radius_m": 60000},
        {"site": "point:108.3,22.8", "directions": 12},
        {"site": "point:200,22.8"},
        {"site": "somewhere"},
        {"site": "park", "colour": "red"},
        {"site": '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}'},
    ],
)
def test_bad_parameters_are_one_clear_error(conn: Connection, values: dict[str, Any]) -> None:
    with pytest.raises(BadParameterError) as raised:
        run_analysis("receptor-screening", values, conn)
    assert "\n" not in str(raised.value)
    assert raised.value.http_status == 400


def test_an_unknown_enterprise_is_not_found(conn: Connection) -> None:
    with pytest.raises(NotFoundError) as raised:
        run_analysis("receptor-screening", {"site": "enterprise:91450100MA00000099"}, conn)
    assert raised.value.http_status == 404
    assert get_analysis("receptor-screening").id == "receptor-screening"
