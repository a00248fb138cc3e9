"""The whole Guangxi Table I.2 form (protection targets) of the park, once a year."""

from __future__ import annotations

from reports.periods import Granularity
from reports.receptors_i2 import build
from reports.spec import ReportKind

KIND = ReportKind(
    id="receptors-i2",
    zh="环境保护目标调查表",
    en="Protection targets (Table I.2)",
    granularities=(Granularity.YEAR,),
    build=build,
    source="Guangxi Table I.2",
)
