"""The parameter dictionary written from the HJ 212 catalogue, with the limits in force.

The catalogue (:data:`layers.parameters.PARAMETERS`) is code; the table ``parameters`` is its
copy in the database, so that the API serves it as a collection and QGIS relates observations
and exceedance events to it. ``limits`` sums up the rows of ``standard_limits`` in force on
``as_of``, by standard, edition and class: ``GB 3095-2012 II类：1小时平均 ≤ 200 μg/m³；…``
(HJ 633's AQI breakpoints are left out: they grade, they do not limit).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa

from layers.parameters import PARAMETERS
from layers.shared_fields import AVERAGING_PERIOD

_PERIODS = {str(c.value): c.zh for c in AVERAGING_PERIOD.choices}
_BOUND_SIGNS = {"upper": "≤", "lower": "≥"}


def _limits_in_force(connection: sa.Connection, as_of: dt.date) -> dict[str, str]:
    rows = connection.execute(
        sa.text(
            "SELECT parameter, standard, edition, quality_class, period, bound, limit_value, unit "
            "FROM standard_limits WHERE valid_from <= :d AND (valid_to IS NULL OR valid_to > :d) "
            # HJ 633's IAQI breakpoints grade the AQI: not limits a value must keep to
            "AND quality_class NOT LIKE 'IAQI %' "
            "ORDER BY parameter, standard, edition, quality_class, period, bound"
        ),
        {"d": as_of},
    ).all()
    by_class: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for code, standard, edition, quality_class, period, bound, value, unit in rows:
        key = f"{standard}-{edition} {quality_class}类"
        shown = f"{value:g}" + (f" {unit}" if unit else "")
        by_class[code][key].append(f"{_PERIODS.get(period, period)} {_BOUND_SIGNS[bound]} {shown}")
    return {
        code: "；".join(f"{key}：{'，'.join(items)}" for key, items in classes.items())
        for code, classes in by_class.items()
    }


def write_parameter_dictionary(engine: sa.Engine, as_of: dt.date | None = None) -> int:
    """Upsert every catalogue parameter into ``parameters`` with the limits in force on
    ``as_of`` (default today); returns the number of parameters written."""
    day = as_of or dt.date.today()
    with engine.begin() as connection:
        limits = _limits_in_force(connection, day)
        connection.execute(
            sa.text(
                "INSERT INTO parameters (code, name_zh, name_en, unit, medium, aliases, limits) "
                "VALUES (:code, :zh, :en, :unit, :medium, :aliases, :limits) "
                "ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, "
                "name_en = EXCLUDED.name_en, unit = EXCLUDED.unit, medium = EXCLUDED.medium, "
                "aliases = EXCLUDED.aliases, limits = EXCLUDED.limits"
            ),
            [
                {
                    "code": p.code,
                    "zh": p.zh,
                    "en": p.en,
                    "unit": p.unit or None,
                    "medium": p.medium,
                    "aliases": "、".join(p.aliases) or None,
                    "limits": limits.get(p.code),
                }
                for p in PARAMETERS
            ],
        )
    return len(PARAMETERS)
