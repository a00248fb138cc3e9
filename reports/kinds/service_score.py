"""The yearly 100-point score of the park's hosting service (Guangxi Appendix M, Table M.1)."""

from __future__ import annotations

from reports.periods import Granularity
from reports.service_score import build
from reports.spec import ReportKind

KIND = ReportKind(
    id="service-score",
    zh="托管服务考核评分",
    en="Service score (Appendix M)",
    granularities=(Granularity.YEAR,),
    build=build,
    source="Guangxi Appendix M, 7.2",
)
