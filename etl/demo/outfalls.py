"""Outfalls and stacks of each enterprise (Jiangsu 7.4.1-7.4.3).

Codes follow the discharge-permit convention (DW wastewater, DA exhaust; YS rain, WZ fugitive
monitoring points), prefixed with the enterprise's park number so that they are unique in the
park. Wastewater goes to the enterprise's connection well; the WWTP's treated effluent and every
rain outfall go to the river reach their water reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.enterprises import Enterprise
from etl.demo.frame import north_bank_v
from etl.demo.geography import Geography
from etl.demo.industries import COMBUSTION, RAINWATER, WASTEWATER
from etl.demo.names import mn_number
from etl.demo.sewer import Network

#: Classes whose plants discharge no process wastewater of their own (domestic sewage only).
NO_PROCESS_WATER = {"2929", "5532", "5942"}
SECOND_STACK_CHANCE = 0.06
OWN_BOILER_SHARE = 0.25  # most plants take steam from the park's combined heat and power plant
FUGITIVE_SHARE = 0.35


@dataclass(frozen=True)
class Outfall:
    code: str
    seq: int
    credit_code: str
    kind: str
    u: float
    v: float
    height_m: float | None = None
    online: bool = False
    mn: str | None = None
    sewer_node: str | None = None
    river_reach: str | None = None
    pollutants: tuple[str, ...] = ()
    industry_code: str = ""

    def row(self) -> dict[str, object]:
        standard, standard_class = discharge_standard(
            self.kind, self.industry_code, direct=self.river_reach is not None
        )
        return {
            "code": self.code,
            "credit_code": self.credit_code,
            "kind": self.kind,
            "height_m": self.height_m,
            "online": self.online,
            "mn": self.mn,
            "sewer_node": self.sewer_node,
            "river_reach": self.river_reach,
            "pollutants": list(self.pollutants),
            "standard": standard,
            "standard_class": standard_class,
        }


#: Industries (GB/T 4754 classes) under the petrochemical and the synthetic-resin standards.
PETROCHEMICAL = {"2614", "2619", "2653"}
SYNTHETIC_RESIN = {"2651"}


def discharge_standard(
    kind: str, industry_code: str, direct: bool
) -> tuple[str | None, str | None]:
    """The standard and class a demo outfall names: the WWTP's effluent GB 18918 class 1A;
    plants' wastewater to the park's sewers GB 8978 grade 3 (chemicals, pharmaceuticals) or
    GB/T 31962 grade B; stacks and boundary points the industry standard (GB 31571, GB 31572)
    where one applies, else GB 16297; rain outfalls none."""
    if kind == "wastewater":
        if direct:
            return "GB 18918", "一级A"
        if industry_code.startswith(("26", "27")):
            return "GB 8978", "三级"
        return "GB/T 31962", "B"
    if kind in {"stack", "fugitive"}:
        boundary = kind == "fugitive"
        if industry_code in PETROCHEMICAL:
            return "GB 31571", "企业边界" if boundary else "排气筒"
        if industry_code in SYNTHETIC_RESIN:
            return "GB 31572", "企业边界" if boundary else "排气筒"
        return "GB 16297", "周界" if boundary else "表2"
    return None, None


def _inside(rng: np.random.Generator, e: Enterprise, margin: float = 25.0) -> tuple[float, float]:
    p = e.parcel
    return (
        float(rng.uniform(p.u0 + margin, p.u1 - margin)),
        float(rng.uniform(p.v0 + margin, p.v1 - margin)),
    )


def _stacks(rng: np.random.Generator, e: Enterprise, used_mn: set[str]) -> list[Outfall]:
    industry = e.industry
    lists: list[tuple[str, ...]] = [
        industry.stack_kinds[int(rng.integers(len(industry.stack_kinds)))]
    ]
    if industry.stacks[1] > 1 and (industry.stacks[0] > 1 or rng.random() < SECOND_STACK_CHANCE):
        lists.append(industry.stack_kinds[int(rng.integers(len(industry.stack_kinds)))])
    if rng.random() < industry.boiler * OWN_BOILER_SHARE:
        lists.append(COMBUSTION)
    stacks = []
    for k, pollutants in enumerate(lists, start=1):
        low, high = industry.stack_height_m
        if pollutants == COMBUSTION and industry.code not in {"4412", "2211", "2221", "7724"}:
            low, high = 35.0, 45.0  # a plant's own gas boiler
        online = e.key_discharger and (
            pollutants == COMBUSTION or "a21026" in pollutants or e.risk_level != "general"
        )
        u, v = _inside(rng, e)
        stacks.append(
            Outfall(
                code=f"{e.short}-DA{k:03d}",
                seq=e.seq,
                credit_code=e.credit_code,
                kind="stack",
                u=u,
                v=v,
                height_m=float(round(rng.uniform(low, high))),
                online=online,
                mn=mn_number(rng, "31", used_mn) if online else None,
                pollutants=pollutants,
                industry_code=industry.code,
            )
        )
    return stacks


def build_outfalls(
    geo: Geography, enterprises: list[Enterprise], network: Network, rng: np.random.Generator
) -> list[Outfall]:
    """Every enterprise's outfalls, stacks and fugitive monitoring points."""
    used_mn: set[str] = set()
    outfalls: list[Outfall] = []
    for e in enterprises:
        road_v = geo.v_roads[e.parcel.front]
        side = e.parcel.side
        if e.industry.code == "4620":
            # the WWTP's treated effluent, through the embankment into the side channel
            u = e.u
            v = float(north_bank_v(u)) + 5.0
            outfalls.append(
                Outfall(
                    code=f"{e.short}-DW001",
                    seq=e.seq,
                    credit_code=e.credit_code,
                    kind="wastewater",
                    u=u,
                    v=v,
                    online=True,
                    mn=mn_number(rng, "32", used_mn),
                    river_reach=geo.reach_for(u, v),
                    pollutants=(*WASTEWATER, "w21001", "w00000"),
                    industry_code=e.industry.code,
                )
            )
        elif e.industry.code not in NO_PROCESS_WATER and e.well is not None:
            u, v = e.well[0], e.well[1] + side * 4.0
            pollutants: tuple[str, ...] = WASTEWATER
            if e.industry.code.startswith(("26", "27")):
                pollutants = (*WASTEWATER, "w21001")
            outfalls.append(
                Outfall(
                    code=f"{e.short}-DW001",
                    seq=e.seq,
                    credit_code=e.credit_code,
                    kind="wastewater",
                    u=u,
                    v=v,
                    online=e.key_discharger,
                    mn=mn_number(rng, "32", used_mn) if e.key_discharger else None,
                    sewer_node=network.wells[e.seq],
                    pollutants=pollutants,
                    industry_code=e.industry.code,
                )
            )
        if e.key_discharger and (
            e.risk_level == "major" or (e.risk_level == "larger" and e.hazard_level)
        ):
            # rain outfalls of key, high-risk plants are registered and monitored (Jiangsu 7.4.4)
            u = (e.well[0] if e.well else e.u) + 25.0
            v = road_v + side * 16.0
            outfall_node = network.node(network.rain_outfalls[e.seq])
            online = bool(rng.random() < 0.7)
            outfalls.append(
                Outfall(
                    code=f"{e.short}-YS001",
                    seq=e.seq,
                    credit_code=e.credit_code,
                    kind="rainwater",
                    u=u,
                    v=v,
                    online=online,
                    mn=mn_number(rng, "32", used_mn) if online else None,
                    river_reach=geo.reach_for(outfall_node.u, outfall_node.v),
                    pollutants=RAINWATER,
                )
            )
        outfalls.extend(_stacks(rng, e, used_mn))
        if rng.random() < e.industry.fugitive * FUGITIVE_SHARE:
            extra = tuple(
                p for kinds in e.industry.stack_kinds for p in kinds if p in {"a21028", "a21001"}
            )
            u, v = _inside(rng, e, margin=8.0)
            p = e.parcel
            # on the plant's boundary, on the side farthest from the road
            v = p.v1 - 5.0 if side > 0 else p.v0 + 5.0
            outfalls.append(
                Outfall(
                    code=f"{e.short}-WZ001",
                    seq=e.seq,
                    credit_code=e.credit_code,
                    kind="fugitive",
                    u=u,
                    v=v,
                    pollutants=("a24088", *dict.fromkeys(extra)),
                    industry_code=e.industry.code,
                )
            )
    return outfalls
