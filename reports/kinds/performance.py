"""The yearly enterprise environmental performance evaluation and ranking (Jiangsu 7.8.4)."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period
from reports.spec import ReportKind


def build(engine: sa.Engine, period: Period) -> Report:
    """The report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.performance import build as build_report

    return build_report(engine, period)


KIND = ReportKind(
    id="performance",
    zh="企业环境绩效评估",
    en="Enterprise environmental performance",
    granularities=(Granularity.YEAR,),
    build=build,
    source="Jiangsu 7.8.4",
)
