"""The daily environmental report (Jiangsu 8.1)."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period
from reports.spec import ReportKind

ZH, EN = "环境日报", "Daily environmental report"


def build(engine: sa.Engine, period: Period) -> Report:
    """The daily report of ``period`` (its modules imported when it runs, not on listing)."""
    from reports.periodic import environmental_report

    return environmental_report(engine, period, "daily", ZH, EN)


KIND = ReportKind(
    id="daily",
    zh=ZH,
    en=EN,
    granularities=(Granularity.DAY,),
    build=build,
    public=False,
    source="Jiangsu 8.1",
)
