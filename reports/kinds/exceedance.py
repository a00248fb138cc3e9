"""The exceedance report (Jiangsu 8.1): every exceedance of the period, for any period length; the
schedule runs it monthly."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity as G
from reports.periods import Period
from reports.spec import ReportKind


def build(engine: sa.Engine, period: Period) -> Report:
    """The report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.periodic import exceedance_report as build_report

    return build_report(engine, period)


KIND = ReportKind(
    id="exceedance",
    zh="超标报告",
    en="Exceedance report",
    granularities=(G.MONTH, G.DAY, G.WEEK, G.QUARTER, G.YEAR),
    build=build,
    source="Jiangsu 8.1",
)
