"""The declaration of a report kind (like ``layers.spec`` for layers): its id, titles, the
periods it accepts, whether it is public, which period ``onemap report due`` runs it for, and
the function that builds its content from the database.

One file per kind under ``reports/kinds/``; ``reports/__init__.py`` collects them in one tuple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from reports.model import Report
from reports.periods import Granularity, Period

Builder = Callable[[sa.Engine, Period], Report]


@dataclass(frozen=True)
class ReportKind:
    """One kind of report."""

    id: str
    zh: str
    en: str
    #: the period forms the kind accepts (the first is the one the schedule runs)
    granularities: tuple[Granularity, ...]
    build: Builder
    #: shown on /public to anyone (Jiangsu 7.8.3: the annual environmental quality report)
    public: bool = False
    #: run by ``onemap report due`` after each period of ``granularities[0]`` closes
    scheduled: bool = True
    source: str = ""

    @property
    def schedule(self) -> Granularity:
        """The granularity the schedule runs the kind for."""
        return self.granularities[0]
