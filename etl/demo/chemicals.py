"""Hazardous chemicals, major hazard installations and emergency plans of the demo park.

Forty enterprises store chemicals that fit their industry. Fifteen of those the enterprises
layer rates as GB 18218 major hazards hold one unit whose quantities are drawn so that
R = α Σ β q/Q falls inside the band of that level (GB 18218 4.3), α from the people living
within 500 m (Table 5); every other unit stays below S = Σ q/Q = 1. The installations and each
enterprise's hazard level are then *computed* from the written quantities with
:func:`layers.gb18218.assess`, so the data agree with the rule rather than with a typed flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from etl.demo.enterprises import COUNTY_CODE, Enterprise, _inspection
from etl.demo.receptors import Receptor
from layers.gb18218 import Assessment, Stored, assess, table_1

TARGET_ENTERPRISES = 40
HAZARD_SOURCES_BY_LEVEL = {1: 3, 2: 3, 3: 5, 4: 4}
#: R bands each level's quantities are drawn in, inside GB 18218 Table 6's bounds.
R_BANDS = {1: (115.0, 170.0), 2: (60.0, 90.0), 3: (15.0, 40.0), 4: (2.0, 8.0)}
MAX_UNIT_T = 6000.0  # the most one demo unit holds, t
MAX_CYLINDERS_T = 60.0  # gases in cylinders, t
EXPOSURE_RADIUS_M = 500.0  # GB 18218 4.3.3: people within 500 m of the unit
PLAN_TODAY = date(2026, 11, 30)


@dataclass(frozen=True)
class Chemical:
    """A chemical an industry stores: CAS, name, storage form, GHS classes."""

    cas_no: str
    name: str
    form: str
    classes: tuple[str, ...]


def _c(cas: str, name: str, form: str, *classes: str) -> Chemical:
    return Chemical(cas, name, form, classes)


CHLORINE = _c("7782-50-5", "液氯", "tank", "加压气体", "急性毒性类别2", "氧化性气体类别1")
AMMONIA = _c("7664-41-7", "液氨", "tank", "加压气体", "急性毒性类别3", "易燃气体类别2")
PHOSGENE = _c("75-44-5", "光气", "pipeline", "加压气体", "急性毒性类别1")
HCL = _c("7647-01-0", "氯化氢（无水）", "cylinder", "加压气体", "急性毒性类别3")
H2S = _c("7783-06-4", "硫化氢", "cylinder", "易燃气体类别1", "急性毒性类别2")
METHANOL = _c("67-56-1", "甲醇", "tank", "易燃液体类别2", "急性毒性类别3")
TOLUENE = _c("108-88-3", "甲苯", "tank", "易燃液体类别2", "生殖毒性类别2")
BENZENE = _c("71-43-2", "苯", "tank", "易燃液体类别2", "致癌性类别1A")
STYRENE = _c("100-42-5", "苯乙烯", "tank", "易燃液体类别3")
ACRYLONITRILE = _c("107-13-1", "丙烯腈", "tank", "易燃液体类别2", "急性毒性类别3")
ETHYLENE_OXIDE = _c("75-21-8", "环氧乙烷", "tank", "易燃气体类别1", "致癌性类别1B")
PROPYLENE_OXIDE = _c("75-56-9", "环氧丙烷", "tank", "易燃液体类别1", "致癌性类别1B")
VINYL_CHLORIDE = _c("75-01-4", "氯乙烯", "tank", "易燃气体类别1", "致癌性类别1A")
LPG = _c("68476-85-7", "液化石油气", "tank", "易燃气体类别1", "加压气体")
METHANE = _c("74-82-8", "天然气", "pipeline", "易燃气体类别1", "加压气体")
HYDROGEN = _c("1333-74-0", "氢气", "cylinder", "易燃气体类别1", "加压气体")
ACETONE = _c("67-64-1", "丙酮", "tank", "易燃液体类别2")
ETHYL_ACETATE = _c("141-78-6", "乙酸乙酯", "tank", "易燃液体类别2")
HEXANE = _c("110-54-3", "正己烷", "tank", "易燃液体类别2", "生殖毒性类别2")
ETHANOL = _c("64-17-5", "乙醇", "tank", "易燃液体类别2")
NITRIC_ACID = _c("7697-37-2", "硝酸", "tank", "氧化性液体类别3", "皮肤腐蚀类别1A")
CARBON_DISULPHIDE = _c("75-15-0", "二硫化碳", "tank", "易燃液体类别1", "生殖毒性类别2")
# not named in GB 18218 Table 1: no shipped threshold
SULPHURIC_ACID = _c("7664-93-9", "硫酸", "tank", "皮肤腐蚀类别1A")
CAUSTIC_SODA = _c("1310-73-2", "氢氧化钠", "warehouse", "皮肤腐蚀类别1A")
HYPOCHLORITE = _c("7681-52-9", "次氯酸钠溶液", "tank", "皮肤腐蚀类别1B", "危害水生环境急性类别1")
PEROXIDE = _c("7722-84-1", "过氧化氢", "tank", "氧化性液体类别1", "皮肤腐蚀类别1A")
ACETIC_ACID = _c("64-19-7", "乙酸", "tank", "易燃液体类别3", "皮肤腐蚀类别1A")
DCM = _c("75-09-2", "二氯甲烷", "tank", "致癌性类别2")
DMF = _c("68-12-2", "N,N-二甲基甲酰胺", "tank", "易燃液体类别3", "生殖毒性类别1B")
XYLENE = _c("1330-20-7", "二甲苯", "tank", "易燃液体类别3")

#: What each industry class stores; the first entries are its big toxic or flammable ones.
PALETTES: dict[str, tuple[Chemical, ...]] = {
    "2611": (CHLORINE, HCL, NITRIC_ACID, SULPHURIC_ACID, CAUSTIC_SODA),
    "2613": (AMMONIA, CHLORINE, SULPHURIC_ACID, CAUSTIC_SODA, HYPOCHLORITE),
    "2614": (ETHYLENE_OXIDE, BENZENE, METHANOL, TOLUENE, ACETIC_ACID, SULPHURIC_ACID),
    "2619": (CHLORINE, AMMONIA, METHANOL, SULPHURIC_ACID, CAUSTIC_SODA),
    "2631": (PHOSGENE, CHLORINE, TOLUENE, METHANOL, DCM, CAUSTIC_SODA),
    "2641": (TOLUENE, XYLENE, ETHYL_ACETATE, ACETONE, ETHANOL),
    "2651": (VINYL_CHLORIDE, STYRENE, METHANOL, CAUSTIC_SODA),
    "2652": (STYRENE, LPG, HEXANE, CAUSTIC_SODA),
    "2653": (ACRYLONITRILE, PROPYLENE_OXIDE, METHANOL, SULPHURIC_ACID),
    "2661": (H2S, CARBON_DISULPHIDE, TOLUENE, ACETONE, DMF, PEROXIDE),
    "2662": (AMMONIA, TOLUENE, ETHYL_ACETATE, METHANOL, PEROXIDE),
    "2666": (HYPOCHLORITE, SULPHURIC_ACID, CAUSTIC_SODA, PEROXIDE),
    "2669": (HCL, METHANOL, HEXANE, TOLUENE, DMF),
    "2710": (HYDROGEN, METHANOL, DCM, ACETONE, ETHANOL, DMF, SULPHURIC_ACID),
    "2720": (ETHANOL, ACETONE, ETHYL_ACETATE),
    "2761": (ETHANOL, METHANOL, HYPOCHLORITE),
    "2211": (CHLORINE, PEROXIDE, CAUSTIC_SODA, SULPHURIC_ACID),
    "2221": (PEROXIDE, CAUSTIC_SODA),
    "2929": (TOLUENE, ETHYL_ACETATE),
    "3130": (HYDROGEN, METHANE, SULPHURIC_ACID),
    "3360": (NITRIC_ACID, SULPHURIC_ACID, CAUSTIC_SODA),
    "4412": (AMMONIA, METHANE, CAUSTIC_SODA),
    "4620": (HYPOCHLORITE, SULPHURIC_ACID, CAUSTIC_SODA),
    "7724": (METHANOL, SULPHURIC_ACID, CAUSTIC_SODA),
    "5942": (BENZENE, METHANOL, TOLUENE, STYRENE, LPG, XYLENE, ACETONE),
    "5532": (METHANOL, STYRENE, LPG),
}
STORAGE_PLACES = {
    "tank": ("罐区", "储罐区"),
    "cylinder": ("气瓶库",),
    "pipeline": ("生产装置区",),
    "warehouse": ("甲类仓库", "丙类仓库"),
}


@dataclass(frozen=True)
class StoredChemical:
    """One row of the hazardous_chemicals layer, in the frame's metres."""

    credit_code: str
    chemical: Chemical
    storage_place: str
    unit_code: str
    quantity_t: float
    u: float
    v: float
    is_major_hazard: bool | None

    def row(self) -> dict[str, object]:
        listed = table_1().get(self.chemical.cas_no)
        return {
            "credit_code": self.credit_code,
            "name": self.chemical.name,
            "cas_no": self.chemical.cas_no,
            "storage_place": self.storage_place,
            "unit_code": self.unit_code,
            "max_quantity_t": self.quantity_t,
            "storage_form": self.chemical.form,
            "hazard_classes": list(self.chemical.classes),
            "threshold_t": listed.threshold_t if listed else None,
            "is_major_hazard": self.is_major_hazard,
        }


