"""The annual environmental report (Jiangsu 8.1), published on /public (Jiangsu 7.8.3)."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period
from reports.spec import ReportKind

ZH, EN = "环境质量年度报告", "Annual environmental quality report"


def build(engine: sa.Engine, period: Period) -> Report:
    """The annual report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.periodic import environmental_report

    return environmental_report(engine, period, "annual", ZH, EN)


KIND = ReportKind(
    id="annual",
    zh=ZH,
    en=EN,
    granularities=(Granularity.YEAR,),
    build=build,
    public=True,
    source="Jiangsu 8.1, 7.8.3",
)
