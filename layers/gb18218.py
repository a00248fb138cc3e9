"""GB 18218-2018 identification of major hazard installations of hazardous chemicals.

The critical quantities Q (t) of Table 1 and the correction factors β of Tables 3-4 are shipped
in ``data/standards/gb18218/critical_quantities.csv`` (read once, on first use). A unit (a
production unit, or a storage unit: a tank farm or a warehouse) is a major hazard when

    S = Σ qᵢ / Qᵢ ≥ 1                                              (GB 18218 4.2.2)

over the chemicals i stored in it, qᵢ being the maximum quantity present (t). Its level follows
from R = α · Σ βᵢ qᵢ / Qᵢ (4.3): R ≥ 100 level 1, 50 ≤ R < 100 level 2, 10 ≤ R < 50 level 3,
R < 10 level 4; α (1 by default here) grows with the people within 500 m (Table 5).

A chemical named in Table 1 takes that table's Q whatever was typed; one that is not takes the
Q typed for it (from Table 2, by its hazard class) and, with none typed, is listed as having no
threshold and does not count.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

TABLE = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "standards"
    / "gb18218"
    / "critical_quantities.csv"
)
#: R bounds of levels 1-3 (4.3.2, Table 6); below the last is level 4.
LEVEL_BOUNDS = ((100.0, 1), (50.0, 2), (10.0, 3))


@dataclass(frozen=True)
class Listed:
    """One chemical of Table 1: its critical quantity (t) and correction factor β."""

    cas_no: str
    name_zh: str
    name_en: str
    threshold_t: float
    beta: float


@functools.cache
def table_1() -> dict[str, Listed]:
    """Table 1 by CAS number."""
    with TABLE.open(encoding="utf-8", newline="") as f:
        return {
            r["cas_no"]: Listed(
                r["cas_no"], r["name_zh"], r["name_en"], float(r["threshold_t"]), float(r["beta"])
            )
            for r in csv.DictReader(f)
        }


@dataclass(frozen=True)
class Stored:
    """A chemical in a unit, as the ``hazardous_chemicals`` layer holds it."""

    name: str
    cas_no: str
    quantity_t: float | None
    typed_threshold_t: float | None = None


@dataclass(frozen=True)
class Share:
    """One chemical's part of S: q/Q, and where Q came from (``table1``, ``typed``, ``none``)."""

    name: str
    cas_no: str
    quantity_t: float | None
    threshold_t: float | None
    ratio: float | None
    beta: float
    source: str


@dataclass(frozen=True)
class Assessment:
    """A unit judged by GB 18218: S, whether it is a major hazard, R and its level, and the
    chemicals that make it so (the largest shares that together reach S ≥ 1)."""

    sum_ratio: float
    is_major_hazard: bool
    r_value: float
    level: int | None
    shares: tuple[Share, ...]
    decisive: tuple[str, ...]
    without_threshold: tuple[str, ...] = field(default=())


def share(chemical: Stored) -> Share:
    """q/Q of one chemical, Q from Table 1 when it is listed there, else as typed."""
    listed = table_1().get(chemical.cas_no)
    if listed is not None:
        threshold, beta, source = listed.threshold_t, listed.beta, "table1"
    elif chemical.typed_threshold_t:
        threshold, beta, source = chemical.typed_threshold_t, 1.0, "typed"
    else:
        threshold, beta, source = None, 1.0, "none"
    ratio = None
    if threshold and chemical.quantity_t is not None:
        ratio = chemical.quantity_t / threshold
    return Share(
        chemical.name, chemical.cas_no, chemical.quantity_t, threshold, ratio, beta, source
    )


def level_of(r_value: float) -> int:
    """The major hazard level (1 most severe) of a unit with correction sum ``r_value``."""
    for bound, level in LEVEL_BOUNDS:
        if r_value >= bound:
            return level
    return 4


def assess(chemicals: Iterable[Stored], alpha: float = 1.0) -> Assessment:
    """Judge one unit by its chemicals (GB 18218 4.2.2 and 4.3)."""
    shares = tuple(sorted((share(c) for c in chemicals), key=lambda s: -(s.ratio or 0.0)))
    total = sum(s.ratio or 0.0 for s in shares)
    # Exactly at the threshold counts (S ≥ 1); a float sum of halves must not fall short of 1.
    major = round(total, 9) >= 1.0
    r_value = alpha * sum(s.beta * (s.ratio or 0.0) for s in shares)
    decisive: list[str] = []
    if major:
        running = 0.0
        for s in shares:
            if round(running, 9) >= 1.0 or not s.ratio:
                break
            decisive.append(s.cas_no)
            running += s.ratio
    return Assessment(
        sum_ratio=total,
        is_major_hazard=major,
        r_value=r_value,
        level=level_of(r_value) if major else None,
        shares=shares,
        decisive=tuple(decisive),
        without_threshold=tuple(s.cas_no for s in shares if s.source == "none"),
    )