@dataclass(frozen=True)
class HazardSource:
    """One major hazard installation: a unit whose chemicals reach S ≥ 1."""

    enterprise: Enterprise
    code: str
    name: str
    unit_type: str
    assessment: Assessment
    u: float
    v: float
    filed_on: date

    def row(self) -> dict[str, object]:
        a = self.assessment
        return {
            "credit_code": self.enterprise.credit_code,
            "code": self.code,
            "name": self.name,
            "unit_type": self.unit_type,
            "level": a.level,
            "r_value": round(a.r_value, 2),
            "q_ratio_sum": round(a.sum_ratio, 3),
            "chemicals": list(a.decisive),
            "filed_on": self.filed_on.isoformat(),
        }

    def footprint(self) -> BaseGeometry:
        """A storage unit's tank farm or warehouse as a 60 × 40 m block; a production unit's
        point."""
        if self.unit_type == "storage":
            return box(self.u - 30.0, self.v - 20.0, self.u + 30.0, self.v + 20.0)
        return Point(self.u, self.v)


def exposure_alpha(u: float, v: float, receptors: Sequence[Receptor]) -> float:
    """GB 18218 Table 5: α from the people within 500 m outside the plant."""
    here = Point(u, v)
    people = sum(
        r.population or 0 for r in receptors if r.geometry.distance(here) <= EXPOSURE_RADIUS_M
    )
    for at_least, alpha in ((100, 2.0), (50, 1.5), (30, 1.2), (1, 1.0)):
        if people >= at_least:
            return alpha
    return 0.5


