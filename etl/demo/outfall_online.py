"""Online monitoring at a few outfalls, their permits' limits and totals (Jiangsu 7.4.1).

A source-online station stands on each chosen outfall (same point, the outfall's MN), so the
judgement applies the outfall's standard and the loads are the outfall's: the WWTP's treated
effluent, the first wastewater outfalls of key dischargers, and two exhaust stacks with NMHC.
Wastewater carries COD, NH₃-N and the flow (from the plant's daily volume, with the shifts);
stacks NMHC and the flue-gas flow. Drawn from their own random stream, so the rest of the demo
is unchanged by them.

One plant's permit sets its COD below the standard's (300 against GB 8978's 500 mg/L) and its
COD runs above 300 for a few days in August: a permit exceedance the standard would not see.
Permitted yearly totals are set so that one plant passes 80 % of its COD total and one passes
its NH₃-N total over the demo year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.enterprises import Enterprise
from etl.demo.names import person_name, phone_number
from etl.demo.observations import Series
from etl.demo.outfalls import Outfall
from etl.demo.stations import Station
from etl.demo.weather import DAY, HOUR, HOUR_OF_DAY, HOURS, ar1

#: How many plants' wastewater outfalls get an online station (besides the WWTP's effluent).
WASTEWATER_OUTFALLS = 4
STACKS = 2
#: The plant whose permit sets COD below the standard, and its high days (day of year, 0-based).
PERMIT_COD_MGL = 300.0
HIGH_DAYS = np.arange(222, 226)  # 11-14 August 2025


@dataclass(frozen=True)
class OutfallOnline:
    """What :func:`build_outfall_online` adds to the demo."""

    stations: list[Station]
    series: list[Series]
    permit_limits: list[dict[str, object]]
    permit_totals: list[dict[str, object]]
    park_targets: list[dict[str, object]]


def _chosen(outfalls: list[Outfall]) -> list[Outfall]:
    by_code = sorted(outfalls, key=lambda o: o.code)
    effluent = [o for o in by_code if o.kind == "wastewater" and o.river_reach and o.mn]
    plants = [o for o in by_code if o.kind == "wastewater" and o.sewer_node and o.mn]
    stacks = [o for o in by_code if o.kind == "stack" and o.mn and "a24088" in o.pollutants]
    return effluent[:1] + plants[:WASTEWATER_OUTFALLS] + stacks[:STACKS]


def _station(o: Outfall, e: Enterprise, rng: np.random.Generator) -> Station:
    assert o.mn is not None
    return Station(
        code=f"OL-{o.code}",
        name=f"{e.name}{o.code}排放口在线监测",
        type="source_online",
        u=o.u,
        v=o.v,
        mn=o.mn,
        built="2021-06-30",
        address=e.address,
        department=e.name,
        level="municipal",
        contact=person_name(rng),
        phone=phone_number(rng, landline_share=0.5),
    )


def _water(
    o: Outfall, volume_m3d: float, rng: np.random.Generator, high: bool
) -> dict[str, np.ndarray]:
    effluent = o.river_reach is not None
    # day shifts: the most water at 14:00
    shifts = 1.0 + (0.05 if effluent else 0.3) * np.cos(2 * np.pi * (HOUR_OF_DAY - 14) / 24)
    flow_ls = volume_m3d / 86.4 * shifts * np.exp(ar1(rng, HOURS, 0.9, 0.08))
    cod_mgl = (25.0 if effluent else float(rng.uniform(150.0, 230.0))) * np.exp(
        ar1(rng, HOURS, 0.85, 0.12)
    )
    nh3n_mgl = (1.5 if effluent else float(rng.uniform(12.0, 22.0))) * np.exp(
        ar1(rng, HOURS, 0.85, 0.15)
    )
    if high:
        cod_mgl = np.where(np.isin(DAY, HIGH_DAYS), cod_mgl * 1.9, cod_mgl)
    return {
        "w00000": np.round(flow_ls, 2),
        "w01018": np.round(cod_mgl, 1),
        "w21003": np.round(nh3n_mgl, 2),
    }


def _stack(rng: np.random.Generator) -> dict[str, np.ndarray]:
    flow_m3h = float(rng.uniform(8000.0, 30000.0)) * np.exp(ar1(rng, HOURS, 0.9, 0.06))
    nmhc_mgm3 = float(rng.uniform(15.0, 45.0)) * np.exp(ar1(rng, HOURS, 0.8, 0.2))
    return {"a00000": np.round(flow_m3h, 0), "a24088": np.round(nmhc_mgm3, 2)}


DECIMALS = {"w00000": 2, "w01018": 1, "w21003": 2, "a00000": 0, "a24088": 2}


def build_outfall_online(
    outfalls: list[Outfall], enterprises: list[Enterprise], rng: np.random.Generator
) -> OutfallOnline:
    """Stations, a year of hourly series, permit limits and permitted totals."""
    by_credit = {e.credit_code: e for e in enterprises}
    park_m3d = sum(e.wastewater_m3d for e in enterprises)
    chosen = _chosen(outfalls)
    permit_plant = next((o for o in chosen if o.kind == "wastewater" and o.sewer_node), None)
    stations, series, limits = [], [], []
    yearly: dict[tuple[str, str], float] = {}
    park_t: dict[str, float] = {}  # what leaves the park: the effluent and the stacks
    for o in chosen:
        e = by_credit[o.credit_code]
        station = _station(o, e, rng)
        stations.append(station)
        high = o is permit_plant
        # the WWTP treats every plant's wastewater
        volume_m3d = park_m3d if o.river_reach else max(e.wastewater_m3d, 20.0)
        values = _water(o, volume_m3d, rng, high) if o.kind == "wastewater" else _stack(rng)
        flags = np.full(HOURS, "N")
        for parameter, data in values.items():
            series.append(Series(station.code, parameter, HOUR, data, flags, DECIMALS[parameter]))
        if o.kind == "stack":
            nmhc_t = float(np.sum(values["a24088"] * values["a00000"]) / 1e9)
            park_t["a24088"] = park_t.get("a24088", 0.0) + nmhc_t
        if o.kind == "wastewater":
            flow_m3 = values["w00000"] * 3.6
            for parameter in ("w01018", "w21003"):
                tonnes = float(np.sum(values[parameter] * flow_m3) / 1e6)
                key = (o.credit_code, parameter)
                yearly[key] = yearly.get(key, 0.0) + tonnes
                if o.river_reach:
                    park_t[parameter] = park_t.get(parameter, 0.0) + tonnes
        if high:
            limits.append(
                {
                    "outfall_code": o.code,
                    "credit_code": o.credit_code,
                    "permit_no": e.permit_no,
                    "parameter": "w01018",
                    "period": "24h",
                    "bound": "upper",
                    "limit_value": PERMIT_COD_MGL,
                    "unit": "mg/L",
                    # a discharge permit is valid for five years
                    "valid_from": "2023-01-01",
                    "valid_to": "2027-12-31",
                }
            )
    plants = sorted({o.credit_code for o in chosen if o.kind == "wastewater" and o.sewer_node})
    # most permits leave room; the first plant's COD stands at ~85 % of its total (the 80 %
    # warning), the second plant's NH₃-N above its total
    shares = {(plants[0], "w01018"): 0.85, (plants[1], "w21003"): 1.08}
    totals = []
    for (credit, parameter), tonnes in sorted(yearly.items()):
        share = shares.get((credit, parameter), 0.6)
        totals.append(
            {
                "credit_code": credit,
                "permit_no": by_credit[credit].permit_no,
                "parameter": parameter,
                "year": 2025,
                "permitted_t": float(np.round(tonnes / share, 2)),
            }
        )
    # the park's targets: COD at ~70 % and NH₃-N at ~90 % (the warning) of what the online
    # outfalls discharged; VOCs at half; the others set without online loads in the demo
    park_shares = {"w01018": 0.7, "w21003": 0.9, "a24088": 0.5}
    fixed_t = {"a21026": 120.0, "a21002": 300.0, "a34013": 80.0, "w21001": 250.0, "w21011": 12.0}
    targets = [
        {
            "year": 2025,
            "parameter": code,
            "target_t": float(np.round(tonnes / park_shares[code], 1)),
        }
        for code, tonnes in sorted(park_t.items())
    ] + [{"year": 2025, "parameter": code, "target_t": t} for code, t in sorted(fixed_t.items())]
    return OutfallOnline(stations, series, limits, totals, targets)
