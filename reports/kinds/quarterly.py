"""The quarterly environmental report (Jiangsu 8.1)."""

from __future__ import annotations

import sqlalchemy as sa

from reports.model import Report
from reports.periodic import environmental_report
from reports.periods import Granularity, Period
from reports.spec import ReportKind

ZH, EN = "环境季报", "Quarterly environmental report"


def build(engine: sa.Engine, period: Period) -> Report:
    """The quarterly report of ``period``."""
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
