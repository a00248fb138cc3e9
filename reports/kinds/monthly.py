"""The monthly environmental report (Jiangsu 8.1)."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period
from reports.spec import ReportKind

ZH, EN = "环境月报", "Monthly environmental report"


def build(engine: sa.Engine, period: Period) -> Report:
    """The monthly report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.periodic import environmental_report

    return environmental_report(engine, period, "monthly", ZH, EN)


KIND = ReportKind(
    id="monthly",
    zh=ZH,
    en=EN,
    granularities=(Granularity.MONTH,),
    build=build,
    public=False,
    source="Jiangsu 8.1",
)