def _place(rng: np.random.Generator, e: Enterprise) -> tuple[float, float]:
    p = e.parcel
    return (
        float(rng.uniform(p.u0 + 30.0, max(p.u1 - 30.0, p.u0 + 31.0))),
        float(rng.uniform(p.v0 + 30.0, max(p.v1 - 30.0, p.v0 + 31.0))),
    )


def _major_unit(
    rng: np.random.Generator, palette: tuple[Chemical, ...], level: int, alpha: float
) -> list[tuple[Chemical, float]]:
    """Quantities of 1-3 listed chemicals whose R lands in the level's band with S ≥ 1 and at
    most :data:`MAX_UNIT_T` in all; :class:`ValueError` when the palette cannot make one."""
    listed = sorted(
        (c for c in palette if c.cas_no in table_1()), key=lambda c: -table_1()[c.cas_no].beta
    )
    low, high = R_BANDS[level]
    for _ in range(40):
        k = int(rng.integers(1, min(3, len(listed)) + 1))
        # the most toxic chemical of the palette leads a level 1-2 unit (β drives R)
        first = [listed[0]] if level <= 2 else []
        pool = [c for c in listed if c not in first]
        extra = k - len(first)
        picked = first + [pool[int(i)] for i in sorted(rng.choice(len(pool), extra, replace=False))]
        shares = rng.uniform(0.3, 1.0, size=len(picked))
        shares /= shares.sum()
        thresholds = np.array([table_1()[c.cas_no].threshold_t for c in picked])
        betas = np.array([table_1()[c.cas_no].beta for c in picked])
        s = float(rng.uniform(low, high)) / (alpha * float(betas @ shares))
        quantities = [round(float(q), 1) for q in s * shares * thresholds]
        stored = [Stored(c.name, c.cas_no, q) for c, q in zip(picked, quantities, strict=True)]
        cylinders = sum(q for c, q in zip(picked, quantities, strict=True) if c.form == "cylinder")
        if (
            s >= 1.15
            and sum(quantities) <= MAX_UNIT_T
            and cylinders <= MAX_CYLINDERS_T
            and assess(stored, alpha).level == level
        ):
            return list(zip(picked, quantities, strict=True))
    raise ValueError(f"no level-{level} unit from {[c.name for c in palette]}")


