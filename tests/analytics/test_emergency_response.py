"""emergency-response on a hand-drawn place: a west wind, receptors placed geodesically around
the accident, a rain and a sewage line, shelters, a depot, a team and cameras."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection

from analytics.errors import BadParameterError
from analytics.export import xlsx_bytes
from analytics.registry import get_analysis, run_analysis

SITE = "point:108.3,22.8"
PHONE, KEEPER, LEADER = "13912345678", "管库员张三", "队长李四"
STREAM, SNAPSHOT = "rtsp://10.9.9.9:554/live", "http://10.9.9.9/snap.jpg"

#: name → (azimuth from the site, distance m); the wind below blows towards 90° (east).
RECEPTORS = {
    "东村": (90.0, 2000.0),  # on the centre line
    "东北偏村": (112.0, 3000.0),  # 22° off: inside a ±22.5° sector
    "更偏村": (113.0, 3000.0),  # 23° off: outside
    "边缘村": (90.0, 4990.0),  # just inside 5 km
    "远东村": (90.0, 5010.0),  # just beyond
    "西村": (270.0, 1000.0),  # upwind
}


def _xy(world: Any, azimuth: float, distance: float) -> tuple[float, float]:
    return world.at(azimuth, distance)


@pytest.fixture
def place(world: Any) -> Any:
    world.station("MET", _xy(world, 0.0, 300.0))
    # T0: from the west at 3 m/s; T0+1h: calm
    world.wind("MET", [3.0, 0.2], [270.0, 270.0])
    for name, (azimuth, distance) in RECEPTORS.items():
        world.receptor(name, world.wkt_point(_xy(world, azimuth, distance)), population=100)
    # rain: R0 → R1 → R2 → OUT (river outfall); sewage: S1 → S2 (WWTP inlet)
    nodes = {
        "R0": ((270.0, 150.0), "manhole"),
        "R1": ((0.0, 60.0), "manhole"),
        "R2": ((0.0, 300.0), "manhole"),
        "OUT": ((0.0, 600.0), "river_outfall"),
        "S1": ((180.0, 40.0), "manhole"),
        "S2": ((180.0, 400.0), "wwtp_inlet"),
    }
    for code, ((azimuth, distance), kind) in nodes.items():
        world.insert(
            "sewer_nodes", world.wkt_point(_xy(world, azimuth, distance)), code=code, kind=kind
        )
    for code, (tail, head, system, length) in {
        "P0": ("R0", "R1", "rain", 40.0),
        "P1": ("R1", "R2", "rain", 250.0),
        "P2": ("R2", "OUT", "rain", 300.0),
        "P3": ("S1", "S2", "sewage", 360.0),
    }.items():
        line = world.wkt_line([_xy(world, *nodes[tail][0]), _xy(world, *nodes[head][0])])
        world.insert(
            "sewer_pipes",
            line,
            code=code,
            system=system,
            from_node=tail,
            to_node=head,
            length_m=length,
        )
    for code, kind, node in (
        ("GATE", "rain_gate", "OUT"),
        ("POOL", "emergency_pool", "S2"),
        ("R2V", "cutoff_valve", "R2"),
    ):
        where = _xy(world, *nodes[node][0])
        world.insert(
            "risk_control_points", world.wkt_point(where), code=code, kind=kind, sewer_node=node
        )
    # R0 is upstream of the nearest rain node: a valve there cannot stop the spill
    world.insert(
        "risk_control_points",
        world.wkt_point(_xy(world, 270.0, 150.0)),
        code="UP",
        kind="cutoff_valve",
        sewer_node="R0",
    )
    for name, (azimuth, distance), capacity in (
        ("下风避难所", (90.0, 1000.0), 500),
        ("西避难所", (270.0, 1500.0), 800),
        ("北避难所", (0.0, 2000.0), 300),
    ):
        world.insert(
            "shelters",
            world.wkt_point(_xy(world, azimuth, distance)),
            name=name,
            capacity_people=capacity,
            keeper=KEEPER,
            phone=PHONE,
        )
    for item, kind, quantity in (("吸附棉", "absorbent", 200.0), ("沙袋", "sandbag", 500.0)):
        world.insert(
            "emergency_supplies",
            world.wkt_point(_xy(world, 200.0, 700.0)),
            depot="一号库",
            owner="park",
            name=item,
            kind=kind,
            quantity=quantity,
            unit="个",
            keeper=KEEPER,
            phone=PHONE,
        )
    world.insert(
        "emergency_teams",
        world.wkt_point(_xy(world, 300.0, 900.0)),
        name="消防站",
        kind="fire_hazmat",
        people=30,
        leader=LEADER,
        phone=PHONE,
    )
    for code, (azimuth, distance) in (
        ("45010000001320000001", (45.0, 500.0)),
        ("45010000001320000002", (45.0, 1500.0)),
    ):
        world.insert(
            "cameras",
            world.wkt_point(_xy(world, azimuth, distance)),
            code=code,
            name=f"摄像机{code[-1]}",
            kind="gate",
            stream_url=STREAM,
            snapshot_url=SNAPSHOT,
        )
    return world


def _run(conn: Connection, world: Any, hours: int = 0, **values: Any) -> dict[str, Any]:
    params = {"site": SITE, "time": (world.T0 + timedelta(hours=hours, minutes=20)).isoformat()}
    return run_analysis("emergency-response", params | values, conn)


def _names(result: dict[str, Any], kind: str) -> list[str]:
    return [f["properties"]["name"] for f in result["features"] if f["properties"]["kind"] == kind]


def _codes(result: dict[str, Any], kind: str) -> list[str]:
    return [f["properties"]["code"] for f in result["features"] if f["properties"]["kind"] == kind]


def test_the_downwind_set_of_a_west_wind(place: Any, conn: Connection) -> None:
    result = _run(conn, place)
    assert result["wind"]["from_deg"] == 270.0 and result["wind"]["to_deg"] == 90.0
    assert _names(result, "receptor") == ["东村", "东北偏村", "边缘村"]
    first = next(
        f["properties"] for f in result["features"] if f["properties"]["kind"] == "receptor"
    )
    assert first["direction"] == "E" and first["distance_m"] == pytest.approx(2000.0, abs=0.5)
    assert "西村" not in result["summary_zh"] and "东村" in result["summary_zh"]
    assert "东村" in result["summary_en"]


def test_a_calm_threatens_every_direction_within_the_calm_radius(
    place: Any, conn: Connection
) -> None:
    result = _run(conn, place, hours=1)
    assert result["wind"]["calm"] is True
    assert _names(result, "receptor") == ["西村", "东村"]  # 1 km and 2 km; the rest beyond 2 km


def test_an_hour_without_wind_uses_the_latest_hour_before(place: Any, conn: Connection) -> None:
    result = _run(conn, place, hours=3)
    assert result["wind"]["hour"].startswith((place.T0 + timedelta(hours=1)).isoformat()[:13])
    assert result["wind"]["lagged"] is True


def test_control_points_on_the_spills_way_ranked_by_network_distance(
    place: Any, conn: Connection
) -> None:
    result = _run(conn, place)
    points = {
        f["properties"]["code"]: f["properties"]
        for f in result["features"]
        if f["properties"]["kind"] == "control_point"
    }
    assert _codes(result, "control_point") == ["R2V", "POOL", "GATE"]  # 250, 360, 550 m
    assert points["GATE"]["network_distance_m"] == pytest.approx(550.0)
    assert "UP" not in points
    assert "R2V" in result["summary_en"]


def test_shelters_in_the_plume_come_last(place: Any, conn: Connection) -> None:
    result = _run(conn, place)
    assert _names(result, "shelter") == ["西避难所", "北避难所", "下风避难所"]
    shelters = [f["properties"] for f in result["features"] if f["properties"]["kind"] == "shelter"]
    assert [s["downwind"] for s in shelters] == [False, False, True]
    depot = next(f["properties"] for f in result["features"] if f["properties"]["kind"] == "depot")
    assert depot["items"] == ["吸附棉（吸附材料）200个", "沙袋500个"]


def test_cameras_within_1_km(place: Any, conn: Connection) -> None:
    assert _codes(_run(conn, place), "camera") == ["45010000001320000001"]


def test_no_phone_contact_or_stream_address_in_any_output(place: Any, conn: Connection) -> None:
    result = _run(conn, place)
    text = json.dumps(result, ensure_ascii=False)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_bytes(result)))
    cells = " ".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    )
    for secret in (PHONE, KEEPER, LEADER, STREAM, SNAPSHOT, "rtsp://"):
        assert secret not in text and secret not in cells, secret
    keys = {key for f in result["features"] for key in f["properties"]}
    assert not keys & {"phone", "keeper", "leader", "stream_url", "snapshot_url"}


def test_the_chemical_is_looked_up_in_gb18218(place: Any, conn: Connection) -> None:
    chlorine = _run(conn, place, chemical="7782-50-5")["chemical"]
    assert chlorine["in_gb18218"] and chlorine["threshold_t"] == 5.0
    acid = _run(conn, place, chemical="硫酸")["chemical"]
    assert acid["in_gb18218"] is False and "Table 1" in acid["note"]


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"chemical": "67-56-2"}, "expected 1"),  # methanol's check digit is 1
        ({"time": "2024-06-01T00:20:00"}, "time"),  # no time zone
        ({"radius_m": 0}, "radius_m"),
        ({"nearest": 50}, "nearest"),
        ({"site": "nowhere"}, "site"),
    ],
)
def test_bad_parameters_are_400s(
    place: Any, conn: Connection, values: dict[str, Any], says: str
) -> None:
    params = {"site": SITE, "time": place.T0.isoformat()} | values
    with pytest.raises(BadParameterError) as info:
        get_analysis("emergency-response").validate(params)
    assert says in str(info.value)
