"""Findings and summaries of the registers enterprises declare (Jiangsu 7.4.4-7.4.9).

- Solid waste (7.4.6): a year's generation of a waste above the permit's yearly maximum.
- LDAR (7.4.4): a leak not repaired within :data:`LDAR_REPAIR_DAYS` of its detection (GB
  37822-2019 5.x: first attempt within 5 days, repaired within 15 — ✖ from recall, verify);
  the leak rate per enterprise and round (a round is the quarter of the check).
- Energy (7.4.8): monthly amounts summed by industry and zone.
- Carbon (7.4.9): the intensity per unit of output.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

LDAR_REPAIR_DAYS = 15
ENERGY_COLUMNS = [
    "water_m3",
    "electricity_kwh",
    "gas_m3",
    "steam_t",
    "oil_t",
    "coal_t",
    "biomass_t",
]


def solid_waste_findings(waste: pd.DataFrame) -> pd.DataFrame:
    """The (enterprise, year, waste) whose months' generation passes the permitted maximum.

    ``waste``: credit_code, period (``YYYY-MM``), waste_code, name, generated_t,
    max_permitted_t_per_year. Returns credit_code, year, waste_code, name, generated_t (the
    year's sum), max_permitted_t_per_year, excess_t.
    """
    frame = waste.assign(year=waste["period"].str[:4].astype(int))
    yearly = frame.groupby(["credit_code", "year", "waste_code"], as_index=False).agg(
        name=("name", "first"),
        generated_t=("generated_t", "sum"),
        max_permitted_t_per_year=("max_permitted_t_per_year", "max"),
    )
    over = yearly[yearly["generated_t"] > yearly["max_permitted_t_per_year"]].copy()
    over["excess_t"] = over["generated_t"] - over["max_permitted_t_per_year"]
    return over.reset_index(drop=True)


def ldar_findings(checks: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Leaks repaired late, or still open more than :data:`LDAR_REPAIR_DAYS` after detection
    on ``as_of``. ``checks``: credit_code, component_id, checked_on, leaking, repaired_on (dates
    or None). Returns the leaking rows with ``days_open`` and ``late``, late ones only."""
    leaks = checks[checks["leaking"].fillna(False).astype(bool).to_numpy()].copy()
    found = pd.to_datetime(leaks["checked_on"])
    closed = pd.to_datetime(leaks["repaired_on"]).fillna(pd.Timestamp(as_of))
    leaks["days_open"] = (closed - found).dt.days
    leaks["late"] = leaks["days_open"] > LDAR_REPAIR_DAYS
    return leaks[leaks["late"].to_numpy()].reset_index(drop=True)


def leak_rates(checks: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise and round (``2025Q3``): components checked, leaking, and the leak rate (%)."""
    frame = checks.assign(
        round=pd.to_datetime(checks["checked_on"]).dt.to_period("Q").astype(str),
        leaking=checks["leaking"].fillna(False).astype(bool),
    )
    out = frame.groupby(["credit_code", "round"], as_index=False).agg(
        components=("component_id", "nunique"), leaks=("leaking", "sum")
    )
    out["leak_rate_pct"] = np.round(100.0 * out["leaks"] / out["components"], 2)
    return out


def energy_by(energy: pd.DataFrame, enterprises: pd.DataFrame, by: str) -> pd.DataFrame:
    """Energy amounts summed per ``by`` (``industry_code`` or ``zone``) and month.

    ``enterprises``: credit_code and the ``by`` column."""
    joined = energy.merge(enterprises[["credit_code", by]], on="credit_code", how="left")
    return joined.groupby([by, "period"], as_index=False, dropna=False)[ENERGY_COLUMNS].sum()


def carbon_intensity(carbon: pd.DataFrame) -> pd.Series:
    """t CO₂ per unit of output; NaN where no output is given."""
    output = carbon["output"].astype(float)
    return carbon["co2_t"].astype(float) / output.where(output > 0)
