"""back-trajectory: displacement equals speed × time, stops at calm and missing hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pyproj import Geod
from sqlalchemy import Connection

from analytics.registry import run_analysis

GEOD = Geod(ellps="WGS84")
RECEPTOR = "point:108.3,22.8"


def _run(conn: Connection, world: Any, arrival_h: float, **values: Any) -> dict[str, Any]:
    params = {
        "receptor": RECEPTOR,
        "arrival_time": (world.T0 + timedelta(hours=arrival_h)).isoformat(),
        **values,
    }
    return run_analysis("back-trajectory", params, conn)


def _path(result: dict[str, Any]) -> dict[str, Any]:
    (path,) = [f for f in result["features"] if f["properties"]["kind"] == "trajectory"]
    return path


def _end(path: dict[str, Any]) -> tuple[float, float]:
    coordinates = path["geometry"]["coordinates"]
    return coordinates[-1][0], coordinates[-1][1]


def test_displacement_equals_speed_times_time(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [5.0] * 4, [270.0] * 4)  # from the west at 5 m/s, hours 0-3

    result = _run(conn, world, 3.0, hours=2, step_s=600)
    path = _path(result)
    azimuth, _, distance = GEOD.inv(*world.SITE, *_end(path))

    assert distance == pytest.approx(5.0 * 2 * 3600, abs=1.0)  # 36 km back upwind
    assert azimuth % 360 == pytest.approx(270.0, abs=0.01)
    assert path["properties"]["times"][0] == "2024-06-01T03:00:00Z"
    assert path["properties"]["times"][-1] == "2024-06-01T01:00:00Z"
    assert len(path["geometry"]["coordinates"]) == 2 * 3600 // 600 + 1
    assert path["properties"]["stopped"] is False and result["stopped"] is None
    assert any("uniform wind field" in a for a in result["assumptions"])


def test_u_and_v_are_interpolated_in_time_not_the_angles(world: Any, conn: Connection) -> None:
    # 4 m/s from the west at 00:00, 4 m/s from the south at 01:00. Over the hour the air's
    # velocity goes linearly from (4, 0) to (0, 4) m/s, so one hour back from 01:00 it moved
    # ½·(4 + 0)·3600 = 7,200 m east and 7,200 m north: the trajectory starts 7.2 km south and
    # 7.2 km west of the receptor (√2·7,200 = 10,182 m at 225°). Averaging the angles would
    # give the same direction but 4 m/s throughout, 14,400 m — the test tells them apart.
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [4.0, 4.0], [270.0, 180.0])

    path = _path(_run(conn, world, 1.0, hours=1, step_s=60))
    azimuth, _, distance = GEOD.inv(*world.SITE, *_end(path))

    assert distance == pytest.approx(7200.0 * 2**0.5, rel=2e-4)
    assert azimuth % 360 == pytest.approx(225.0, abs=0.05)


def test_it_stops_at_a_calm_hour_and_says_so(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [0.2, 3.0, 3.0], [90.0, 270.0, 270.0])

    result = _run(conn, world, 2.0, hours=2, step_s=300)
    path = _path(result)

    assert result["stopped"]["reason"] == "calm"
    assert result["stopped"]["hour"] == "2024-06-01T00:00:00Z"
    # only 01:00-02:00 can be integrated: 3 m/s × 3,600 s
    _, _, distance = GEOD.inv(*world.SITE, *_end(path))
    assert distance == pytest.approx(3.0 * 3600, abs=1.0)
    assert path["properties"]["times"][-1] == "2024-06-01T01:00:00Z"


def test_it_stops_at_a_missing_hour_and_reports_it(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [3.0, None, 3.0, 3.0], [270.0, None, 270.0, 270.0])

    result = _run(conn, world, 3.0, hours=3)

    assert result["stopped"]["reason"] == "missing"
    assert result["stopped"]["hour"] == "2024-06-01T01:00:00Z"
    assert "2024-06-01T01:00:00Z" in result["missing_hours"]
    assert _path(result)["properties"]["duration_h"] == pytest.approx(1.0)


def test_candidates_in_the_corridor_with_the_time_of_closest_approach(
    world: Any, conn: Connection
) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [5.0] * 3, [270.0] * 3)
    # 9 km west, 200 m north of the path: passed 9,000 m / 5 m/s = 30 min before arrival
    west = world.at(270.0, 9000.0)
    for code, where in (
        ("ON", world.at(0.0, 200.0, west)),
        ("OFF", world.at(0.0, 900.0, west)),
        ("EAST", world.at(90.0, 3000.0)),
    ):
        world.outfall(code, world.enterprise(f"企业{code}", where), where, kind="fugitive")

    result = _run(conn, world, 2.0, hours=2, corridor_m=500)
    found = {
        f["properties"]["outfall_code"]: f["properties"]
        for f in result["features"]
        if f["properties"]["kind"] == "candidate"
    }

    assert set(found) == {"ON"}
    assert found["ON"]["distance_m"] == pytest.approx(200.0, abs=2.0)
    assert found["ON"]["time_offset_h"] == pytest.approx(-0.5, abs=0.01)
    assert found["ON"]["passage_time"].startswith("2024-06-01T01:30")


@pytest.mark.parametrize("values", [{"hours": 0}, {"hours": 25}, {"step_s": 5}, {"corridor_m": -1}])
def test_bad_parameters(world: Any, conn: Connection, values: dict[str, Any]) -> None:
    from analytics.errors import BadParameterError

    with pytest.raises(BadParameterError):
        _run(conn, world, 1.0, **values)
