"""The review of what enterprises declare (Jiangsu 7.1.1, 7.4.2-7.4.9), and what counts.

A declared row (``Layer.declared``) is ``submitted`` until the office accepts it or returns it
with a reason; the enterprise changes a submitted or returned row (which submits it again),
never an accepted one (``accounts.policy.declaration_denial``). Only accepted rows count in
judgements and totals: every reader of a declared layer here selects :data:`COUNTS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from accounts.policy import Review
from layers.declared_fields import ACCEPTED
from layers.spec import Layer
from sources.errors import SourceError
from sources.registers import energy_by, ldar_findings, leak_rates, solid_waste_findings

#: The condition of the rows that count (accepted by the office).
COUNTS = ACCEPTED
#: A decision of the review → the state it leaves.
DECISIONS: Mapping[str, Review] = {"accept": Review.ACCEPTED, "return": Review.RETURNED}


class ReviewError(SourceError):
    """A review that cannot be made as asked (no decision, a return without a reason)."""


class DeclarationNotFoundError(SourceError):
    """No such declared row (or not one the reviewer may read)."""


class ReviewStateError(SourceError):
    """The row is not waiting for a review (already accepted, or returned to the enterprise)."""


@dataclass(frozen=True)
class Reviewed:
    """A declared row after its review."""

    id: int
    review_status: str
    review_reason: str | None
    reviewed_by: str
    reviewed_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        """The review as the API answers it."""
        return {
            "id": self.id,
            "review_status": self.review_status,
            "review_reason": self.review_reason,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": self.reviewed_at.isoformat(),
        }


def review(
    connection: sa.Connection,
    layer: Layer,
    fid: int,
    decision: object,
    reason: object,
    reviewer: str,
) -> Reviewed:
    """Accept or return (``decision``) the submitted row ``fid`` of ``layer``, by ``reviewer``.

    A return needs a ``reason`` (what the enterprise should correct). The caller has the
    policy's leave (``accounts.policy.may_review``) and names the actor of ``connection``'s
    transaction, so the audit trail records who reviewed.
    """
    if not layer.declared:
        raise DeclarationNotFoundError(f"{layer.id} 不是申报数据 / {layer.id} is not declared")
    if decision not in DECISIONS:
        raise ReviewError(
            f"审核结论应为 accept 或 return / decision must be 'accept' or 'return', "
            f"not {decision!r}"
        )
    text = reason.strip() if isinstance(reason, str) else None
    if reason is not None and not isinstance(reason, str):
        raise ReviewError("退回原因应为文字 / reason must be text")
    if decision == "return" and not text:
        raise ReviewError("退回须说明原因 / a return needs a reason: what is to be corrected")
    table = f'"{layer.id}"'
    status = connection.execute(
        sa.text(f"SELECT review_status FROM {table} WHERE id = :i FOR UPDATE"), {"i": fid}
    ).scalar_one_or_none()
    if status is None:
        raise DeclarationNotFoundError(f"无此申报 / no declaration {fid} in {layer.id}")
    if status != Review.SUBMITTED:
        raise ReviewStateError(
            f"该申报状态为 {status}，不在待审核状态 / declaration {fid} is {status}, "
            "not waiting for a review"
        )
    row = connection.execute(
        sa.text(
            f"UPDATE {table} SET review_status = :s, review_reason = :r, reviewed_by = :b,"
            " reviewed_at = now() WHERE id = :i"
            " RETURNING id, review_status, review_reason, reviewed_by, reviewed_at"
        ),
        {"s": DECISIONS[str(decision)].value, "r": text or None, "b": reviewer, "i": fid},
    ).one()
    return Reviewed(*row)


def solid_waste_year(connection: sa.Connection, year: int) -> pd.DataFrame:
    """Each enterprise's accepted solid waste of ``year`` per waste code: generated_t (the
    year's sum), max_permitted_t_per_year and ``over`` (a finding, Jiangsu 7.4.6). Submitted
    and returned months do not count."""
    rows = connection.execute(
        sa.text(
            "SELECT credit_code, period, waste_code, name, generated_t,"
            f" max_permitted_t_per_year FROM solid_waste WHERE {COUNTS}"
            " AND period LIKE :year"
        ),
        {"year": f"{year:04d}-%"},
    ).all()
    columns = [
        "credit_code",
        "period",
        "waste_code",
        "name",
        "generated_t",
        "max_permitted_t_per_year",
    ]
    waste = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    waste["generated_t"] = waste["generated_t"].astype(float).fillna(0.0)
    waste["max_permitted_t_per_year"] = waste["max_permitted_t_per_year"].astype(float)
    frame = waste.assign(year=year)
    yearly = frame.groupby(["credit_code", "year", "waste_code"], as_index=False).agg(
        name=("name", "first"),
        generated_t=("generated_t", "sum"),
        max_permitted_t_per_year=("max_permitted_t_per_year", "max"),
    )
    over = solid_waste_findings(waste)
    keys = set(zip(over["credit_code"], over["waste_code"], strict=True))
    yearly["over"] = [
        (c, w) in keys for c, w in zip(yearly["credit_code"], yearly["waste_code"], strict=True)
    ]
    return yearly


def read_accepted(
    connection: sa.Connection,
    layer_id: str,
    columns: Sequence[str],
    where: str = "TRUE",
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The accepted rows of the declared layer ``layer_id`` (``columns``; ``where`` a further
    SQL condition with ``params``): what judgements and totals may count."""
    names = ", ".join(f'"{c}"' for c in columns)
    rows = connection.execute(
        sa.text(f'SELECT {names} FROM "{layer_id}" WHERE {COUNTS} AND ({where})'), params or {}
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(columns))


@dataclass(frozen=True)
class RegisterFindings:
    """What the accepted declarations of a year show (Jiangsu 7.4.4, 7.4.6, 7.4.8): solid
    waste above its permitted maximum, leaks repaired late, the leak rate per enterprise and
    round, energy by industry and month."""

    solid_waste: pd.DataFrame
    late_leaks: pd.DataFrame
    leak_rates: pd.DataFrame
    energy_by_industry: pd.DataFrame


def register_findings(connection: sa.Connection, year: int, as_of: dt.date) -> RegisterFindings:
    """The findings of ``year``'s accepted declarations, leaks judged as open on ``as_of``."""
    waste = solid_waste_year(connection, year)
    checks = read_accepted(
        connection,
        "ldar_checks",
        ["credit_code", "unit", "component_id", "checked_on", "leaking", "repaired_on"],
        "date_part('year', checked_on) = :year",
        {"year": year},
    )
    energy = read_accepted(
        connection,
        "energy_use",
        ["credit_code", "period", "water_m3", "electricity_kwh", "gas_m3", "steam_t", "oil_t",
         "coal_t", "biomass_t"],
        "period LIKE :year",
        {"year": f"{year:04d}-%"},
    )  # fmt: skip
    enterprises = pd.DataFrame(
        [
            tuple(r)
            for r in connection.execute(
                sa.text("SELECT credit_code, industry_code FROM enterprises")
            )
        ],
        columns=["credit_code", "industry_code"],
    )
    return RegisterFindings(
        solid_waste=waste[waste["over"].to_numpy()].reset_index(drop=True),
        late_leaks=ldar_findings(checks, as_of) if not checks.empty else checks,
        leak_rates=leak_rates(checks) if not checks.empty else checks,
        energy_by_industry=energy_by(energy, enterprises, "industry_code"),
    )
