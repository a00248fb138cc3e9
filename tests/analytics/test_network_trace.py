"""network-trace on a small hand-drawn sewer (with a loop and a detached piece) and river."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection

from analytics.errors import BadParameterError, NotFoundError
from analytics.registry import run_analysis

#: node → (east m, north m) from the site; pipe → (from, to, length m)
NODES = {
    "A": (0, 0),
    "B": (100, 0),
    "C": (200, 0),
    "D": (300, 0),
    "E": (100, 50),
    "F": (200, -300),
    "G": (200, 100),
    "H": (200, 60),
    "X": (0, 500),
    "Y": (100, 500),
    "Z": (0, 800),
    "W": (100, 800),
}
PIPES = {
    "AB": ("A", "B", 100),
    "BC": ("B", "C", 100),
    "CD": ("C", "D", 100),
    "EB": ("E", "B", 50),
    "FC": ("F", "C", 300),
    "GH": ("G", "H", 40),
    "HG": ("H", "G", 40),
    "HC": ("H", "C", 60),
    "XY": ("X", "Y", 100),
    "ZW": ("Z", "W", 100),
}
#: enterprise → the node its connection-well outfall joins
WELLS = {"甲": "A", "乙": "E", "丙": "F", "丁": "G", "戊": "X"}


def _xy(world: Any, east: float, north: float) -> tuple[float, float]:
    return world.at(0.0, north, world.at(90.0, east))


@pytest.fixture
def sewer(world: Any) -> dict[str, str]:
    kinds = {"D": "wwtp_inlet", **{node: "connection_well" for node in WELLS.values()}}
    for code, (east, north) in NODES.items():
        world.insert(
            "sewer_nodes",
            world.wkt_point(_xy(world, east, north)),
            code=code,
            kind=kinds.get(code, "manhole"),
        )
    for code, (tail, head, length) in PIPES.items():
        line = world.wkt_line([_xy(world, *NODES[tail]), _xy(world, *NODES[head])])
        world.insert(
            "sewer_pipes",
            line,
            code=code,
            system="rain" if code == "ZW" else "sewage",
            from_node=tail,
            to_node=head,
            length_m=length,
        )
    credits = {}
    for name, node in WELLS.items():
        where = _xy(world, *NODES[node])
        credits[name] = world.enterprise(name, where)
        world.outfall(
            f"WS-{name}",
            credits[name],
            where,
            kind="wastewater",
            pollutants=["w01018"],
            sewer_node=node,
        )
    return credits


def _trace(conn: Connection, **values: Any) -> dict[str, Any]:
    return run_analysis("network-trace", values, conn)


def _kind(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f["properties"] for f in result["features"] if f["properties"]["kind"] == kind]


def test_upstream_from_a_manhole_finds_the_enterprises_behind_it(
    conn: Connection, sewer: dict[str, str]
) -> None:
    result = _trace(conn, network="sewer", start="node:C", direction="upstream")

    nodes = {n["code"]: n["distance_m"] for n in _kind(result, "node")}
    assert nodes == {"C": 0, "H": 60, "B": 100, "G": 100, "E": 150, "A": 200, "F": 300}
    pipes = {p["code"]: p["distance_m"] for p in _kind(result, "pipe")}
    assert pipes == {"BC": 0, "FC": 0, "HC": 0, "GH": 60, "AB": 100, "EB": 100, "HG": 100}
    enterprises = [
        (e["rank"], e["enterprise_name"], e["distance_m"]) for e in _kind(result, "enterprise")
    ]
    assert enterprises == [(1, "丁", 100), (2, "乙", 150), (3, "甲", 200), (4, "丙", 300)]
    outfalls = _kind(result, "outfall")
    assert [o["outfall_code"] for o in outfalls] == ["WS-丁", "WS-乙", "WS-甲", "WS-丙"]
    assert outfalls[0]["sewer_node"] == "G" and outfalls[0]["credit_code"] == sewer["丁"]


def test_loops_do_not_hang_and_detached_pieces_are_reported(
    conn: Connection, sewer: dict[str, str]
) -> None:
    summary = _trace(conn, network="sewer", start="node:D")["network_summary"]

    assert summary["disconnected_pieces"] == 1
    assert summary["disconnected_vertices"] == 2
    assert summary["largest_disconnected"] == [{"vertices": 2, "sample": "X"}]
    assert summary["other_system_pieces"] == 1  # the rain pipe Z→W, separate by design
    assert summary["loops"]["count"] == 1 and summary["loops"]["in_trace"] is True
    assert summary["loops"]["samples"][0] in {"G", "H"}
    assert "piece" in summary["message"]


def test_the_distance_limit_cuts_the_trace(conn: Connection, sewer: dict[str, str]) -> None:
    result = _trace(conn, network="sewer", start="C", max_distance_m=160)

    assert {n["code"] for n in _kind(result, "node")} == {"C", "H", "B", "G", "E"}
    assert [e["enterprise_name"] for e in _kind(result, "enterprise")] == ["丁", "乙"]


def test_downstream_from_a_connection_well(conn: Connection, sewer: dict[str, str]) -> None:
    result = _trace(conn, network="sewer", start="node:A", direction="downstream")

    nodes = {n["code"]: (n["distance_m"], n["node_kind"]) for n in _kind(result, "node")}
    assert nodes == {
        "A": (0, "connection_well"),
        "B": (100, "manhole"),
        "C": (200, "manhole"),
        "D": (300, "wwtp_inlet"),
    }
    assert {p["code"] for p in _kind(result, "pipe")} == {"AB", "BC", "CD"}
    assert _kind(result, "enterprise") == []


def test_a_point_is_snapped_to_the_nearest_node(
    world: Any, conn: Connection, sewer: dict[str, str]
) -> None:
    lon, lat = world.at(180.0, 20.0, _xy(world, *NODES["E"]))

    result = _trace(conn, network="sewer", start=f"point:{lon},{lat}")

    assert result["start"]["code"] == "E"
    assert result["start"]["snap_distance_m"] == pytest.approx(20.0, abs=0.1)
    with pytest.raises(NotFoundError):
        _trace(conn, network="sewer", start=f"point:{lon},{lat}", snap_max_m=10)


@pytest.fixture
def river(world: Any) -> None:
    """R1 (1 km) → R2 (2 km) → R3 (3 km) eastwards; T1 (1.5 km) from the north into R2."""
    origin = world.at(180.0, 2000.0)

    def east(m: float, north: float = 0.0) -> tuple[float, float]:
        return (
            world.at(0.0, north, world.at(90.0, m, origin)) if north else world.at(90.0, m, origin)
        )

    reaches = {
        "R1": ([east(0), east(1000)], 0.5),
        "R2": ([east(1000), east(3000)], 0.5),
        "R3": ([east(3000), east(6000)], 1.0),
        "T1": ([east(1000, 1500), east(1000)], None),
        "R9": ([east(0, -3000), east(500, -3000)], 0.3),
    }
    for code, (points, velocity) in reaches.items():
        world.insert(
            "rivers",
            world.wkt_line(points),
            name=f"河{code}",
            reach_code=code,
            velocity_ms=velocity,
        )
    world.receptor("取水口甲", world.wkt_point(east(4000, 50)), category="water_intake")
    world.receptor("取水口乙", world.wkt_point(east(5800, 50)), category="water_intake")
    zone = [east(5000, 100), east(5500, 100), east(5500, -100), east(5000, -100)]
    world.insert(
        "zones",
        "MULTIPOLYGON(((" + ", ".join(f"{x!r} {y!r}" for x, y in [*zone, zone[0]]) + ")))",
        kind="water_source_protection",
        name="二级保护区",
        level="level2",
    )
    for code, reach, at_m, point in (
        ("O-R1", "R1", 300, east(300)),
        ("O-T1", "T1", 1000, east(1000, 500)),
        ("O-R3a", "R3", 100, east(3100)),
        ("O-R3b", "R3", 800, east(3800)),
    ):
        credit = world.enterprise(f"企业{code}", point)
        world.outfall(code, credit, point, kind="wastewater", river_reach=reach)
        del at_m


def test_river_downstream_reaches_intakes_and_zones_with_arrival_times(
    conn: Connection, river: None
) -> None:
    result = _trace(
        conn,
        network="river",
        start="reach:R1",
        start_offset_m=200,
        direction="downstream",
        release_time="2024-06-01T00:00:00Z",
    )

    reaches = {
        r["code"]: (r["distance_m"], r["travel_time_s"], r["partial"])
        for r in _kind(result, "reach")
    }
    assert reaches == {"R1": (0, 0, False), "R2": (800, 1600, False), "R3": (2800, 5600, True)}
    receptors = {r["name"]: r for r in _kind(result, "receptor")}
    assert set(receptors) == {"取水口甲", "二级保护区"}
    intake = receptors["取水口甲"]
    assert intake["distance_m"] == pytest.approx(3800, abs=2)
    assert intake["travel_time_s"] == pytest.approx(6600, abs=2)
    assert intake["arrival_time"].startswith("2024-06-01T01:50")
    zone = receptors["二级保护区"]
    assert zone["distance_m"] == pytest.approx(4800, abs=2)
    assert zone["category"] == "water_source_protection" and zone["level"] == "level2"


def test_river_upstream_ranks_the_outfalls(conn: Connection, river: None) -> None:
    result = _trace(conn, network="river", start="reach:R3", start_offset_m=500)

    outfalls = [
        (o["outfall_code"], o["distance_m"], o["travel_time_s"]) for o in _kind(result, "outfall")
    ]
    assert [o[0] for o in outfalls] == ["O-R3a", "O-T1", "O-R1"]
    assert outfalls[0][1] == pytest.approx(400, abs=2) and outfalls[0][2] == pytest.approx(
        400, abs=2
    )
    # T1 joins at R2's upstream end (500 + 2,000 m up), the outfall 500 m further up T1
    assert outfalls[1][1] == pytest.approx(3000, abs=2) and outfalls[1][2] is None  # no velocity
    assert outfalls[2][1] == pytest.approx(3200, abs=2) and outfalls[2][2] == pytest.approx(
        5900, abs=2
    )
    summary = result["network_summary"]
    assert summary["element"] == "reach" and summary["largest_disconnected"][0]["sample"] == "R9"


def test_a_point_snaps_to_the_nearest_reach(world: Any, conn: Connection, river: None) -> None:
    on_r2 = world.at(90.0, 1500.0, world.at(180.0, 2000.0))
    lon, lat = world.at(180.0, 30.0, on_r2)

    start = _trace(conn, network="river", start=f"point:{lon},{lat}")["start"]

    assert start["code"] == "R2"
    assert start["offset_m"] == pytest.approx(500.0, abs=1.0)
    assert start["snap_distance_m"] == pytest.approx(30.0, abs=0.5)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"network": "sewer", "start": "reach:R1"}, BadParameterError),
        ({"network": "lake", "start": "node:A"}, BadParameterError),
        ({"network": "sewer", "start": "node:A", "direction": "sideways"}, BadParameterError),
        ({"network": "sewer", "start": "node:A", "max_distance_m": -5}, BadParameterError),
        ({"network": "sewer", "start": "node:NOPE"}, NotFoundError),
        ({"network": "river", "start": "reach:R1", "start_offset_m": 5000}, BadParameterError),
    ],
)
def test_bad_starts(
    conn: Connection, sewer: dict[str, str], river: None, values: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        _trace(conn, **values)


def test_a_head_of_line_node_has_nothing_upstream(conn: Connection, sewer: dict[str, str]) -> None:
    result = _trace(conn, network="sewer", start="node:A")

    assert _kind(result, "pipe") == []
    assert [n["code"] for n in _kind(result, "node")] == ["A"]
    assert [e["enterprise_name"] for e in _kind(result, "enterprise")] == ["甲"]


def test_the_cached_graph_follows_changes_to_the_network(
    world: Any, conn: Connection, sewer: dict[str, str]
) -> None:
    assert {n["code"] for n in _kind(_trace(conn, network="sewer", start="node:D"), "node")} == {
        "A", "B", "C", "D", "E", "F", "G", "H"
    }  # fmt: skip
    # join the detached piece X→Y to A, and add a new node V feeding D
    world.insert("sewer_pipes", world.wkt_line([_xy(world, 100, 500), _xy(world, 0, 0)]),
                 code="YA", system="sewage", from_node="Y", to_node="A", length_m=500)  # fmt: skip
    world.insert("sewer_nodes", world.wkt_point(_xy(world, 400, 0)), code="V", kind="manhole")
    world.insert("sewer_pipes", world.wkt_line([_xy(world, 400, 0), _xy(world, 300, 0)]),
                 code="VD", system="sewage", from_node="V", to_node="D", length_m=100)  # fmt: skip

    result = _trace(conn, network="sewer", start="node:D")

    assert {"X", "Y", "V"} <= {n["code"] for n in _kind(result, "node")}
    assert "戊" in {e["enterprise_name"] for e in _kind(result, "enterprise")}
    # a node with no pipe at all is still a valid start
    world.insert("sewer_nodes", world.wkt_point(_xy(world, 900, 900)), code="LONE", kind="manhole")
    assert [n["code"] for n in _kind(_trace(conn, network="sewer", start="LONE"), "node")] == [
        "LONE"
    ]


def test_an_update_in_the_same_transaction_is_seen(
    world: Any, conn: Connection, sewer: dict[str, str]
) -> None:
    from sqlalchemy import text

    before = {n["code"] for n in _kind(_trace(conn, network="sewer", start="node:C"), "node")}
    conn.execute(text("UPDATE sewer_pipes SET to_node = 'D' WHERE code = 'FC'"))
    after = {n["code"] for n in _kind(_trace(conn, network="sewer", start="node:C"), "node")}

    assert "F" in before and "F" not in after


def test_upstream_discharge_times_from_the_observed_time(conn: Connection, river: None) -> None:
    result = _trace(conn, network="river", start="reach:R3", start_offset_m=500,
                    observed_time="2024-06-01T10:00:00+08:00")  # fmt: skip

    by_code = {o["outfall_code"]: o for o in _kind(result, "outfall")}
    assert by_code["O-R3a"]["discharge_time"] == "2024-06-01T09:53:20+08:00"  # 400 s before
    assert by_code["O-T1"]["discharge_time"] is None  # T1 has no velocity
    with pytest.raises(BadParameterError):
        _trace(conn, network="river", start="reach:R3", release_time="2024-06-01T10:00:00Z")


def test_a_change_committed_elsewhere_is_seen(engine: Any) -> None:
    from sqlalchemy import text

    def execute(sql: str) -> None:
        with engine.begin() as other:
            other.execute(text(sql))

    execute(
        "INSERT INTO sewer_nodes (code, kind, geom) SELECT c, 'manhole', "
        "ST_SetSRID(ST_MakePoint(108.3 + x, 22.8), 4326) FROM (VALUES ('P', 0.0), ('Q', 0.001), "
        "('R', 0.002), ('S', 0.003)) v(c, x)"
    )
    execute(
        "INSERT INTO sewer_pipes (code, system, from_node, to_node, length_m, geom) VALUES "
        "('PQ', 'sewage', 'P', 'Q', 100, 'SRID=4326;LINESTRING(108.3 22.8, 108.301 22.8)'), "
        "('RS', 'sewage', 'R', 'S', 100, 'SRID=4326;LINESTRING(108.302 22.8, 108.303 22.8)')"
    )

    def upstream_of_q() -> set[str]:
        result = run_analysis("network-trace", {"network": "sewer", "start": "Q"}, engine)
        return {n["code"] for n in _kind(result, "node")}

    assert upstream_of_q() == {"P", "Q"}
    execute("UPDATE sewer_pipes SET to_node = 'Q' WHERE code = 'RS'")
    assert upstream_of_q() == {"P", "Q", "R"}
    execute("DELETE FROM sewer_pipes WHERE code = 'PQ'")
    assert upstream_of_q() == {"Q", "R"}
