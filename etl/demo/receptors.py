"""Sensitive receptors within 8 km of the park (Jiangsu 7.2.3; Guangxi Table I.2).

A fixed set of named places (the town, the villages the air stations stand in, schools,
hospitals, offices, the drinking-water intake and the ecological targets), then villages drawn
at random on land outside the industrial control belt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from etl.demo.frame import north_bank_v
from etl.demo.geography import CONTROL_BELT_M, INTAKE_UV, Geography
from etl.demo.names import VILLAGE_NAMES

TOTAL_RECEPTORS = 50
MAX_DISTANCE_M = 7800.0  # inside the 8 km screening radius, with room for rounding
TOWN = "江苏省泰州市泰兴市滨江镇"


@dataclass(frozen=True)
class Receptor:
    name: str
    category: str
    geometry: BaseGeometry  # frame metres
    population: int | None = None
    address: str | None = None

    @property
    def air_sensitive(self) -> bool:
        return self.category in {"residential", "school", "hospital", "office", "other"}

    @property
    def water_sensitive(self) -> bool:
        return self.category == "water_intake" or (
            self.category == "ecological" and "森林" not in self.name
        )

    def row(self) -> dict[str, object]:
        return {
            "name": self.name,
            "category": self.category,
            "population": self.population,
            "air_sensitive": self.air_sensitive,
            "water_sensitive": self.water_sensitive,
            "address": self.address,
        }


# name, category, u, v, population, place the address names
_ANCHORS: tuple[tuple[str, str, float, float, int | None, str], ...] = (
    ("滨江镇区", "residential", 600.0, 5700.0, 18600, "镇区"),
    ("永丰村", "residential", -4300.0, 2500.0, 2860, "永丰村"),
    ("六圩社区", "residential", 4300.0, 1900.0, 4120, "六圩社区"),
    ("新港社区", "residential", -1500.0, 4700.0, 5300, "新港社区"),
    ("三圩村", "residential", -3600.0, 1000.0, 1650, "三圩村"),
    ("沿江村", "residential", 3600.0, 500.0, 1380, "沿江村"),
    ("滨江镇中心小学", "school", 900.0, 5450.0, 1450, "镇区"),
    ("滨江初级中学", "school", 300.0, 6100.0, 1200, "镇区"),
    ("泰兴市滨江高级中学", "school", 2300.0, 7300.0, 2100, "镇区北侧"),
    ("永丰小学", "school", -4100.0, 2800.0, 420, "永丰村"),
    ("六圩幼儿园", "school", 4500.0, 2150.0, 260, "六圩社区"),
    ("新港小学", "school", -1300.0, 4950.0, 680, "新港社区"),
    ("滨江镇中心卫生院", "hospital", 1100.0, 5900.0, 120, "镇区"),
    ("六圩社区卫生服务站", "hospital", 4150.0, 2250.0, 20, "六圩社区"),
    ("泰兴市沿江医院", "hospital", -700.0, 7600.0, 450, "镇区西北"),
    ("滨江镇人民政府", "office", 650.0, 5350.0, 160, "镇区"),
    ("江苏滨江新材料产业园管理委员会", "office", 200.0, 3550.0, 120, "园区北侧"),
    ("新港社区居民委员会", "office", -1650.0, 4500.0, 15, "新港社区"),
    ("滨江敬老院", "other", 1900.0, 5200.0, 90, "镇区东侧"),
)


def _ecological(geo: Geography) -> list[Receptor]:
    zones = {z.name: z.geometry for z in geo.zones}
    reserve = Polygon([(2000, -2500), (9000, -2500), (9000, -1500), (2000, -1500)])
    return [
        Receptor(
            "新滩洲湿地", "ecological", zones["新滩洲湿地生态空间管控区"], address=f"{TOWN}新滩洲"
        ),
        Receptor(
            "银杏森林公园",
            "ecological",
            zones["银杏森林公园生态空间管控区"],
            address=f"{TOWN}镇区东北",
        ),
        Receptor(
            "滨江湿地公园", "ecological", zones["滨江湿地公园生态空间管控区"], address=f"{TOWN}沿江"
        ),
        Receptor(
            "长江泰兴段鱼类种质资源保护区",
            "ecological",
            shapely.normalize(reserve),
            address="长江泰兴段主航道南侧水域",
        ),
    ]


def _on_land(geo: Geography, u: float, v: float) -> bool:
    point = Point(u, v)
    if v < float(north_bank_v(u)) + 150.0:
        return False
    if any(line.distance(point) < 120.0 for line in geo.creek_lines.values()):
        return False
    return all(not z.geometry.contains(point) for z in geo.zones if z.kind == "ecological_control")


def build_receptors(geo: Geography, rng: np.random.Generator) -> list[Receptor]:
    """About 50 receptors, every one within 8 km of the park boundary."""
    receptors = [
        Receptor(name, category, Point(u, v), population, f"{TOWN}{place}")
        for name, category, u, v, population, place in _ANCHORS
    ]
    receptors.append(
        Receptor("滨江水厂长江取水口", "water_intake", Point(*INTAKE_UV), address=f"{TOWN}长江北岸")
    )
    receptors += _ecological(geo)
    taken = {r.name for r in receptors}
    names = [n for n in VILLAGE_NAMES if n not in taken]
    points = [r.geometry.centroid for r in receptors if r.category != "ecological"]
    keep_out = geo.park.buffer(CONTROL_BELT_M + 100.0)
    while len(receptors) < TOTAL_RECEPTORS:
        u = float(rng.uniform(-10500.0, 10500.0))
        v = float(rng.uniform(300.0, 10800.0))
        point = Point(u, v)
        if keep_out.contains(point) or geo.park.distance(point) > MAX_DISTANCE_M:
            continue
        if not _on_land(geo, u, v) or any(point.distance(p) < 650.0 for p in points):
            continue
        name = names.pop(int(rng.integers(len(names))))
        population = int(round(float(rng.lognormal(math.log(1700.0), 0.45)), -1))
        receptors.append(Receptor(name, "residential", point, population, f"{TOWN}{name}"))
        points.append(point)
    for r in receptors:
        if geo.park.distance(r.geometry) > MAX_DISTANCE_M:
            raise ValueError(f"receptor {r.name} lies beyond 8 km of the park")
    return receptors