def _minor_quantity(rng: np.random.Generator, chemical: Chemical, budget: float) -> float:
    """A quantity using at most ``budget`` of the threshold (or a plausible one when unlisted)."""
    listed = table_1().get(chemical.cas_no)
    if listed is None:
        return round(float(rng.uniform(5.0, 300.0)), 1)
    return max(round(float(rng.uniform(0.05, 1.0)) * budget * listed.threshold_t, 1), 0.1)


def build_chemicals(
    enterprises: Sequence[Enterprise], receptors: Sequence[Receptor], rng: np.random.Generator
) -> tuple[list[StoredChemical], list[HazardSource], list[Enterprise]]:
    """The stored chemicals, the installations they make, and the enterprises with their
    hazard level recomputed from them (0 where no unit reaches S ≥ 1)."""
    rated = [e for e in enterprises if e.hazard_level > 0 and e.industry.code in PALETTES]
    places = {e.seq: _place(rng, e) for e in rated}
    majors: dict[int, list[tuple[Chemical, float]]] = {}
    short = 0  # installations a level could not make, asked of the next level instead
    for level, wanted in HAZARD_SOURCES_BY_LEVEL.items():
        count = wanted + short
        pool = [e for e in rated if e.hazard_level == level]
        for i in rng.permutation(len(pool)):
            e = pool[int(i)]
            alpha = exposure_alpha(*places[e.seq], receptors)
            try:
                majors[e.seq] = _major_unit(rng, PALETTES[e.industry.code], level, alpha)
            except ValueError:
                continue  # its industry's chemicals cannot make this level: left unrated
            if sum(x.seq in majors for x in pool) == count:
                break
        short = count - sum(x.seq in majors for x in pool)
    chosen_hazard = [e for e in rated if e.seq in majors]
    hazard_seqs = set(majors)
    others = [
        e
        for e in enterprises
        if e.seq not in hazard_seqs and e.industry.code in PALETTES and e.risk_level != "general"
    ]
    others += [
        e
        for e in enterprises
        if e.seq not in hazard_seqs and e.industry.code in PALETTES and e.risk_level == "general"
    ]
    holders = sorted(
        chosen_hazard + others[: TARGET_ENTERPRISES - len(chosen_hazard)], key=lambda e: e.seq
    )

    rows: list[StoredChemical] = []
    sources: list[HazardSource] = []
    levels: dict[int, int] = {}
    for e in holders:
        palette = PALETTES[e.industry.code]
        used: set[str] = set()
        if e.seq in hazard_seqs:
            u, v = places[e.seq]
            alpha = exposure_alpha(u, v, receptors)
            unit = f"{e.short}-U1"
            major = majors[e.seq]
            place = _storage_place(major[0][0], 1)
            for chemical, quantity in major:
                used.add(chemical.cas_no)
                rows.append(
                    StoredChemical(e.credit_code, chemical, place, unit, quantity, u, v, True)
                )
            stored = [Stored(c.name, c.cas_no, q) for c, q in major]
            assessment = assess(stored, alpha)
            production = major[0][0].form == "pipeline"
            filed = PLAN_TODAY - timedelta(days=int(rng.integers(120, 1400)))
            sources.append(
                HazardSource(
                    e,
                    f"{e.short}-MH1",
                    f"{e.name}{place}",
                    "production" if production else "storage",
                    assessment,
                    u,
                    v,
                    filed,
                )
            )
            levels[e.seq] = int(assessment.level or 0)
        # the rest of the enterprise's chemicals, in a second unit that stays below S = 1
        rest = [c for c in palette if c.cas_no not in used]
        k = min(len(rest), int(rng.integers(2, 5) if e.seq in hazard_seqs else rng.integers(3, 6)))
        picked = [rest[int(i)] for i in sorted(rng.choice(len(rest), size=k, replace=False))]
        if not picked:
            continue
        u, v = _place(rng, e)
        budget = 0.9 / len(picked)
        unit = f"{e.short}-U2" if e.seq in hazard_seqs else f"{e.short}-U1"
        for chemical in picked:
            rows.append(
                StoredChemical(
                    e.credit_code,
                    chemical,
                    _storage_place(chemical, 2 if e.seq in hazard_seqs else 1),
                    unit,
                    _minor_quantity(rng, chemical, budget),
                    u + float(rng.uniform(-15.0, 15.0)),
                    v + float(rng.uniform(-15.0, 15.0)),
                    False,
                )
            )
    rated_again = [
        replace(
            e,
            hazard_level=levels.get(e.seq, 0),
            inspection_class=_inspection(e.risk_level, e.key_discharger, levels.get(e.seq, 0)),
        )
        for e in enterprises
    ]
    return rows, sources, rated_again


