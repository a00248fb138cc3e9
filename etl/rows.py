"""Rows validated the one way: the checks every file row and every feature written through the
API go through (types, enums with their Chinese labels, patterns, ranges, the credit-code and
CAS checks, units of parameters, natural keys, geometry type, validity and coordinates, foreign
keys). ``etl.load`` reads files into columns and calls :func:`parse_values`; a feature written
through the API (``geoapi.feature_input``) is one row, judged by :func:`parse_row` with the same
field rules (:mod:`etl.field_rules`) value by value, then given the same geometry and reference
checks."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd
import sqlalchemy as sa

from etl.crs import SourceCrs
from etl.field_rules import rule_for
from etl.geometry import conform, transform_geometries
from etl.headers import field_title
from etl.units import check_units, unit_problem
from etl.upsert import existing_values, geometry_ewkb_hex
from etl.validate import Reasons, missing_references, parse_field
from layers import BY_ID
from layers.schema import GEOMETRY_COLUMN
from layers.spec import Layer


def parse_values(
    layer: Layer,
    columns: Mapping[str, pd.Series],
    n_rows: int,
    reasons: Reasons,
    zone: zoneinfo.ZoneInfo,
) -> pd.DataFrame:
    """Each given field's raw column parsed to its type, with the row-level rules applied."""
    parsed = {
        name: parse_field(layer.field(name), column, reasons, zone)
        for name, column in columns.items()
    }
    values = pd.DataFrame(parsed, index=pd.RangeIndex(n_rows))
    if "parameter" in values and "unit" in layer.field_names:
        given = values["unit"] if "unit" in values else pd.Series(None, index=values.index)
        values["unit"], problems = check_units(values["parameter"], given)
        reasons.add_each(problems.notna().to_numpy(), problems)
    for name in layer.natural_key:  # a NULL key would never conflict, so never upsert
        if not layer.field(name).required:
            reasons.add(values[name].isna(), _key_missing(layer, name))
    return values


def parse_row(
    layer: Layer, raw: Mapping[str, object], zone: zoneinfo.ZoneInfo
) -> tuple[dict[str, object], list[str]]:
    """One row's given fields parsed as :func:`parse_values` parses a column of them: the values
    (None where empty or bad) and the reasons, in the order the column path reports them."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for name, cell in raw.items():
        values[name], found = rule_for(layer.field(name)).judge(cell, zone)
        problems += found
    if "parameter" in values and "unit" in layer.field_names:
        values["unit"], problem = unit_problem(values["parameter"], values.get("unit"))
        if problem is not None:
            problems.append(problem)
    for name in layer.natural_key:
        if not layer.field(name).required and values[name] is None:
            problems.append(_key_missing(layer, name))
    return values, problems


def _key_missing(layer: Layer, name: str) -> str:
    return f"缺少 {field_title(layer.field(name))} / {name} missing"


def add_geometries(
    layer: Layer,
    values: pd.DataFrame,
    geometries: npt.NDArray[np.object_],
    reasons: Reasons,
    source: SourceCrs | None = None,
) -> None:
    """Geometries (in ``source``, else WGS84 already) conformed to the layer's column and put
    into ``values`` as hex EWKB."""
    if source is not None and not source.is_wgs84:
        geometries = transform_geometries(geometries, source)
    conformed = conform(geometries, layer, reasons)
    values[GEOMETRY_COLUMN] = geometry_ewkb_hex(conformed, layer.srid)


def check_references(
    connection: sa.Connection, layer: Layer, values: pd.DataFrame, reasons: Reasons
) -> None:
    """Foreign keys must exist in the target table, or (self-references) among good rows."""
    for f, target_layer, target_field in layer.references:
        if f.name not in values.columns or not f.enforced:
            continue  # an unenforced reference is checked by its field's own check
        column = values[f.name]
        known = existing_values(connection, target_layer, target_field, column.dropna().unique())
        if target_layer == layer.id and target_field in values.columns:
            known |= set(values.loc[~reasons.bad, target_field].dropna())
        target = BY_ID[target_layer]
        reasons.add(
            missing_references(column, known),
            f"{field_title(f)} {{}} 在{target.zh}中不存在 / {f.name} {{}} "
            f"not found in {target_layer}.{target_field}",
            column,
        )
