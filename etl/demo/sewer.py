"""The park's drainage: a dendritic sewage network draining to the WWTP and rain networks
draining to the creeks and the side channel (Guangxi Table A.1 item 16, Table H.1 item 2).

Sewers follow the road grid, one side of the road for sewage and the other for rain. Each
network is the shortest-path tree of the road graph from its outlet(s); a road whose two ends
drain different ways is split where the distances to the outlet meet, as gravity sewers are.
Every pipe runs from its upstream to its downstream node; diameters come from the accumulated
flow (Manning, full-bore capacity at ~0.7 depth) and never shrink downstream; inverts fall along
every pipe at the design slope of its diameter. The plain is flat, so trunks end deep: the WWTP's
inlet pump station lifts the sewage.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from shapely.geometry import LineString, Point

from etl.demo.enterprises import Enterprise
from etl.demo.frame import Terrain, north_bank_v
from etl.demo.geography import CREEKS, Geography
from etl.demo.hydraulics import (
    RAIN_CATCHMENT_WIDTH_M,
    DrainageGraph,
    material,
    size_and_level,
    upstream_sets,
)

SEWAGE_SPACING_M = 30.0
RAIN_SPACING_M = 50.0
ROAD_OFFSET_M = 5.0  # sewage on the inland/downstream side of the road centre, rain opposite
MONITORING_WELLS = 4


@dataclass(frozen=True)
class SewerNode:
    code: str
    kind: str
    system: str
    u: float
    v: float
    invert_m: float


@dataclass(frozen=True)
class SewerPipe:
    code: str
    system: str
    diameter_mm: int
    material: str
    length_m: float
    from_node: str
    to_node: str


@dataclass
class Network:
    nodes: list[SewerNode]
    pipes: list[SewerPipe]
    wells: dict[int, str]  # enterprise seq → its connection well
    rain_outfalls: dict[int, str]  # enterprise seq → river outfall its frontage drains to
    wwtp_inlet: str
    monitoring_wells: list[str]
    road_length_m: float
    downstream: dict[str, str] = field(default_factory=dict)
    upstream_enterprises: dict[str, frozenset[int]] = field(default_factory=dict)

    def node(self, code: str) -> SewerNode:
        return self._by_code[code]

    def __post_init__(self) -> None:
        self._by_code = {n.code: n for n in self.nodes}
        self._length = {p.from_node: p.length_m for p in self.pipes}
        self.downstream = {p.from_node: p.to_node for p in self.pipes}

    def path_length_m(self, start: str, end: str) -> float:
        """Length along the pipes from ``start`` down to ``end``; ValueError if not downstream."""
        total, node = 0.0, start
        while node != end:
            if node not in self.downstream:
                raise ValueError(f"{end} is not downstream of {start}")
            total += self._length[node]
            node = self.downstream[node]
        return total


def _dijkstra(
    adjacent: dict[int, list[tuple[int, float]]], sources: dict[int, float]
) -> tuple[dict[int, float], dict[int, int]]:
    dist = dict(sources)
    parent: dict[int, int] = {}
    heap = [(d, n) for n, d in sorted(sources.items())]
    heapq.heapify(heap)
    done: set[int] = set()
    while heap:
        d, n = heapq.heappop(heap)
        if n in done:
            continue
        done.add(n)
        for m, length in adjacent[n]:
            if m not in done and d + length < dist.get(m, math.inf) - 1e-9:
                dist[m] = d + length
                parent[m] = n
                heapq.heappush(heap, (d + length, m))
    return dist, parent


Key = tuple[int, int]


def _road_graph(
    geo: Geography,
) -> tuple[dict[Key, tuple[float, float]], list[tuple[Key, Key, tuple[str, int]]]]:
    """Road junctions (u-road index, v-road index) inside the park and the roads between them."""
    inside = geo.park.buffer(-20.0)
    junctions = {
        (i, j): (u, v)
        for i, u in enumerate(geo.u_roads)
        for j, v in enumerate(geo.v_roads)
        if inside.contains(Point(u, v))
    }
    edges = []
    for (i, j), (u, v) in sorted(junctions.items()):
        for other, line in (((i, j + 1), ("u", i)), ((i + 1, j), ("v", j))):
            if other in junctions and inside.contains(LineString([(u, v), junctions[other]])):
                edges.append(((i, j), other, line))
    return junctions, edges


def _adjacency(
    b: DrainageGraph, pairs: list[tuple[int, int]]
) -> dict[int, list[tuple[int, float]]]:
    adjacent: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for a, c in pairs:
        length = math.dist(b.uv[a], b.uv[c])
        adjacent[a].append((c, length))
        adjacent[c].append((a, length))
    return adjacent


def _sewage(
    geo: Geography,
    enterprises: list[Enterprise],
    junctions: dict[Key, tuple[float, float]],
    edges: list[tuple[Key, Key, tuple[str, int]]],
) -> tuple[DrainageGraph, dict[int, int], int]:
    b = DrainageGraph("sewage")
    at = {key: b.add(u + ROAD_OFFSET_M, v + ROAD_OFFSET_M) for key, (u, v) in junctions.items()}
    root = at[(9, 0)]  # the junction at the WWTP's gate
    pairs = [(at[k1], at[k2]) for k1, k2, _ in edges]
    dist, parent = _dijkstra(_adjacency(b, pairs), {root: 0.0})
    if len(dist) != len(at):
        raise ValueError("the road graph is not connected")
    for k1, k2, line in edges:
        inner = b.chain(at[k1], at[k2], SEWAGE_SPACING_M, line)
        b.drain_edge(at[k1], at[k2], inner, dist, parent)
    u0, v0 = geo.u_roads[9], geo.v_roads[0]
    pump = b.add(u0 + 60.0, v0 + 45.0, "pump_station")
    inlet = b.add(u0 + 110.0, v0 + 75.0, "wwtp_inlet")
    b.pipe(root, pump, "link")
    b.pipe(pump, inlet, "force_main")
    wells: dict[int, int] = {}
    for e in enterprises:
        if e.well is None:
            continue
        well = b.add(*e.well, kind="connection_well")
        front = [n for n, lines in b.road_lines.items() if ("v", e.parcel.front) in lines]
        nearest = min(front, key=lambda n: (math.dist(b.uv[n], e.well or (0.0, 0.0)), n))
        b.pipe(well, nearest, "lateral")
        wells[e.seq] = well
    return b, wells, inlet


def _rain(
    geo: Geography,
    junctions: dict[Key, tuple[float, float]],
    edges: list[tuple[Key, Key, tuple[str, int]]],
) -> tuple[DrainageGraph, list[int]]:
    b = DrainageGraph("rain")
    at = {key: b.add(u - ROAD_OFFSET_M, v - ROAD_OFFSET_M) for key, (u, v) in junctions.items()}
    west, middle, east = CREEKS
    outfalls: list[int] = []
    links: list[tuple[int, int]] = []

    def outfall(junction: int, u: float, v: float) -> None:
        o = b.add(u, v, "river_outfall")
        outfalls.append(o)
        links.append((junction, o))

    for (i, j), node in sorted(at.items()):
        u, v = b.uv[node]
        if j == 0 and i % 2 == 0:
            outfall(node, u, float(north_bank_v(u)) + 10.0)
        if j >= 1 and i == 0:
            outfall(node, float(west.u_at(v)) + 12.0, v)
        if j >= 1 and i == len(geo.u_roads) - 1:
            outfall(node, float(east.u_at(v)) - 12.0, v)
    creek = geo.creek_lines[middle.name]
    roads = []
    for k1, k2, line in edges:
        a, c = at[k1], at[k2]
        if LineString([b.uv[a], b.uv[c]]).intersects(creek):
            v = b.uv[a][1]
            outfall(a, float(middle.u_at(v)) - 12.0, v)
            outfall(c, float(middle.u_at(v)) + 12.0, v)
        else:
            roads.append((a, c, line))
    pairs = [(a, c) for a, c, _ in roads] + links
    dist, parent = _dijkstra(_adjacency(b, pairs), dict.fromkeys(outfalls, 0.0))
    for a, c, line in roads:
        b.drain_edge(a, c, b.chain(a, c, RAIN_SPACING_M, line), dist, parent)
    for a, o in links:
        b.drain_edge(a, o, b.chain(a, o, RAIN_SPACING_M, None), dist, parent)
    return b, outfalls


def _codes(b: DrainageGraph, roots: list[int], prefix: str) -> dict[int, str]:
    """Codes numbered breadth-first from the outlets upstream, children by position."""
    children: dict[int, list[int]] = defaultdict(list)
    for a, c in b.out.items():
        children[c].append(a)
    order: list[int] = []
    queue = sorted(roots, key=lambda n: (b.uv[n], n))
    while queue:
        order.extend(queue)
        queue = [c for n in queue for c in sorted(children[n], key=lambda m: (b.uv[m], m))]
    if len(order) != len(b.uv):
        raise ValueError(f"{len(b.uv) - len(order)} {b.system} nodes do not reach an outlet")
    return {n: f"{prefix}-{k:04d}" for k, n in enumerate(order, start=1)}


def _monitoring_wells(
    b: DrainageGraph, junction_nodes: set[int], upstream: dict[int, frozenset[int]]
) -> list[int]:
    """Junction manholes on trunks, each with 8-45 enterprises upstream and none upstream of
    another, so each watches its own part of the park."""

    def path(n: int) -> set[int]:
        seen = set()
        while n in b.out:
            seen.add(n)
            n = b.out[n]
        return seen

    candidates = sorted(
        (n for n in junction_nodes if 8 <= len(upstream[n]) <= 45),
        key=lambda n: (-len(upstream[n]), n),
    )
    chosen: list[int] = []
    for n in candidates:
        if all(n not in path(c) and c not in path(n) for c in chosen):
            chosen.append(n)
        if len(chosen) == MONITORING_WELLS:
            break
    return chosen


def build_network(geo: Geography, enterprises: list[Enterprise], terrain: Terrain) -> Network:
    """The sewage and rain networks of the park."""
    junctions, edges = _road_graph(geo)
    sewage, wells, inlet = _sewage(geo, enterprises, junctions, edges)
    rain, outfalls = _rain(geo, junctions, edges)
    road_length = sum(math.dist(junctions[a], junctions[c]) for a, c, _ in edges)

    flows = dict.fromkeys(range(len(sewage.uv)), 2.0)  # domestic and infiltration, m³/d
    by_seq = {e.seq: e for e in enterprises}
    for seq, node in wells.items():
        flows[node] = by_seq[seq].wastewater_m3d
    sewage_d, sewage_z = size_and_level(sewage, flows, terrain, geo)
    areas = {
        n: math.dist(rain.uv[n], rain.uv[m]) * RAIN_CATCHMENT_WIDTH_M / 1e4
        for n, m in rain.out.items()
    }
    rain_d, rain_z = size_and_level(rain, areas, terrain, geo)

    upstream = upstream_sets(sewage, {node: seq for seq, node in wells.items()})
    junction_nodes = set(range(len(junctions)))  # the junctions were added first
    watch = _monitoring_wells(sewage, junction_nodes, upstream)
    for n in watch:
        sewage.kind[n] = "monitoring_well"

    nodes: list[SewerNode] = []
    pipes: list[SewerPipe] = []
    codes: dict[str, dict[int, str]] = {}
    for b, roots, (node_prefix, pipe_prefix), diameter, invert in (
        (sewage, [inlet], ("WS", "GX"), sewage_d, sewage_z),
        (rain, outfalls, ("YS", "YG"), rain_d, rain_z),
    ):
        code = _codes(b, roots, node_prefix)
        codes[b.system] = code
        for n in sorted(code, key=lambda m: code[m]):
            u, v = b.uv[n]
            nodes.append(SewerNode(code[n], b.kind[n], b.system, u, v, invert[n]))
        for k, n in enumerate(sorted(b.out, key=lambda m: code[m]), start=1):
            down = b.out[n]
            pipes.append(
                SewerPipe(
                    f"{pipe_prefix}-{k:04d}",
                    b.system,
                    diameter[n],
                    material(b.system, b.role.get(n), diameter[n]),
                    round(math.dist(b.uv[n], b.uv[down]), 2),
                    code[n],
                    code[down],
                )
            )

    rain_outfalls: dict[int, str] = {}
    for e in enterprises:
        front = [n for n, lines in rain.road_lines.items() if ("v", e.parcel.front) in lines]
        n = min(front, key=lambda m: (math.dist(rain.uv[m], (e.u, e.v)), m))
        while n in rain.out:
            n = rain.out[n]
        rain_outfalls[e.seq] = codes["rain"][n]
    network = Network(
        nodes=nodes,
        pipes=pipes,
        wells={seq: codes["sewage"][n] for seq, n in wells.items()},
        rain_outfalls=rain_outfalls,
        wwtp_inlet=codes["sewage"][inlet],
        monitoring_wells=[codes["sewage"][n] for n in watch],
        road_length_m=road_length,
    )
    network.upstream_enterprises = {codes["sewage"][n]: s for n, s in upstream.items()}
    return network