def _storage_place(chemical: Chemical, unit: int) -> str:
    places = STORAGE_PLACES[chemical.form]
    return f"{places[0]}{'一二三'[unit - 1]}"


def plan_rows(
    enterprises: Sequence[Enterprise], park_name: str, rng: np.random.Generator
) -> list[dict[str, object]]:
    """Emergency plans of every enterprise rated larger or major (HJ 941), and the park's."""
    codes = {"general": "L", "larger": "M", "major": "H"}
    rows: list[dict[str, object]] = []
    serial = 0
    for e in enterprises:
        if e.risk_level == "general":
            continue
        serial += 1
        filed = PLAN_TODAY - timedelta(days=int(rng.integers(60, 1300)))
        drill = PLAN_TODAY - timedelta(days=int(rng.integers(20, 420)))
        rows.append(
            {
                "credit_code": e.credit_code,
                "title": f"{e.name}突发环境事件应急预案",
                "filed": True,
                "filing_no": f"{COUNTY_CODE}-{filed.year}-{serial:03d}-{codes[e.risk_level]}",
                "filed_on": filed.isoformat(),
                "risk_level": e.risk_level,
                "last_drill_on": drill.isoformat(),
                # revised at least every three years
                "next_review_on": (filed + timedelta(days=3 * 365)).isoformat(),
            }
        )
    filed = PLAN_TODAY - timedelta(days=400)
    rows.append(
        {
            "credit_code": None,
            "title": f"{park_name}突发环境事件应急预案",
            "filed": True,
            "filing_no": f"{COUNTY_CODE}-{filed.year}-000-H",
            "filed_on": filed.isoformat(),
            "risk_level": "major",
            "last_drill_on": (PLAN_TODAY - timedelta(days=75)).isoformat(),
            "next_review_on": (filed + timedelta(days=3 * 365)).isoformat(),
        }
    )
    return rows
