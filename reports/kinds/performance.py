"""The yearly enterprise environmental performance evaluation and ranking (Jiangsu 7.8.4)."""

from __future__ import annotations

from reports.performance import build
from reports.periods import Granularity
from reports.spec import ReportKind

KIND = ReportKind(
    id="performance",
    zh="企业环境绩效评估",
    en="Enterprise environmental performance",
    granularities=(Granularity.YEAR,),
    build=build,
    source="Jiangsu 7.8.4",
)
