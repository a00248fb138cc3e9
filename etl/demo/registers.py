"""The registers enterprises declare (Jiangsu 7.4.4-7.4.9), for the demo year 2025: the
characteristic-pollutant catalogue from each plant's outfalls, a year of solid waste for the
plants with hazardous waste, LDAR rounds at the petrochemical plants, monthly energy and a
yearly carbon account for every plant. Drawn from their own random stream.

Built in: one plant generates more of a hazardous waste than its permit's yearly maximum, and
one LDAR leak is repaired after the 15-day deadline (findings of ``sources.registers``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from etl.demo.enterprises import Enterprise
from etl.demo.outfalls import PETROCHEMICAL, Outfall

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
#: (code, name) of the hazardous wastes plants declare (国家危险废物名录 2021).
HAZARDOUS = (
    ("900-041-49", "废包装物（沾染危险废物）"),
    ("900-039-49", "废活性炭（VOCs治理）"),
    ("900-249-08", "废矿物油"),
)
SLUDGE = ("SW07", "污水处理污泥")
WASTEWATER_NAMES = {
    "w01018": "化学需氧量",
    "w21003": "氨氮",
    "w21011": "总磷",
    "w21001": "总氮",
}
EXHAUST_NAMES = {
    "a24088": "非甲烷总烃",
    "a34013": "颗粒物",
    "a21026": "二氧化硫",
    "a21002": "氮氧化物",
    "a21001": "氨",
    "a21028": "硫化氢",
}
REASONS = {
    "w01018": ["large_load"],
    "w21003": ["large_load"],
    "w21011": ["priority_list"],
    "w21001": ["large_load"],
    "a24088": ["industry_typical"],
    "a34013": ["large_load"],
    "a21026": ["large_load"],
    "a21002": ["large_load"],
    "a21001": ["odour", "toxic"],
    "a21028": ["odour", "toxic"],
}
#: t CO₂ per unit: coal (t), natural gas (m³), electricity (kWh; 0.5810 t/MWh, the national
#: grid factor announced for 2022), steam (t, ≈ 0.11 t/GJ × 2.8 GJ/t) — demo factors.
CO2_FACTORS = {"coal_t": 1.9, "gas_m3": 0.00216, "electricity_kwh": 0.000581, "steam_t": 0.3}
#: Typical concentrations for the catalogue's estimated annual loads (mg/L; mg/m³), demo values.
TYPICAL = {
    "w01018": 200.0, "w21003": 15.0, "w21011": 2.0, "w21001": 30.0,
    "a24088": 30.0, "a34013": 10.0, "a21026": 20.0, "a21002": 50.0, "a21001": 2.0,
    "a21028": 0.2,
}  # fmt: skip
STACK_M3_PER_YEAR = 15000.0 * 7200.0  # a stack's flue gas: 15 000 m³/h for 7 200 h
STANDARDS_DIR = Path(__file__).resolve().parents[2] / "data" / "standards"
LDAR_COMPONENTS = 40
LDAR_ROUNDS = ("2025-05-12", "2025-11-10")


@dataclass(frozen=True)
class Registers:
    """Rows of each register, as ``write_table`` writes them."""

    pollutant_catalogue: list[dict[str, object]]
    solid_waste: list[dict[str, object]]
    ldar_checks: list[dict[str, object]]
    energy_use: list[dict[str, object]]
    carbon_accounts: list[dict[str, object]]


def standard_limits(directory: Path = STANDARDS_DIR) -> dict[tuple[str, str, str], float]:
    """(standard, class, parameter) → the upper limit of the discharge standards' files (the
    shortest period's, as a catalogue shows one limit)."""
    order = {"sample": 0, "1h": 1, "24h": 2}
    best: dict[tuple[str, str, str], tuple[int, float]] = {}
    for path in sorted(directory.glob("gb*_*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["bound"] != "upper" or row["period"] not in order:
                    continue
                key = (row["standard"], row["quality_class"], row["parameter"])
                rank = order[row["period"]]
                if key not in best or rank < best[key][0]:
                    best[key] = (rank, float(row["limit_value"]))
    return {key: value for key, (_, value) in best.items()}


def _catalogue(
    e: Enterprise, outfalls: list[Outfall], limits: dict[tuple[str, str, str], float]
) -> list[dict[str, object]]:
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for o in outfalls:
        names = WASTEWATER_NAMES if o.kind == "wastewater" else EXHAUST_NAMES
        medium = "wastewater" if o.kind == "wastewater" else "exhaust"
        if o.kind not in {"wastewater", "stack"}:
            continue
        row = o.row()
        standard, standard_class = str(row["standard"]), str(row["standard_class"])
        for code in o.pollutants:
            if code in names and (medium, code) not in rows:
                if medium == "wastewater":
                    load_t = max(e.wastewater_m3d, 20.0) * 365 * TYPICAL[code] * 1e-6
                else:
                    load_t = STACK_M3_PER_YEAR * TYPICAL[code] * 1e-9
                rows[(medium, code)] = {
                    "credit_code": e.credit_code,
                    "medium": medium,
                    "parameter": code,
                    "name": names[code],
                    "reasons": REASONS[code],
                    "annual_load_t": round(load_t, 3),
                    "standard": standard,
                    "limit_value": limits.get((standard, standard_class, code)),
                }
    return list(rows.values())


def _solid_waste(e: Enterprise, rng: np.random.Generator, over: bool) -> list[dict[str, object]]:
    wastes = [HAZARDOUS[int(rng.integers(len(HAZARDOUS)))], SLUDGE]
    rows: list[dict[str, object]] = []
    for k, (code, name) in enumerate(wastes):
        monthly_t = float(rng.uniform(0.5, 6.0))
        maximum = round(monthly_t * 12 * (0.9 if over and k == 0 else 1.4), 1)
        for month in MONTHS:
            generated = round(monthly_t * float(rng.uniform(0.8, 1.2)), 2)
            hazardous = code != SLUDGE[0]
            rows.append(
                {
                    "credit_code": e.credit_code,
                    "period": month,
                    "category": "hazardous" if hazardous else "general",
                    "waste_code": code,
                    "name": name,
                    "max_permitted_t_per_year": maximum,
                    "generated_t": generated,
                    "utilised_t": 0.0 if hazardous else round(generated * 0.3, 2),
                    "disposed_t": round(generated * (0.95 if hazardous else 0.7), 2),
                    "stored_t": round(generated * 0.05, 2) if hazardous else 0.0,
                    "receiver": "泰兴市申联环保科技有限公司" if hazardous else "园区污泥处置中心",
                    "receiver_licence_no": "JS1283OOD001-8" if hazardous else None,
                    "receiver_qualified": True,
                }
            )
    return rows


def _ldar(e: Enterprise, rng: np.random.Generator, late: bool) -> list[dict[str, object]]:
    kinds = ["valve"] * 24 + ["flange"] * 12 + ["pump"] * 3 + ["open_ended_line"]
    rows = []
    for r, day in enumerate(LDAR_ROUNDS):
        for k in range(LDAR_COMPONENTS):
            reading = float(np.round(rng.lognormal(3.0, 1.2), 1))
            leaking = reading >= 2000.0 or (r == 0 and k == 7)
            if leaking:
                reading = max(reading, 2600.0)
            repaired = None
            if leaking:
                days = 21 if late and r == 0 and k == 7 else int(rng.integers(2, 12))
                repaired = str(np.datetime64(day) + np.timedelta64(days, "D"))
            rows.append(
                {
                    "credit_code": e.credit_code,
                    "unit": "一期合成装置",
                    "component_id": f"{e.short}-LD{k + 1:03d}",
                    "component_type": kinds[k],
                    "checked_on": day,
                    "reading_ppm": reading,
                    "leak_threshold_ppm": 2000.0,
                    "leaking": leaking,
                    "repaired_on": repaired,
                    "recheck_ppm": float(np.round(rng.uniform(5, 200), 1)) if leaking else None,
                }
            )
    return rows


def _energy(e: Enterprise, rng: np.random.Generator) -> list[dict[str, object]]:
    scale = max(e.wastewater_m3d, 20.0) / 100.0
    rows = []
    for month in MONTHS:
        f = float(rng.uniform(0.85, 1.15))
        rows.append(
            {
                "credit_code": e.credit_code,
                "period": month,
                "water_m3": round(scale * 4000 * f),
                "electricity_kwh": round(scale * 180000 * f),
                "gas_m3": round(scale * 9000 * f),
                "steam_t": round(scale * 600 * f, 1),
                "oil_t": round(scale * 2 * f, 2),
                "coal_t": 0.0,
                "biomass_t": 0.0,
            }
        )
    return rows


def _carbon(e: Enterprise, energy: list[dict[str, object]]) -> dict[str, object]:
    co2 = 0.0
    for row in energy:
        for name, factor in CO2_FACTORS.items():
            co2 += float(str(row[name])) * factor
    return {
        "credit_code": e.credit_code,
        "year": 2025,
        "accounting_unit": "全厂",
        "co2_t": round(co2, 1),
        "method": "calculation",
        "output": round(max(e.wastewater_m3d, 20.0) * 30.0, 0),
        "output_unit": "t",
    }


def build_registers(
    enterprises: list[Enterprise], outfalls: list[Outfall], rng: np.random.Generator
) -> Registers:
    """Every register's demo rows."""
    by_credit: dict[str, list[Outfall]] = {}
    for o in outfalls:
        by_credit.setdefault(o.credit_code, []).append(o)
    catalogue, waste, ldar, energy, carbon = [], [], [], [], []
    waste_plants = [e for e in enterprises if e.key_discharger][:12]
    petrochemical = [e for e in enterprises if e.industry.code in PETROCHEMICAL][:4]
    limits = standard_limits()
    for e in enterprises:
        catalogue.extend(_catalogue(e, by_credit.get(e.credit_code, []), limits))
        months = _energy(e, rng)
        energy.extend(months)
        carbon.append(_carbon(e, months))
    for k, e in enumerate(waste_plants):
        waste.extend(_solid_waste(e, rng, over=k == 0))
    for k, e in enumerate(petrochemical):
        ldar.extend(_ldar(e, rng, late=k == 0))
    return Registers(catalogue, waste, ldar, energy, carbon)
