"""Units of monitoring values: one spelling each, and whether a unit fits its parameter.

Monitoring exports spell units many ways (ug/m3, μg/m3, mg/Nm3, mg/l, °C). A value is kept in
the unit it was reported in — a stack reports SO₂ in mg/m³ where an ambient station uses μg/m³ —
but the unit must measure the same quantity as the parameter's catalogue unit
(:mod:`layers.parameters`); anything else is a unit mismatch and the row is rejected.
"""

from __future__ import annotations

import pandas as pd

from layers.parameters import BY_CODE

#: canonical spelling → the quantity it measures
QUANTITY: dict[str, str] = {
    "μg/m³": "air concentration",
    "mg/m³": "air concentration",
    "ng/m³": "air concentration",
    "mg/L": "water concentration",
    "μg/L": "water concentration",
    "": "dimensionless",
    "℃": "temperature",
    "%": "fraction",
    "m/s": "speed",
    "°": "angle",
    "kPa": "pressure",
    "hPa": "pressure",
    "Pa": "pressure",
    "L/s": "flow",
    "m³/s": "flow",
    "m³/h": "flow",
    "m³/d": "flow",
    # the manual campaigns (campaign_samples): noise levels and soil contents
    "dB(A)": "sound level",
    "mg/kg": "soil content",
}

_SPELLINGS: dict[str, str] = {
    "ug/m3": "μg/m³",
    "µg/m3": "μg/m³",
    "μg/m3": "μg/m³",
    "µg/m³": "μg/m³",
    "微克/立方米": "μg/m³",
    "mg/m3": "mg/m³",
    "mg/nm3": "mg/m³",
    "mg/nm³": "mg/m³",
    "毫克/立方米": "mg/m³",
    "ng/m3": "ng/m³",
    "mg/l": "mg/L",
    "毫克/升": "mg/L",
    "db(a)": "dB(A)",
    "分贝": "dB(A)",
    "毫克/千克": "mg/kg",
    "ug/l": "μg/L",
    "µg/l": "μg/L",
    "μg/l": "μg/L",
    "无量纲": "",
    "-": "",
    "ph": "",
    "°c": "℃",
    "c": "℃",
    "摄氏度": "℃",
    "度": "°",
    "deg": "°",
    "m3/s": "m³/s",
    "m3/h": "m³/h",
    "m3/d": "m³/d",
    "l/s": "L/s",
}


def canonical_unit(text: object) -> str | None:
    """The canonical spelling of a unit, ``""`` for dimensionless, ``None`` when unknown."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    raw = str(text).strip()
    if raw in QUANTITY:
        return raw
    folded = raw.casefold().replace(" ", "")
    if folded in _SPELLINGS:
        return _SPELLINGS[folded]
    for canonical in QUANTITY:
        if canonical.casefold() == folded:
            return canonical
    return None


def unit_problem(parameter: object, given: object) -> tuple[str | None, str | None]:
    """(canonical unit, reason) for one distinct (parameter, unit as given) pair."""
    expected = BY_CODE[str(parameter)].unit if parameter in BY_CODE else None
    if given is None:
        return expected, None
    unit = canonical_unit(given)
    if expected is None:
        return unit, None  # an unknown parameter is reported by its own check
    if unit is None:
        return None, f"未知单位 {given} / unknown unit {given!r}"
    if QUANTITY[unit] != QUANTITY[expected]:
        return unit, (
            f"单位不符：{parameter} 应为{expected or '无量纲'}，实为{given} / unit mismatch: "
            f"{parameter} is measured in {expected or 'no unit'}, not {given}"
        )
    return unit, None


def check_units(parameters: pd.Series, units: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical units (the catalogue's where none is given) and a reason per mismatched row.

    Returns ``(units, problems)``; ``problems`` is ``None`` where the unit fits. The work is
    done once per distinct (parameter, unit) pair, not once per row.
    """
    blank = units.isna() | (units.astype("string").str.strip() == "")
    pairs = pd.DataFrame(
        {"parameter": parameters.astype(object), "given": units.astype(object).where(~blank, None)}
    )
    distinct = pairs.drop_duplicates().reset_index(drop=True)
    results = [
        unit_problem(p, g) for p, g in zip(distinct["parameter"], distinct["given"], strict=True)
    ]
    distinct["unit"] = [unit for unit, _ in results]
    distinct["problem"] = [reason for _, reason in results]
    merged = pairs.merge(distinct, on=["parameter", "given"], how="left", sort=False)
    merged.index = parameters.index
    return merged["unit"].astype(object), merged["problem"].astype(object)
