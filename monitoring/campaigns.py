"""Judging the samples of the manual campaigns (``campaign_samples``) by their standards.

- Noise, GB 3096-2008: a day or night equivalent level (``Leq`` with its ``period``; ``Ld`` and
  ``Ln`` are Leq by day and by night) against the limit of the sample's acoustic zone class
  (0, 1, 2, 3, 4a, 4b); the night's maximum level ``LMx`` against the night limit + 15 dB(A).
  Beyond the limit: ``exceeds``.
- Groundwater, GB/T 14848-2017: per parameter the best class I-IV whose limits the value meets
  (pH by both bounds), worse than IV is class V; ``exceeds`` when the class found is worse than
  the one the sample's use requires (``applies_class``, default III).
- Soil, GB 36600-2018: against the screening and intervention values of the land-use class
  (1, 2): ``above_screening``, ``above_intervention`` or ``meets``.

A sample without a limit (an item the tables lack, a class not given) is ``no_limit``, never
dropped. The limits ship in ``monitoring/data`` (gb3096_2008.csv, gbt14848_2017.csv,
gb36600_2018.csv) with ``confirmed`` false where they could not be read in a source; each
judged sample carries ``limit_confirmed``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from importlib import resources
from typing import Any

import pandas as pd
import sqlalchemy as sa

from monitoring.quality.limits import LIMIT_COLUMNS, unit_factor

LIMIT_FILES = ("gb3096_2008.csv", "gbt14848_2017.csv", "gb36600_2018.csv")
STANDARD_OF = {"noise": "GB 3096", "groundwater": "GB/T 14848", "soil": "GB 36600"}
#: HJ 212 codes of a day or night equivalent level: judged as Leq of that period.
NOISE_LEVELS = {"Ld": "day", "Ln": "night"}
GROUNDWATER_CLASSES = ("I", "II", "III", "IV")
DEFAULT_GROUNDWATER_CLASS = "III"
#: Spellings of the land-use classes (GB 36600 3.x: 第一类用地, 第二类用地).
LAND_USE = {"1": "1", "第一类用地": "1", "一类": "1", "2": "2", "第二类用地": "2", "二类": "2"}
JUDGED = (
    "standard",
    "limit_value",
    "intervention_value",
    "found_class",
    "result",
    "limit_confirmed",
)


def campaign_limits() -> pd.DataFrame:
    """The limits of the three standards (:data:`LIMIT_COLUMNS`), as shipped."""
    frames = []
    for name in LIMIT_FILES:
        with resources.files("monitoring.data").joinpath(name).open(encoding="utf-8") as f:
            frames.append(pd.read_csv(f, dtype=str, keep_default_na=False))
    frame = pd.concat(frames, ignore_index=True)[LIMIT_COLUMNS]
    frame["limit_value"] = frame["limit_value"].astype(float)
    frame["confirmed"] = frame["confirmed"].str.lower().eq("true")
    frame["valid_from"] = pd.to_datetime(frame["valid_from"])
    frame["valid_to"] = pd.to_datetime(frame["valid_to"].replace("", None)).fillna(
        pd.Timestamp.max.normalize()
    )
    return frame


def _rows(limits: pd.DataFrame, standard: str, parameter: str, on: dt.date) -> pd.DataFrame:
    when = pd.Timestamp(on)
    return limits[
        (limits["standard"] == standard)
        & (limits["parameter"] == parameter)
        & (limits["valid_from"] <= when)
        & (when <= limits["valid_to"])
    ]


def _value_in(sample: Mapping[str, Any], limit_unit: str) -> float | None:
    factor = unit_factor(sample.get("unit"), limit_unit)
    return None if factor != factor else float(sample["value"]) * factor  # NaN: unknown unit


def _no_limit(standard: str) -> dict[str, Any]:
    return dict.fromkeys(JUDGED) | {"standard": standard, "result": "no_limit"}


def _noise(sample: Mapping[str, Any], limits: pd.DataFrame, on: dt.date) -> dict[str, Any]:
    parameter, period = str(sample["parameter"]), sample.get("period")
    if parameter in NOISE_LEVELS:
        parameter, period = "Leq", NOISE_LEVELS[parameter]
    rows = _rows(limits, "GB 3096", parameter, on)
    rows = rows[
        (rows["quality_class"] == str(sample.get("applies_class") or ""))
        & (rows["period"] == period)
    ]
    if rows.empty:
        return _no_limit("GB 3096-2008")
    row = rows.iloc[-1]
    value = _value_in(sample, row["unit"])
    if value is None:
        return _no_limit("GB 3096-2008")
    return {
        "standard": f"GB 3096-{row['edition']}",
        "limit_value": float(row["limit_value"]),
        "intervention_value": None,
        "found_class": None,
        "result": "exceeds" if value > row["limit_value"] else "meets",
        "limit_confirmed": bool(row["confirmed"]),
    }


def _groundwater(sample: Mapping[str, Any], limits: pd.DataFrame, on: dt.date) -> dict[str, Any]:
    target = str(sample.get("applies_class") or DEFAULT_GROUNDWATER_CLASS).upper()
    rows = _rows(limits, "GB/T 14848", str(sample["parameter"]), on)
    if rows.empty or target not in (*GROUNDWATER_CLASSES, "V"):
        return _no_limit("GB/T 14848-2017")
    value = _value_in(sample, rows.iloc[0]["unit"])
    if value is None:
        return _no_limit("GB/T 14848-2017")
    found = "V"  # worse than class IV
    for name in GROUNDWATER_CLASSES:
        bounds = rows[rows["quality_class"] == name]
        if bounds.empty:
            continue
        meets = all(
            value >= b["limit_value"] if b["bound"] == "lower" else value <= b["limit_value"]
            for _, b in bounds.iterrows()
        )
        if meets:
            found = name
            break
    order = (*GROUNDWATER_CLASSES, "V")
    at_target = rows[(rows["quality_class"] == target) & (rows["bound"] == "upper")]
    return {
        "standard": f"GB/T 14848-{rows.iloc[0]['edition']}",
        "limit_value": float(at_target.iloc[0]["limit_value"]) if not at_target.empty else None,
        "intervention_value": None,
        "found_class": found,
        "result": "exceeds" if order.index(found) > order.index(target) else "meets",
        "limit_confirmed": bool(rows["confirmed"].all()),
    }


def _soil(sample: Mapping[str, Any], limits: pd.DataFrame, on: dt.date) -> dict[str, Any]:
    land_use = LAND_USE.get(str(sample.get("applies_class") or "").strip())
    rows = _rows(limits, "GB 36600", str(sample["parameter"]), on)
    rows = rows[rows["quality_class"] == land_use]
    screening = rows[rows["period"] == "screening"]
    intervention = rows[rows["period"] == "intervention"]
    if land_use is None or screening.empty:
        return _no_limit("GB 36600-2018")
    value = _value_in(sample, screening.iloc[0]["unit"])
    if value is None:
        return _no_limit("GB 36600-2018")
    s = float(screening.iloc[0]["limit_value"])
    i = float(intervention.iloc[0]["limit_value"]) if not intervention.empty else None
    result = "meets"
    if value > s:
        result = "above_intervention" if i is not None and value > i else "above_screening"
    return {
        "standard": f"GB 36600-{screening.iloc[0]['edition']}",
        "limit_value": s,
        "intervention_value": i,
        "found_class": None,
        "result": result,
        "limit_confirmed": bool(rows["confirmed"].all()),
    }


JUDGES = {"noise": _noise, "groundwater": _groundwater, "soil": _soil}


def judge_sample(
    sample: Mapping[str, Any], limits: pd.DataFrame, zone: zoneinfo.ZoneInfo
) -> dict[str, Any]:
    """The judgement of one sample (the :data:`JUDGED` fields) by the limits in force on its
    local date."""
    sampled = sample["sampled_at"]
    on = sampled.astimezone(zone).date() if isinstance(sampled, dt.datetime) else sampled
    return JUDGES[str(sample["medium"])](sample, limits, on)


def judge_stored(
    connection: sa.Connection,
    zone: zoneinfo.ZoneInfo,
    *,
    everything: bool = False,
    limits: pd.DataFrame | None = None,
) -> dict[str, int]:
    """Judge the samples not judged yet (``everything``: all of them, after the limits
    changed) and store the judgement; the count of samples per result."""
    limits = campaign_limits() if limits is None else limits
    where = "" if everything else " WHERE judged_at IS NULL"
    samples = connection.execute(
        sa.text(
            "SELECT id, medium, parameter, period, value, unit, applies_class, sampled_at"
            f" FROM campaign_samples{where} ORDER BY id"
        )
    ).mappings()
    updates = [{"id": s["id"]} | judge_sample(dict(s), limits, zone) for s in samples]
    if updates:
        assignments = ", ".join(f'"{c}" = :{c}' for c in JUDGED)
        connection.execute(
            sa.text(f"UPDATE campaign_samples SET {assignments}, judged_at = now() WHERE id = :id"),
            updates,
        )
    counts: dict[str, int] = {}
    for u in updates:
        counts[u["result"]] = counts.get(u["result"], 0) + 1
    return counts
