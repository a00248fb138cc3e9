"""Reports (Jiangsu 8.1, 7.8.3, 7.8.4; Guangxi Table I.2, Appendix M): one declaration per
report kind, collected in one explicit tuple like the layer registry.

``onemap report run --kind KIND --period PERIOD`` builds a kind's :class:`~reports.model.Report`
from the database, renders it as XLSX (:mod:`reports.xlsx`) and PDF (:mod:`reports.pdf`) and
records the run (:mod:`reports.runs`); ``/reports`` and ``/public`` serve them
(:mod:`reports.routes`).
"""

from __future__ import annotations

from reports.kinds import (
    annual,
    daily,
    disconnection,
    exceedance,
    monthly,
    performance,
    quarterly,
    receptors_i2,
    service_score,
    weekly,
)
from reports.spec import ReportKind

REGISTRY: tuple[ReportKind, ...] = (
    daily.KIND,
    weekly.KIND,
    monthly.KIND,
    quarterly.KIND,
    annual.KIND,
    exceedance.KIND,
    disconnection.KIND,
    receptors_i2.KIND,
    performance.KIND,
    service_score.KIND,
)

BY_ID: dict[str, ReportKind] = {kind.id: kind for kind in REGISTRY}
