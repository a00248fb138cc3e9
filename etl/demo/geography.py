"""The park's outline, its rivers, its road grid and the zones in and around it.

All shapes are built in the riverside frame of :mod:`etl.demo.frame` (metres). The park lies on
the Yangtze's north bank between two tidal creeks (三圩港 to the west, 六圩港 to the east), a third
(中心河) crossing it; the creeks flow south-west into a side channel (新滩夹江) that the island
新滩洲 separates from the main channel. The drinking-water intake is 5 km upstream.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from etl.demo.frame import (
    ISLAND_MID_V_M,
    ISLAND_U_M,
    REJOIN_U_M,
    SPLIT_U_M,
    island_half_thickness,
    main_channel_v,
    north_bank_v,
    side_channel_v,
)

PARK_SETBACK_FROM_BANK_M = 160.0
PARK_SETBACK_FROM_CREEK_M = 40.0
CONTROL_BELT_M = 500.0  # industrial control belt around a chemical park (Jiangsu practice)
INTAKE_UV = (-8000.0, -120.0)

U_ROADS = (-2430, -2000, -1580, -1160, -740, -320, 380, 800, 1220, 1640, 2060, 2470)
U_ROAD_NAMES = (*(f"经{n}路" for n in "一二三四五六七八九十"), "经十一路", "经十二路")
V_ROADS = (330, 830, 1330, 1830, 2330, 2830)
V_ROAD_NAMES = ("沿江大道", "港城路", "化工大道", "滨江路", "兴业路", "北环路")


@dataclass(frozen=True)
class Creek:
    """A tributary flowing from inland (large v) to the side channel: u(v) = u0 + A·sin(v/λ+φ)."""

    name: str
    code: str
    u0: float
    amplitude: float
    wavelength: float
    phase: float
    target_class: str
    velocity_ms: float

    def u_at(self, v: np.ndarray | float) -> np.ndarray:
        vv = np.asarray(v, dtype=float)
        return np.asarray(
            self.u0
            + self.amplitude * (np.sin(vv / self.wavelength + self.phase) - math.sin(self.phase)),
            dtype=float,
        )


CREEKS = (
    Creek("三圩港", "SWG", -2620.0, 45.0, 800.0, 0.3, "III", 0.18),
    Creek("中心河", "ZXH", 90.0, 55.0, 950.0, 1.1, "III", 0.22),
    Creek("六圩港", "LWG", 2660.0, 40.0, 700.0, 2.0, "III", 0.17),
)
CREEK_SOURCE_V = 9000.0
CREEK_SPLITS_V = (3400.0, 600.0)  # reach boundaries: leaving the park's north, nearing the bank
BRANCH_JOIN_V = 5000.0  # where 东横河 joins 中心河


@dataclass(frozen=True)
class Reach:
    code: str
    name: str
    target_class: str
    velocity_ms: float
    line: LineString


@dataclass(frozen=True)
class Zone:
    kind: str
    name: str
    level: str | None
    note: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class Geography:
    park: Polygon
    reaches: tuple[Reach, ...]
    creek_lines: dict[str, LineString]
    zones: tuple[Zone, ...]
    functional: tuple[Zone, ...]
    island: Polygon
    u_roads: tuple[float, ...]
    v_roads: tuple[float, ...]

    def reach_for(self, u: float, v: float) -> str:
        """The code of the reach nearest a point (where an outfall there discharges)."""
        point = Point(u, v)
        return min(self.reaches, key=lambda r: (r.line.distance(point), r.code)).code

    def functional_zone(self, u: float, v: float) -> str:
        point = Point(u, v)
        for zone in self.functional:
            if zone.geometry.covers(point):
                return zone.name
        return min(self.functional, key=lambda z: z.geometry.distance(point)).name


def _split(points: list[tuple[float, float]], at: list[int]) -> list[LineString]:
    """Lines between consecutive split indices (each shares its end vertex with the next)."""
    bounds = [0, *at, len(points) - 1]
    return [LineString(points[a : b + 1]) for a, b in itertools.pairwise(bounds)]


def _rivers() -> tuple[tuple[Reach, ...], dict[str, LineString]]:
    reaches: list[Reach] = []
    lines: dict[str, LineString] = {}
    confluences: dict[str, tuple[float, float]] = {}
    creek_points: dict[str, list[tuple[float, float]]] = {}
    for creek in CREEKS:
        vs = np.arange(CREEK_SOURCE_V, -1.0, -100.0)
        us = creek.u_at(vs)
        points = [(float(u), float(v)) for u, v in zip(us, vs, strict=True)]
        mouth = (creek.u0, float(side_channel_v(creek.u0)))
        points.append(mouth)
        confluences[creek.name] = mouth
        creek_points[creek.name] = points
        lines[creek.name] = LineString(points)

    # side channel 新滩夹江, split where each creek joins it
    side_us: list[float] = sorted(
        {*np.arange(SPLIT_U_M, REJOIN_U_M + 1.0, 100.0).tolist(), *(c.u0 for c in CREEKS)}
    )
    side = [(float(u), float(side_channel_v(u))) for u in side_us]
    cuts = [side_us.index(c.u0) for c in CREEKS]
    for i, line in enumerate(_split(side, cuts)):
        reaches.append(Reach(f"XTJ-{i + 1:02d}", "新滩夹江", "II", (0.55, 0.5, 0.45, 0.5)[i], line))
    lines["新滩夹江"] = LineString(side)

    # main channel 长江: leaves its side channel at SPLIT_U_M and takes it back at REJOIN_U_M
    main_us: list[float] = np.arange(-14000.0, 14001.0, 200.0).tolist()
    main = [(float(u), float(main_channel_v(u))) for u in main_us]
    for i, line in enumerate(_split(main, [main_us.index(SPLIT_U_M), main_us.index(REJOIN_U_M)])):
        reaches.append(Reach(f"CJ-{i + 1:02d}", "长江", "II", (1.1, 1.0, 1.1)[i], line))
    lines["长江"] = LineString(main)

    for creek in CREEKS:
        points = creek_points[creek.name]
        vs_list = [p[1] for p in points]
        cuts = [vs_list.index(v) for v in CREEK_SPLITS_V]
        if creek.code == "ZXH":
            cuts = sorted([*cuts, vs_list.index(BRANCH_JOIN_V)])
        for i, line in enumerate(_split(points, cuts)):
            reaches.append(
                Reach(
                    f"{creek.code}-{i + 1:02d}",
                    creek.name,
                    creek.target_class,
                    round(creek.velocity_ms * (0.8 + 0.1 * i), 2),
                    line,
                )
            )

    # 东横河 joins 中心河 from the north-east
    zxh = CREEKS[1]
    join = (float(zxh.u_at(BRANCH_JOIN_V)), BRANCH_JOIN_V)
    start = (join[0] + 1650.0, BRANCH_JOIN_V + 2100.0)
    branch: list[tuple[float, float]] = []
    for t in np.linspace(0.0, 1.0, 31).tolist():
        bend = 120.0 * math.sin(math.pi * t)
        branch.append(
            (
                start[0] + (join[0] - start[0]) * t + bend * 0.79,
                start[1] + (join[1] - start[1]) * t - bend * 0.62,
            )
        )
    branch[-1] = join
    for i, line in enumerate(_split(branch, [15])):
        reaches.append(Reach(f"DHH-{i + 1:02d}", "东横河", "IV", (0.12, 0.15)[i], line))
    lines["东横河"] = LineString(branch)
    return tuple(reaches), lines


def _park_outline() -> Polygon:
    west, _, east = CREEKS
    us = np.arange(-6000.0, 6001.0, 50.0)
    south = Polygon(
        [
            *zip(us, north_bank_v(us) + PARK_SETBACK_FROM_BANK_M, strict=True),
            (6000, 6000),
            (-6000, 6000),
        ]
    )
    vs = np.arange(-1000.0, 6001.0, 50.0)
    west_side = Polygon(
        [
            *zip(west.u_at(vs) + PARK_SETBACK_FROM_CREEK_M, vs, strict=True),
            (6000, 6000),
            (6000, -1000),
        ]
    )
    east_side = Polygon(
        [
            *zip(east.u_at(vs) - PARK_SETBACK_FROM_CREEK_M, vs, strict=True),
            (-6000, 6000),
            (-6000, -1000),
        ]
    )
    top = Polygon(
        [
            (-6000, -2000),
            (6000, -2000),
            (6000, 3100),
            (1300, 3100),
            (1300, 2900),
            (-500, 2900),
            (-500, 3250),
            (-6000, 3250),
        ]
    )
    park = south.intersection(west_side).intersection(east_side).intersection(top)
    assert isinstance(park, Polygon)
    return shapely.normalize(park.simplify(0.5))


def _island() -> Polygon:
    us = np.linspace(ISLAND_U_M[0], ISLAND_U_M[1], 241)
    half = island_half_thickness(us)
    top = list(zip(us, ISLAND_MID_V_M + half, strict=True))
    bottom = list(zip(us[::-1], ISLAND_MID_V_M - half[::-1], strict=True))
    return Polygon(top + bottom[1:-1]).buffer(0)


def _bank_band(u0: float, u1: float, lo: float, hi: float) -> Polygon:
    """Between ``lo`` and ``hi`` metres from the north bank (negative: out in the river)."""
    us = np.linspace(u0, u1, max(int((u1 - u0) / 100.0) + 1, 2))
    bank = north_bank_v(us)
    near = list(zip(us, bank + lo, strict=True))
    far = list(zip(us[::-1], bank[::-1] + hi, strict=True))
    return Polygon(near + far)


def _protection_zones() -> list[Zone]:
    """Drinking-water source protection zones of a river intake, after HJ 338-2018 §6.2:
    level 1 ≥ 1000 m upstream and ≥ 100 m downstream of the intake, land ≥ 50 m deep; level 2
    ≥ 2000 m further upstream and ≥ 200 m further downstream, land ≥ 1000 m deep; a quasi zone
    upstream of level 2."""
    u, _ = INTAKE_UV
    level1 = _bank_band(u - 1000.0, u + 100.0, -420.0, 50.0)
    outer = _bank_band(u - 3000.0, u + 300.0, -900.0, 1000.0)
    level2 = outer.difference(level1)
    quasi = _bank_band(u - 5000.0, u - 3000.0, -900.0, 200.0)
    note = "滨江水厂长江取水口（示例数据，按HJ 338-2018划分示意）"
    return [
        Zone("water_source_protection", "滨江水厂饮用水水源一级保护区", "level1", note, level1),
        Zone("water_source_protection", "滨江水厂饮用水水源二级保护区", "level2", note, level2),
        Zone("water_source_protection", "滨江水厂饮用水水源准保护区", "quasi", note, quasi),
    ]


def _functional(
    park: Polygon, u_roads: tuple[float, ...], v_roads: tuple[float, ...]
) -> tuple[Zone, ...]:
    """Five functional zones cut along road centre lines."""
    cut_w, cut_e, cut_v = u_roads[4], u_roads[8], v_roads[2]
    big = 20000.0
    parts = (
        ("精细化工片区", "有机化学原料、农药及专用化学品", box(-big, -big, cut_w, big)),
        ("医药及中间体片区", "化学原料药、制剂及医药中间体", box(cut_w, cut_v, cut_e, big)),
        ("港口物流片区", "化工码头、危险化学品仓储及浆纸", box(cut_w, -big, cut_e, cut_v)),
        ("化工新材料片区", "合成树脂、合成橡胶、塑料制品及金属加工", box(cut_e, cut_v, big, big)),
        ("公用工程片区", "污水处理厂、热电联产及危险废物处置", box(cut_e, -big, big, cut_v)),
    )
    zones = []
    for name, note, cutter in parts:
        piece = park.intersection(cutter)
        zones.append(Zone("functional", name, None, f"主导产业：{note}", piece))
    return tuple(zones)


def build_geography(rng: np.random.Generator) -> Geography:
    """The park, rivers, roads and zones; road positions are jittered by ``rng``."""
    reaches, creek_lines = _rivers()
    park = _park_outline()
    u_roads = tuple(float(u + rng.uniform(-25.0, 25.0)) for u in U_ROADS)
    v_roads = tuple(float(v + rng.uniform(-20.0, 20.0)) for v in V_ROADS)
    functional = _functional(park, u_roads, v_roads)
    island = _island()

    land = _bank_band(-20000.0, 20000.0, 0.0, 20000.0)  # everything north of the bank
    belt = park.buffer(CONTROL_BELT_M, quad_segs=16).difference(park).intersection(land)
    forest = Point(3500.0, 6600.0).buffer(620.0, quad_segs=24)
    forest = shapely.affinity.scale(forest, 1.4, 0.75)
    wetland = _bank_band(-6600.0, -4000.0, 70.0, 420.0)
    zones: list[Zone] = [
        Zone(
            "industrial_control_belt",
            "江苏滨江新材料产业园产业控制带",
            None,
            f"园区边界外{int(CONTROL_BELT_M)}米范围内禁止新建居住、学校、医院等环境敏感目标",
            belt,
        ),
        Zone(
            "ecological_control",
            "新滩洲湿地生态空间管控区",
            None,
            "江心洲湿地，生态空间管控区域（湿地生态系统保护）",
            island,
        ),
        Zone(
            "ecological_control",
            "银杏森林公园生态空间管控区",
            None,
            "森林公园，生态空间管控区域",
            forest,
        ),
        Zone(
            "ecological_control",
            "滨江湿地公园生态空间管控区",
            None,
            "长江岸线湿地公园，生态空间管控区域",
            wetland,
        ),
        *_protection_zones(),
    ]
    return Geography(
        park=park,
        reaches=reaches,
        creek_lines=creek_lines,
        zones=tuple(zones),
        functional=functional,
        island=island,
        u_roads=u_roads,
        v_roads=v_roads,
    )


def as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    """Polygons as a MultiPolygon (the park and zone columns are MULTIPOLYGON)."""
    if isinstance(geometry, MultiPolygon):
        return geometry
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    polygons = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]
    return MultiPolygon(polygons)
