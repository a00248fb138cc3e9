"""The disconnection report (Jiangsu 8.1): every disconnection of the period with its
duration, for any period length; the schedule runs it monthly."""

from __future__ import annotations

from reports.periodic import disconnection_report
from reports.periods import Granularity as G
from reports.spec import ReportKind

KIND = ReportKind(
    id="disconnection",
    zh="断线报告",
    en="Disconnection report",
    granularities=(G.MONTH, G.DAY, G.WEEK, G.QUARTER, G.YEAR),
    build=disconnection_report,
    source="Jiangsu 8.1",
)
