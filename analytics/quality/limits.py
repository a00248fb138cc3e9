"""The limits of the standards, chosen by date, and which standard applies to which station.

Limits come from the ``standard_limits`` table (loaded from data/standards by ``onemap
standards load``) or straight from those files. A value is judged by the row whose
``valid_from <= local date <= valid_to`` (``valid_to`` empty = open), so data of 2025 is judged
by GB 3095-2012 and data from 2026-03-01 by GB 3095-2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import sqlalchemy as sa

LIMIT_COLUMNS = [
    "standard",
    "edition",
    "title",
    "parameter",
    "quality_class",
    "period",
    "bound",
    "limit_value",
    "unit",
    "valid_from",
    "valid_to",
    "clause",
    "confirmed",
]

#: Station type → (standard, class) it is judged by. Ambient air stations in a park are in a
#: class II area (GB 3095 4.1); surface water is judged against class III, the usual target of
#: a receiving river (set per park); fugitive boundary stations by GB 16297's boundary limit;
#: sewer online stations by GB/T 31962 grade B. Met, hydro, noise, soil and groundwater
#: stations have no limits here yet.
DEFAULT_STANDARDS: Mapping[str, tuple[str, str]] = {
    "air": ("GB 3095", "II"),
    "surface_water": ("GB 3838", "III"),
    "fugitive": ("GB 16297", "周界"),
    "source_online": ("GB/T 31962", "B"),
}

#: Unit conversions the judgement needs: (from, to) → factor.
UNIT_FACTORS: Mapping[tuple[str, str], float] = {
    ("mg/m³", "μg/m³"): 1000.0,
    ("μg/m³", "mg/m³"): 0.001,
}


#: Spellings of "no unit" (pH): observations store none, the standards' files say 无量纲.
DIMENSIONLESS = frozenset({"", "无量纲"})


def _unit_key(unit: object) -> str:
    if unit is None or (isinstance(unit, float) and unit != unit):  # None or NaN: no unit
        return ""
    text = str(unit)
    return "" if text in DIMENSIONLESS else text


def unit_factor(from_unit: object, to_unit: object) -> float:
    """The factor turning a value in ``from_unit`` into ``to_unit``; NaN when unknown.

    No unit, an empty unit and 无量纲 are the same (dimensionless, e.g. pH)."""
    source, target = _unit_key(from_unit), _unit_key(to_unit)
    if source == target:
        return 1.0
    return UNIT_FACTORS.get((source, target), float("nan"))


def unit_factors(units: npt.ArrayLike, limit_units: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """:func:`unit_factor` element-wise, computed once per distinct pair of units."""
    unit_codes, unit_values = pd.factorize(np.asarray(units, dtype=object), use_na_sentinel=False)
    limit_codes, limit_values = pd.factorize(
        np.asarray(limit_units, dtype=object), use_na_sentinel=False
    )
    table = np.array(
        [[unit_factor(u, lu) for lu in limit_values] for u in unit_values], dtype=float
    ).reshape(len(unit_values), len(limit_values))
    factors: npt.NDArray[np.float64] = table[unit_codes, limit_codes]
    return factors


def read_limits(connection: sa.Connection) -> pd.DataFrame:
    """Every row of ``standard_limits``."""
    columns = ", ".join(f'"{c}"' for c in LIMIT_COLUMNS)
    rows = connection.execute(sa.text(f"SELECT {columns} FROM standard_limits")).all()
    return _typed(pd.DataFrame([tuple(r) for r in rows], columns=LIMIT_COLUMNS))


def read_limit_files(directory: str | Path) -> pd.DataFrame:
    """The limits of every CSV in ``directory`` (data/standards), as the table would hold them."""
    frames = [
        pd.read_csv(p, dtype=str, keep_default_na=False)
        for p in sorted(Path(directory).glob("*.csv"))
        if not p.name.endswith(".rejects.csv")
    ]
    frame = pd.concat(frames, ignore_index=True)[LIMIT_COLUMNS]
    frame["limit_value"] = frame["limit_value"].astype(float)
    frame["confirmed"] = frame["confirmed"].str.lower().eq("true")
    frame["valid_from"] = pd.to_datetime(frame["valid_from"]).dt.date
    frame["valid_to"] = pd.to_datetime(frame["valid_to"].replace("", None)).dt.date
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["limit_value"] = frame["limit_value"].astype(float)
    frame["valid_from"] = pd.to_datetime(frame["valid_from"])
    frame["valid_to"] = pd.to_datetime(frame["valid_to"]).fillna(pd.Timestamp.max.normalize())
    return frame


def limits_by_date(
    values: pd.DataFrame, limits: pd.DataFrame, on: list[str], date_column: str = "date"
) -> pd.DataFrame:
    """``values`` joined with the limit row in force on each row's date.

    ``values`` has the ``on`` columns (e.g. standard, quality_class, parameter, period) and a
    ``date_column`` of naive local dates (datetime64); rows without a limit in force are left
    out. The limit's columns come in under their own names (``limit_value``, ``unit`` as
    ``limit_unit``, ``edition``, ``clause``, ``confirmed`` ...).
    """
    right = limits.rename(columns={"unit": "limit_unit"})
    merged = values.merge(right, on=on, how="inner")
    when = merged[date_column]
    in_force = (merged["valid_from"] <= when) & (when <= merged["valid_to"])
    return merged[in_force.to_numpy()].reset_index(drop=True)


def limit_for(
    limits: pd.DataFrame,
    *,
    standard: str,
    quality_class: str,
    parameter: str,
    period: str,
    on: dt.date,
    bound: str | None = None,
) -> pd.Series | None:
    """The one limit row in force on ``on``; ``None`` when there is none. A range (pH 6-9) has
    a row per bound: pass ``bound`` ("lower" or "upper") to choose one."""
    when = pd.Timestamp(on)
    if bound is not None:
        limits = limits[limits["bound"] == bound]
    rows = limits[
        (limits["standard"] == standard)
        & (limits["quality_class"] == quality_class)
        & (limits["parameter"] == parameter)
        & (limits["period"] == period)
        & (limits["valid_from"] <= when)
        & (when <= limits["valid_to"])
    ]
    if rows.empty:
        return None
    row: pd.Series = rows.iloc[int(np.argmax(rows["valid_from"].to_numpy()))]
    return row
