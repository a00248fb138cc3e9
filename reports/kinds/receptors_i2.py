"""The whole Guangxi Table I.2 form (protection targets) of the park, once a year."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period
from reports.spec import ReportKind


def build(engine: sa.Engine, period: Period) -> Report:
    """The report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.receptors_i2 import build as build_report

    return build_report(engine, period)


KIND = ReportKind(
    id="receptors-i2",
    zh="环境保护目标调查表",
    en="Protection targets (Table I.2)",
    granularities=(Granularity.YEAR,),
    build=build,
    source="Guangxi Table I.2",
)
