"""Drainage graphs and their hydraulics: each node drains into at most one other; diameters
from the accumulated flow (Manning, full-bore capacity at ~0.7 depth), never shrinking
downstream; inverts falling along every pipe at the design slope of its diameter.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from shapely.geometry import Point

from etl.demo.frame import Terrain
from etl.demo.geography import Geography

MANNING_N = 0.013
PEAK_FACTOR = 1.6  # industrial sewage design peak
RAIN_INTENSITY_LSHA = 150.0  # design storm q, L/(s·ha)
RUNOFF_COEFFICIENT = 0.55
RAIN_CATCHMENT_WIDTH_M = 80.0  # land drained per metre of road
DIAMETERS_MM = (200, 300, 400, 500, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000)
#: Design slope per diameter: GB 50014-2021's minimum of 0.002 for a d300 plastic sewer, then
#: the usual ~0.6/D (D in m) of flat plains for larger pipes.
MIN_SLOPE = {
    200: 0.004,
    300: 0.002,
    400: 0.0015,
    500: 0.0012,
    600: 0.001,
    800: 0.0008,
    1000: 0.0006,
    1200: 0.0005,
    1400: 0.0004,
    1600: 0.0004,
    1800: 0.0003,
    2000: 0.0003,
}
COVER_M = {"connection_well": 1.2, "sewage": 1.6, "rain": 1.2}


class DrainageGraph:
    """Nodes and pipes of one system, by index, before they get codes."""

    def __init__(self, system: str) -> None:
        self.system = system
        self.uv: list[tuple[float, float]] = []
        self.kind: list[str] = []
        self.out: dict[int, int] = {}  # node → its downstream node
        self.role: dict[int, str] = {}  # node → "street", "lateral", "link" or "force_main"
        self.road_lines: dict[int, set[tuple[str, int]]] = defaultdict(set)

    def add(self, u: float, v: float, kind: str = "manhole") -> int:
        self.uv.append((float(u), float(v)))
        self.kind.append(kind)
        return len(self.uv) - 1

    def pipe(self, a: int, b: int, role: str = "street") -> None:
        if a in self.out:
            raise ValueError(f"node {a} already drains to {self.out[a]}")
        self.out[a] = b
        self.role[a] = role

    def chain(self, a: int, b: int, spacing: float, line: tuple[str, int] | None) -> list[int]:
        """Interior manholes between nodes ``a`` and ``b`` (not connected yet)."""
        (ua, va), (ub, vb) = self.uv[a], self.uv[b]
        n = max(2, math.ceil(math.hypot(ub - ua, vb - va) / spacing))
        inner = [self.add(ua + (ub - ua) * k / n, va + (vb - va) * k / n) for k in range(1, n)]
        if line:
            for i in (a, b, *inner):
                self.road_lines[i].add(line)
        return inner

    def drain_edge(
        self, a: int, b: int, inner: list[int], dist: dict[int, float], parent: dict[int, int]
    ) -> None:
        """Connect an edge's manholes towards whichever end is nearer the outlet: all of them
        along a tree edge, split where the two distances meet along any other edge."""
        seq = [a, *inner, b]
        n = len(seq) - 1
        if parent.get(b) == a:
            self.pipe(b, seq[n - 1])
            split = n - 1
        elif parent.get(a) == b:
            self.pipe(a, seq[1])
            split = 0
        else:
            length = math.dist(self.uv[a], self.uv[b])
            x = (length + dist[b] - dist[a]) / 2.0
            split = int(np.clip(round(x / length * n), 0, n - 1))
        for k in range(1, n):
            self.pipe(seq[k], seq[k - 1] if k <= split else seq[k + 1])


def full_capacity_m3s(diameter_mm: int) -> float:
    """Manning full-bore capacity at the diameter's minimum slope: Q = A·R^(2/3)·S^(1/2)/n."""
    d = diameter_mm / 1000.0
    area = math.pi * d * d / 4.0
    return float(area * (d / 4.0) ** (2.0 / 3.0) * math.sqrt(MIN_SLOPE[diameter_mm]) / MANNING_N)


def upstream_first(b: DrainageGraph) -> list[int]:
    """Nodes ordered so that every node comes after all nodes draining into it."""
    depth: dict[int, int] = {}
    for start in range(len(b.uv)):
        path = []
        node = start
        while node not in depth and node in b.out:
            path.append(node)
            node = b.out[node]
        base = depth.setdefault(node, 0)
        for k, n in enumerate(reversed(path), start=1):
            depth[n] = base + k
    return sorted(range(len(b.uv)), key=lambda n: (-depth[n], n))


def size_and_level(
    b: DrainageGraph, inflow: dict[int, float], terrain: Terrain, geo: Geography
) -> tuple[dict[int, int], dict[int, float]]:
    """Diameter of each node's outgoing pipe and the invert of each node."""
    order = upstream_first(b)
    accumulated: defaultdict[int, float] = defaultdict(float)
    diameter: dict[int, int] = {}
    largest_in: dict[int, int] = defaultdict(int)
    uv = np.asarray(b.uv)
    in_park = [geo.park.contains(Point(u, v)) for u, v in b.uv]
    ground = terrain.surface(uv[:, 0], uv[:, 1], in_park)
    invert: dict[int, float] = {}
    lowest_in: dict[int, float] = {}
    for n in order:
        accumulated[n] += inflow.get(n, 0.0)
        role = b.role.get(n)
        cover = COVER_M["connection_well"] if b.kind[n] == "connection_well" else COVER_M[b.system]
        level = ground[n] - cover
        if n in lowest_in:
            level = min(level, lowest_in[n])
        invert[n] = round(float(level), 3)
        if n not in b.out:
            continue
        if b.system == "sewage":
            flow_m3s = accumulated[n] * PEAK_FACTOR / 86400.0
            smallest = 200 if role == "lateral" else 300
        else:
            flow_m3s = accumulated[n] * RUNOFF_COEFFICIENT * RAIN_INTENSITY_LSHA / 1000.0
            smallest = 400
        size = next(
            (d for d in DIAMETERS_MM if d >= smallest and 0.8 * full_capacity_m3s(d) >= flow_m3s),
            DIAMETERS_MM[-1],
        )
        size = max(size, largest_in[n])
        diameter[n] = size
        down = b.out[n]
        accumulated[down] += accumulated[n]
        largest_in[down] = max(largest_in[down], size)
        length = math.dist(b.uv[n], b.uv[down])
        fall = max(MIN_SLOPE[size] * length, 0.002)
        lowest_in[down] = min(lowest_in.get(down, math.inf), invert[n] - fall)
    return diameter, invert


def material(system: str, role: str | None, diameter_mm: int) -> str:
    if role == "force_main":
        return "球墨铸铁管"
    if role == "lateral":
        return "PE管"
    return "HDPE双壁波纹管" if diameter_mm <= 600 else "钢筋混凝土管"


def upstream_sets(b: DrainageGraph, sources: dict[int, int]) -> dict[int, frozenset[int]]:
    """For each node, the enterprises (by seq) whose connection wells drain through it."""
    sets: dict[int, set[int]] = defaultdict(set)
    for n in upstream_first(b):
        if n in sources:
            sets[n].add(sources[n])
        if n in b.out:
            sets[b.out[n]] |= sets[n]
    return {n: frozenset(sets[n]) for n in range(len(b.uv))}
