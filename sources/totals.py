"""Running totals against the permitted totals (Jiangsu 7.4.1 超总量预警).

An enterprise's running total of a pollutant for a year is the sum of its outfalls' yearly
loads; the warning is raised at :data:`WARNING_SHARE` of the permitted total and the total is
exceeded at :data:`EXCEEDED_SHARE` (80 % and 100 %, as the guideline asks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.parameters import BY_CODE

WARNING_SHARE = 0.8
EXCEEDED_SHARE = 1.0
KG_PER_T = 1000.0


def running_totals(permits: pd.DataFrame, yearly_loads: pd.DataFrame) -> pd.DataFrame:
    """``permits`` (credit_code, parameter, year, permitted_t) with ``emitted_t``, ``share_pct``
    and ``total_status`` (normal, warning, exceeded).

    ``yearly_loads``: credit_code, parameter, year, load_kg (one row per outfall and year, or
    already summed). A permit without loads has a running total of 0 t.
    """
    summed = (
        yearly_loads.groupby(["credit_code", "parameter", "year"], as_index=False)["load_kg"]
        .sum()
        .astype({"year": int})
    )
    out = permits.astype({"year": int}).merge(
        summed, on=["credit_code", "parameter", "year"], how="left"
    )
    out["emitted_t"] = out["load_kg"].fillna(0.0) / KG_PER_T
    permitted = out["permitted_t"].astype(float)
    share = np.where(permitted > 0, out["emitted_t"] / permitted.where(permitted > 0), np.inf)
    out["share_pct"] = np.round(share * 100.0, 1)
    out["total_status"] = np.select(
        [share >= EXCEEDED_SHARE, share >= WARNING_SHARE], ["exceeded", "warning"], "normal"
    )
    return out.drop(columns=["load_kg"])


STATUS_ZH = {"normal": "正常", "warning": "预警", "exceeded": "超总量"}


def amount(value: float) -> str:
    """An amount as a person reads it: three significant figures below 100, else thousands
    separated with one decimal (``8.52``, ``90.4``, ``1,290.3``)."""
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.1f}"


def total_line(row: pd.Series) -> str:
    """``2025 化学需氧量 8.5 / 10 t（85.0 %，预警）`` for one permit row."""
    name = BY_CODE[row["parameter"]].zh if row["parameter"] in BY_CODE else row["parameter"]
    return (
        f"{row['year']} {name} {amount(row['emitted_t'])} / {row['permitted_t']:g} t"
        f"（{row['share_pct']:g} %，{STATUS_ZH[row['total_status']]}）"
    )


def park_totals(targets: pd.DataFrame, yearly_loads: pd.DataFrame) -> pd.DataFrame:
    """The park's ``targets`` (year, parameter, target_t) with ``emitted_t``, ``share_pct`` and
    ``total_status`` from ``yearly_loads`` (parameter, year, load_kg of the outfalls that count
    for the park: see ``layers.park_targets``), by the thresholds of :func:`running_totals`."""
    permits = targets.rename(columns={"target_t": "permitted_t"}).assign(credit_code="park")
    out = running_totals(permits, yearly_loads.assign(credit_code="park"))
    return out.drop(columns=["credit_code"]).rename(columns={"permitted_t": "target_t"})
