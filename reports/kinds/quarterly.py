"""The quarterly environmental report (Jiangsu 8.1)."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period
from reports.spec import ReportKind

ZH, EN = "环境季报", "Quarterly environmental report"


def build(engine: sa.Engine, period: Period) -> Report:
    """The quarterly report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.periodic import environmental_report

    return environmental_report(engine, period, "quarterly", ZH, EN)


KIND = ReportKind(
    id="quarterly",
    zh=ZH,
    en=EN,
    granularities=(Granularity.QUARTER,),
    build=build,
    public=False,
    source="Jiangsu 8.1",
)
