"""The exceedance report (Jiangsu 8.1): every exceedance of the period, for any period length; the
schedule runs it monthly."""

from __future__ import annotations

from reports.periodic import exceedance_report
from reports.periods import Granularity as G
from reports.spec import ReportKind

KIND = ReportKind(
    id="exceedance",
    zh="超标报告",
    en="Exceedance report",
    granularities=(G.MONTH, G.DAY, G.WEEK, G.QUARTER, G.YEAR),
    build=exceedance_report,
    source="Jiangsu 8.1",
)
