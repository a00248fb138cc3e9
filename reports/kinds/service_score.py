"""The yearly 100-point score of the park's hosting service (Guangxi Appendix M, Table M.1)."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period
from reports.spec import ReportKind


def build(engine: sa.Engine, period: Period) -> Report:
    """The report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.service_score import build as build_report

    return build_report(engine, period)


KIND = ReportKind(
    id="service-score",
    zh="托管服务考核评分",
    en="Service score (Appendix M)",
    granularities=(Granularity.YEAR,),
    build=build,
    source="Guangxi Appendix M, 7.2",
)
