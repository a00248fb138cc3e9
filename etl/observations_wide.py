"""Wide monitoring exports: one row per station and time, one column per factor.

Monitoring platforms export tables such as::

    站点编码, 监测时间, SO2(μg/m³), NO2(μg/m³), PM2.5, a21005-Rtd, a21005-Flag

A factor column is recognised when its header, less a unit in brackets and an HJ 212 field
suffix (-Rtd, -Avg, -Min, -Max), names a parameter by its HJ 212 code, Chinese name or alias
(:func:`layers.parameters.resolve_parameter`). ``<factor>-Flag`` columns give that factor's data
flag. The table is turned into the long form the observations layer stores — one row per
station, time and parameter — before the usual validation, so each rejected value is reported
as its own long row, with the line number of the wide row it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from etl.headers import map_columns
from etl.read import RawInput
from layers.parameters import resolve_parameter
from layers.spec import Layer

_UNIT_IN_BRACKETS = re.compile(r"^(?P<name>.*?)\s*[（(\[]\s*(?P<unit>[^）)\]]*)\s*[）)\]]\s*$")
_HJ212_SUFFIX = re.compile(r"-(Rtd|Avg|Min|Max|ZsRtd|ZsAvg)$", re.IGNORECASE)
_FLAG_SUFFIX = re.compile(r"-Flag$", re.IGNORECASE)


@dataclass(frozen=True)
class FactorColumn:
    header: str
    parameter: str
    unit: str | None
    flag_header: str | None = None


def _factor(header: str) -> FactorColumn | None:
    name, unit = header.strip(), None
    bracketed = _UNIT_IN_BRACKETS.match(name)
    if bracketed:
        name, unit = bracketed["name"], bracketed["unit"].strip() or None
    name = _HJ212_SUFFIX.sub("", name)
    code = resolve_parameter(name)
    return FactorColumn(header, code, unit) if code else None


def factor_columns(layer: Layer, columns: list[str]) -> list[FactorColumn]:
    """The factor columns of a wide table; empty when the table is already long."""
    mapping = map_columns(layer, columns, table=True)
    if "parameter" in mapping.fields or "value" in mapping.fields:
        return []
    flags = {
        resolve_parameter(_FLAG_SUFFIX.sub("", c).strip()): c
        for c in columns
        if _FLAG_SUFFIX.search(c)
    }
    factors = []
    for column in columns:
        if column in mapping.fields.values() or _FLAG_SUFFIX.search(column):
            continue
        found = _factor(column)
        if found is not None:
            factors.append(replace(found, flag_header=flags.get(found.parameter)))
    return factors


def to_long(raw: RawInput, layer: Layer) -> RawInput:
    """``raw`` in long form when it is a wide table of factors; otherwise ``raw`` unchanged."""
    columns = [str(c) for c in raw.frame.columns]
    factors = factor_columns(layer, columns)
    if not factors:
        return raw
    factor_headers = {f.header for f in factors} | {f.flag_header for f in factors}
    keys = [c for c in columns if c not in factor_headers]
    parts, numbers = [], []
    for f in factors:
        values = raw.frame[f.header]
        present = values.notna() & (values.astype("string").str.strip() != "")
        part = raw.frame.loc[present, keys].copy()
        part["parameter"] = f.parameter
        part["value"] = values[present]
        part["unit"] = f.unit
        part["flag"] = raw.frame.loc[present, f.flag_header] if f.flag_header else None
        parts.append(part)
        numbers.append(raw.row_numbers[present.to_numpy()])
    long = pd.concat(parts, ignore_index=True)
    row_numbers = np.concatenate(numbers)
    order = np.argsort(row_numbers, kind="stable")  # back in file order, factors within a row
    return replace(
        raw, frame=long.iloc[order].reset_index(drop=True), row_numbers=row_numbers[order]
    )
