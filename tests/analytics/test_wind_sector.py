"""wind-sector-trace: hand-checkable winds and sources around a receptor point."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection

from analytics.errors import BadParameterError, NotFoundError
from analytics.registry import run_analysis

RECEPTOR = "point:108.3,22.8"


def _trace(conn: Connection, world: Any, hours: int, **values: Any) -> dict[str, Any]:
    params = {
        "receptor": RECEPTOR,
        "start": world.T0.isoformat(),
        "end": (world.T0 + timedelta(hours=hours)).isoformat(),
        **values,
    }
    return run_analysis("wind-sector-trace", params, conn)


def _candidates(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f["properties"]["outfall_code"]: f["properties"]
        for f in result["features"]
        if f["properties"]["kind"] == "candidate"
    }


def _stacks(world: Any, placements: dict[str, tuple[float, float]]) -> None:
    """One enterprise with one stack per code, at (azimuth, distance) from the receptor."""
    for code, (azimuth, distance) in placements.items():
        where = world.at(azimuth, distance)
        credit = world.enterprise(f"企业{code}", where)
        world.outfall(code, credit, where)


def test_wind_from_270_finds_the_sources_to_the_west(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [3.0] * 4, [270.0] * 4)
    _stacks(
        world,
        {
            "WEST": (270.0, 2000.0),
            "EAST": (90.0, 2000.0),
            "NORTH": (0.0, 2000.0),
            "WSW": (250.0, 2000.0),
            "FAR": (270.0, 6000.0),
        },
    )

    result = _trace(conn, world, 4)
    found = _candidates(result)

    assert set(found) == {"WEST", "WSW"}
    assert found["WEST"]["rank"] == 1 and found["WEST"]["score"] == pytest.approx(1.0, abs=1e-4)
    assert found["WEST"]["hours_upwind"] == 4 and found["WEST"]["hours_total"] == 4
    assert found["WEST"]["bearing_deg"] == pytest.approx(270.0, abs=0.05)
    assert found["WEST"]["distance_m"] == pytest.approx(2000.0, abs=0.05)
    # 20° off the centre line of a 22.5° half-width: closeness 1 − 20/45
    assert found["WSW"]["score"] == pytest.approx(1 - 20 / 45, abs=1e-3)
    assert result["station"]["code"] == "MET"
    sectors = [f for f in result["features"] if f["properties"]["kind"] == "sector"]
    assert [s["properties"]["wind_from_deg"] for s in sectors] == [270.0]
    assert sectors[0]["properties"]["hour_count"] == 4


def test_sectors_wrap_across_north(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [2.0, 2.0], [350.0, 10.0])
    _stacks(
        world,
        {
            "N": (0.0, 1500.0),
            "N340": (340.0, 1500.0),
            "N025": (25.0, 1500.0),
            "N040": (40.0, 1500.0),
            "S": (180.0, 1500.0),
        },
    )

    result = _trace(conn, world, 2)
    found = _candidates(result)

    assert set(found) == {"N", "N340", "N025"}
    assert found["N"]["hours_upwind"] == 2  # 10° from both 350° and 10°
    assert found["N340"]["hours_upwind"] == 1  # 10° from 350°, 30° from 10°
    assert found["N025"]["hours_upwind"] == 1  # 35° from 350°, 15° from 10°
    assert found["N"]["rank"] == 1
    assert found["N"]["score"] == pytest.approx(1 - 10 / 45, abs=1e-4)
    sectors = [f["properties"] for f in result["features"] if f["properties"]["kind"] == "sector"]
    assert sorted(s["wind_from_deg"] for s in sectors) == [10.0, 350.0]
    assert {s["wind_direction"] for s in sectors} == {"N"}


def test_calm_hours_count_every_direction_within_1_km(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [0.2, 0.3, 4.0], [90.0, 200.0, 90.0])
    _stacks(world, {"NEAR_W": (270.0, 800.0), "FAR_W": (270.0, 1500.0), "E": (90.0, 2000.0)})

    result = _trace(conn, world, 3)
    found = _candidates(result)

    assert result["calm_hours"] == ["2024-06-01T00:00:00Z", "2024-06-01T01:00:00Z"]
    assert found["NEAR_W"]["hours_upwind"] == 2 and found["NEAR_W"]["hours_calm"] == 2
    assert found["NEAR_W"]["score"] == pytest.approx(2 * 0.5 / 3, abs=1e-4)
    assert "FAR_W" not in found
    assert found["E"]["hours_upwind"] == 1 and found["E"]["score"] == pytest.approx(1 / 3, abs=1e-4)
    calm = [f for f in result["features"] if f["properties"].get("calm")]
    assert calm[0]["properties"]["radius_m"] == 1000


def test_missing_hours_are_reported_not_invented(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    # hour 1 absent, hour 3 flagged as an instrument fault (HJ 212 flag D)
    world.wind("MET", [3.0, None, 3.0, 3.0], [270.0, None, 270.0, 90.0], flags=["N", "N", "N", "D"])
    _stacks(world, {"WEST": (270.0, 2000.0), "EAST": (90.0, 2000.0)})

    result = _trace(conn, world, 5)
    found = _candidates(result)

    assert result["missing_hours"] == [
        "2024-06-01T01:00:00Z",
        "2024-06-01T03:00:00Z",
        "2024-06-01T04:00:00Z",
    ]
    assert result["hours_total"] == 5 and result["hours_valid"] == 2
    assert found["WEST"]["hours_upwind"] == 2 and found["WEST"]["score"] == pytest.approx(
        1.0, abs=1e-4
    )
    assert "EAST" not in found  # the faulty 90° hour is not used


def test_pollutant_limits_the_candidates_and_weights_the_hours(
    world: Any, conn: Connection
) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.station("AQ", world.SITE, kind="air")
    world.wind("MET", [3.0] * 4, [270.0, 270.0, 90.0, 90.0])
    # SO₂ at the air station is high only while the wind blows from the east
    world.hourly("AQ", "a21026", [20.0, 20.0, 300.0, 320.0])
    for code, azimuth, pollutant in (
        ("W", 270.0, "a21026"),
        ("E", 90.0, "a21026"),
        ("E_NOX", 95.0, "a21002"),
    ):
        where = world.at(azimuth, 2000.0)
        world.outfall(code, world.enterprise(f"企业{code}", where), where, pollutants=[pollutant])

    result = _trace(conn, world, 4, pollutant="SO2", receptor="station:AQ")
    found = _candidates(result)

    assert set(found) == {"W", "E"}
    # hours weigh their SO₂ concentration: 20 + 20 from the west, 300 + 320 from the east
    assert found["E"]["rank"] == 1 and found["E"]["score"] == pytest.approx(620 / 660, abs=1e-4)
    assert found["W"]["score"] == pytest.approx(40 / 660, abs=1e-4)
    assert found["W"]["hours_upwind"] == 2
    assert result["weighting"]["method"] == "concentration"


def test_the_nearest_met_station_is_used_unless_one_is_named(world: Any, conn: Connection) -> None:
    world.station("NEAR", world.at(0.0, 500.0))
    world.station("FAR", world.at(0.0, 9000.0))
    world.wind("NEAR", [3.0], [270.0])
    world.wind("FAR", [3.0], [90.0])
    _stacks(world, {"W": (270.0, 1000.0), "E": (90.0, 1000.0)})

    assert set(_candidates(_trace(conn, world, 1))) == {"W"}
    assert set(_candidates(_trace(conn, world, 1, station="FAR"))) == {"E"}
    with pytest.raises(NotFoundError):
        _trace(conn, world, 1, station="NOPE")


@pytest.mark.parametrize(
    "values",
    [
        {"half_width_deg": 0},
        {"half_width_deg": 120},
        {"end": "2024-05-31T00:00:00+00:00"},
        {"start": "2024-06-01T00:00:00"},  # no time zone
        {"pollutant": "unobtainium"},
        {"receptor": "park"},
    ],
)
def test_bad_parameters(world: Any, conn: Connection, values: dict[str, Any]) -> None:
    with pytest.raises(BadParameterError):
        _trace(conn, world, 1, **values)


def test_ambient_no2_is_traced_to_stacks_monitored_for_nox(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [3.0], [270.0])
    where = world.at(270.0, 1000.0)
    world.outfall("NOX", world.enterprise("电厂", where), where, pollutants=["a21002"])

    result = _trace(conn, world, 1, pollutant="a21004")

    assert set(_candidates(result)) == {"NOX"}
    assert result["source_pollutants"] == ["a21004", "a21002"]


def test_times_are_reported_in_the_callers_time_zone(world: Any, conn: Connection) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [3.0, None], [270.0, None])

    result = _trace(conn, world, 2, start="2024-06-01T08:00:00+08:00", end="2024-06-01T10:00+08:00")

    assert result["missing_hours"] == ["2024-06-01T09:00:00+08:00"]


def test_with_a_catalogue_only_the_enterprises_listing_the_pollutant_are_candidates(
    world: Any, conn: Connection
) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [3.0], [270.0])
    # three plants to the west whose stacks all report SO₂: A lists SO₂ in the catalogue, B
    # lists only NMHC, C has no catalogue entries (its outfalls speak for it)
    listed = {"A": ["a21026"], "B": ["a24088"], "C": []}
    for distance_m, (code, parameters) in zip(
        (1000.0, 1500.0, 2000.0), listed.items(), strict=True
    ):
        where = world.at(270.0, distance_m)
        credit = world.enterprise(f"企业{code}", where)
        world.outfall(code, credit, where, pollutants=["a21026", "a24088"])
        for parameter in parameters:
            world.insert(
                "pollutant_catalogue",
                credit_code=credit,
                medium="exhaust",
                parameter=parameter,
                name=parameter,
            )

    assert set(_candidates(_trace(conn, world, 1, pollutant="a21026"))) == {"A", "C"}
    assert set(_candidates(_trace(conn, world, 1, pollutant="a24088"))) == {"B", "C"}
    assert set(_candidates(_trace(conn, world, 1))) == {"A", "B", "C"}
