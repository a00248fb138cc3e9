"""Enterprises: parcels cut from the park's road blocks, an industry per parcel by functional
zone, and the attributes of Jiangsu 7.2.2 / 7.6 and Guangxi A.1 item 3."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from shapely.geometry import box

from etl.demo.geography import CREEKS, V_ROAD_NAMES, Geography
from etl.demo.industries import CATALOGUE, ZONE_MIX, Industry
from etl.demo.names import company_name, credit_code, person_name, phone_number

TARGET_ENTERPRISES = 120
ROAD_HALF_WIDTH_M = 15.0
WELL_SETBACK_M = 18.0  # connection well, just inside the plant's frontage
COUNTY_CODE = "321283"  # 泰兴市
CITY_CODE = "321200"  # 泰州市 (some companies are registered with the city)
ADDRESS_PREFIX = "江苏省泰州市泰兴市滨江镇"

#: Blocks given to one fixed plant: (u-block index, v-block index) → industry class.
FIXED_PLANTS = {(9, 0): "4620", (10, 0): "4412", (8, 0): "7724", (7, 0): "2211"}
PARCELS_PER_BLOCK = {
    "精细化工片区": ((2, 3, 4), (0.35, 0.45, 0.2)),
    "医药及中间体片区": ((2, 3), (0.5, 0.5)),
    "港口物流片区": ((1, 2), (0.6, 0.4)),
    "化工新材料片区": ((2, 3, 4), (0.4, 0.4, 0.2)),
    "公用工程片区": ((1, 2), (0.5, 0.5)),
}


@dataclass(frozen=True)
class Parcel:
    u0: float
    u1: float
    v0: float
    v1: float
    front: int  # index of the v-road the parcel fronts
    side: int  # +1: the parcel lies inland of that road; -1: riverward of it
    zone: str
    fixed: str | None = None

    @property
    def centre(self) -> tuple[float, float]:
        return (self.u0 + self.u1) / 2.0, (self.v0 + self.v1) / 2.0


@dataclass(frozen=True)
class Enterprise:
    seq: int
    name: str
    credit_code: str
    industry: Industry
    address: str
    contact: str
    phone: str
    risk_level: str
    hazard_level: int
    key_discharger: bool
    inspection_class: str
    permit_no: str
    u: float
    v: float
    well: tuple[float, float] | None  # connection-well position; None for the WWTP itself
    parcel: Parcel
    wastewater_m3d: float

    @property
    def short(self) -> str:
        """The prefix of its outfall codes (unique within the park)."""
        return f"BJ{self.seq:03d}"

    def row(self) -> dict[str, object]:
        return {
            "name": self.name,
            "credit_code": self.credit_code,
            "address": self.address,
            "industry_code": self.industry.code,
            "industry_name": self.industry.name,
            "env_contact": self.contact,
            "phone": self.phone,
            "risk_level": self.risk_level,
            "hazard_level": self.hazard_level,
            "key_discharger": self.key_discharger,
            "inspection_class": self.inspection_class,
            "permit_no": self.permit_no,
        }


def _split_block(
    u0: float, u1: float, v0: float, v1: float, k: int, front_low: int, zone: str, top_strip: bool
) -> list[Parcel]:
    """``k`` parcels of a block; in a full block the riverward half fronts the lower road and
    the inland half the upper road, a top strip fronts its lower road only."""
    if top_strip or k == 1:
        cuts = np.linspace(u0, u1, k + 1)
        return [
            Parcel(float(a), float(b), v0, v1, front_low, 1, zone)
            for a, b in itertools.pairwise(cuts.tolist())
        ]
    vm = (v0 + v1) / 2.0
    low_n = {2: 1, 3: 2, 4: 2}[k]
    high_n = k - low_n
    parcels = []
    for n, (a, b, front, side) in (
        (low_n, (v0, vm, front_low, 1)),
        (high_n, (vm, v1, front_low + 1, -1)),
    ):
        cuts = np.linspace(u0, u1, n + 1)
        parcels += [
            Parcel(float(c), float(d), a, b, front, side, zone)
            for c, d in itertools.pairwise(cuts.tolist())
        ]
    return parcels


def _parcels(geo: Geography, rng: np.random.Generator) -> list[Parcel]:
    creek = CREEKS[1]  # 中心河 runs through the middle column of blocks
    inset = ROAD_HALF_WIDTH_M
    parcels: list[Parcel] = []
    for i in range(len(geo.u_roads) - 1):
        for j in range(len(geo.v_roads)):
            u0, u1 = geo.u_roads[i] + inset, geo.u_roads[i + 1] - inset
            v0 = geo.v_roads[j] + inset
            top_strip = j == len(geo.v_roads) - 1
            if top_strip:
                inside = geo.park.intersection(box(u0, v0, u1, v0 + 2000.0))
                if inside.is_empty or inside.bounds[3] - v0 < 200.0:
                    continue
                v1 = float(inside.bounds[3]) - 20.0
            else:
                v1 = geo.v_roads[j + 1] - inset
            zone = geo.functional_zone((u0 + u1) / 2.0, (v0 + v1) / 2.0)
            fixed = FIXED_PLANTS.get((i, j))
            if fixed:
                parcels.append(Parcel(u0, u1, v0, v1, j, 1, zone, fixed))
                continue
            spans = [(u0, u1)]
            creek_u = creek.u_at(np.linspace(v0, v1, 50))
            if creek_u.min() - 40.0 < u1 and creek_u.max() + 40.0 > u0:
                spans = [
                    (a, b)
                    for a, b in (
                        (u0, float(creek_u.min()) - 40.0),
                        (float(creek_u.max()) + 40.0, u1),
                    )
                    if b - a > 120.0
                ]
            for a, b in spans:
                choices, weights = PARCELS_PER_BLOCK[zone]
                if len(spans) > 1 or top_strip:
                    choices, weights = (1, 2), (0.5, 0.5)
                k = int(rng.choice(choices, p=weights))
                parcels += _split_block(a, b, v0, v1, k, j, zone, top_strip)
    return parcels


def _risk(rng: np.random.Generator, industry: Industry) -> tuple[str, int]:
    # the catalogue's odds are those of a chemical plant's class; damp them so the park has
    # mostly general, some larger and a few major risk enterprises
    odds = np.asarray(industry.risk) * (1.0, 0.75, 0.55)
    risk = str(rng.choice(("general", "larger", "major"), p=odds / odds.sum()))
    hazard = 0
    chance = industry.hazard * {"general": 0.4, "larger": 1.0, "major": 1.6}[risk]
    if rng.random() < min(chance, 0.95):
        # GB 18218-2018: level 1 is the most severe; most installations are levels 3-4
        weights = (0.05, 0.15, 0.35, 0.45) if risk != "major" else (0.15, 0.3, 0.35, 0.2)
        hazard = int(rng.choice((1, 2, 3, 4), p=weights))
    return risk, hazard


def _inspection(risk: str, key: bool, hazard: int) -> str:
    """Guangxi Table A.1 item 3: A quarterly, B half-yearly, C yearly."""
    if risk == "major" or (key and (risk == "larger" or 0 < hazard <= 2)):
        return "A"
    if key or risk == "larger" or hazard:
        return "B"
    return "C"


def _address(parcel: Parcel, u: float) -> str:
    number = max(int((u + 2700.0) / 24.0), 1)
    number += (number % 2 == 0) if parcel.side > 0 else (number % 2 == 1)
    return f"{ADDRESS_PREFIX}{V_ROAD_NAMES[parcel.front]}{number}号"


def build_enterprises(geo: Geography, rng: np.random.Generator) -> tuple[list[Enterprise], float]:
    """The enterprises, and the area of the parcels they occupy (ha)."""
    parcels = _parcels(geo, rng)
    fixed = [p for p in parcels if p.fixed]
    free = [p for p in parcels if not p.fixed]
    n_free = min(TARGET_ENTERPRISES - len(fixed), len(free))
    chosen = sorted(int(i) for i in rng.choice(len(free), size=n_free, replace=False))
    occupied = sorted(fixed + [free[i] for i in chosen], key=lambda p: (p.u0, p.v0))

    used_names: set[str] = set()
    used_codes: set[str] = set()
    enterprises = []
    for seq, parcel in enumerate(occupied, start=1):
        if parcel.fixed:
            industry = CATALOGUE[parcel.fixed]
        else:
            codes, weights = zip(*ZONE_MIX[parcel.zone], strict=True)
            p = np.asarray(weights) / sum(weights)
            industry = CATALOGUE[str(rng.choice(codes, p=p))]
        name = company_name(rng, str(rng.choice(industry.nouns)), used_names)
        admin = CITY_CODE if rng.random() < 0.1 else COUNTY_CODE
        code = credit_code(rng, admin, used_codes)
        risk, hazard = _risk(rng, industry)
        key = bool(rng.random() < industry.key) or risk == "major"
        uc, vc = parcel.centre
        width, depth = parcel.u1 - parcel.u0, parcel.v1 - parcel.v0
        u = uc + float(rng.uniform(-0.15, 0.15)) * width
        v = vc + float(rng.uniform(-0.15, 0.15)) * depth
        road_v = geo.v_roads[parcel.front]
        well_u = float(
            np.clip(uc + rng.uniform(-0.3, 0.3) * width, parcel.u0 + 20.0, parcel.u1 - 20.0)
        )
        well = None if industry.code == "4620" else (well_u, road_v + parcel.side * WELL_SETBACK_M)
        low, high = industry.wastewater_m3d
        wastewater = round(float(rng.uniform(low, high)) / 10.0) * 10.0
        enterprises.append(
            Enterprise(
                seq=seq,
                name=name,
                credit_code=code,
                industry=industry,
                address=_address(parcel, u),
                contact=person_name(rng),
                phone=phone_number(rng),
                risk_level=risk,
                hazard_level=hazard,
                key_discharger=key,
                inspection_class=_inspection(risk, key, hazard),
                permit_no=f"{code}001P",
                u=u,
                v=v,
                well=well,
                parcel=parcel,
                wastewater_m3d=wastewater,
            )
        )
    parcel_ha = sum((p.u1 - p.u0) * (p.v1 - p.v0) for p in occupied) / 1e4
    return enterprises, parcel_ha
