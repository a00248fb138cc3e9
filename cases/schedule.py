"""Who is due for inspection, and who is overdue (Guangxi A.1 item 3, 6.1.2).

An enterprise of class A is inspected once a calendar quarter, B once a half-year, C once a
year (``enterprises.inspection_class``). For a day, its period is the quarter, half or year
holding that day, in the park's local time. The enterprise is

* ``done`` when it was inspected within the current period (next due: the next period's end),
* ``due`` when it was inspected in the previous period but not yet in this one (due by this
  period's end),
* ``overdue`` when the previous period ended without an inspection and none has been made
  since (it was due by the previous period's end).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from accounts import policy
from accounts.principal import Principal
from cases.errors import CaseNotFound
from cases.values import local_zone
from layers import BY_ID

#: Months per inspection period, by class (Guangxi A.1 item 3).
PERIOD_MONTHS = {"A": 3, "B": 6, "C": 12}


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def period_of(inspection_class: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """``[start, end)`` of the period of ``inspection_class`` that holds ``day``."""
    months = PERIOD_MONTHS[inspection_class]
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    return start, _add_months(start, months)


@dataclass(frozen=True)
class Status:
    """One enterprise's place in the schedule on a day (``due_by`` is the last day allowed)."""

    state: str
    period_start: dt.date
    period_end: dt.date
    due_by: dt.date
    last_inspected: dt.date | None


def inspection_status(
    inspection_class: str, last_inspected: dt.date | None, as_of: dt.date
) -> Status:
    """Whether an enterprise of ``inspection_class`` last inspected on ``last_inspected`` is
    done, due or overdue on ``as_of``."""
    start, end = period_of(inspection_class, as_of)
    last_day = end - dt.timedelta(days=1)
    previous_start, _ = period_of(inspection_class, start - dt.timedelta(days=1))
    if last_inspected is not None and start <= last_inspected <= as_of:
        _, next_end = period_of(inspection_class, end)
        return Status("done", start, last_day, next_end - dt.timedelta(days=1), last_inspected)
    if last_inspected is not None and previous_start <= last_inspected < start:
        return Status("due", start, last_day, last_day, last_inspected)
    return Status("overdue", start, last_day, start - dt.timedelta(days=1), last_inspected)


def schedule(
    engine: sa.Engine, principal: Principal, as_of: dt.date, classes: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The schedule on ``as_of`` of the enterprises ``principal`` may see inspections of:
    overdue first, then due, then done; by class and name."""
    layer = BY_ID["inspections"]
    view = policy.read_view(principal, layer)
    if view is None:
        raise CaseNotFound("未知集合 / unknown collection 'inspections'")
    end_of_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), local_zone())
    mine = "" if view.owners is None else "AND e.credit_code = ANY(:owners)"
    wanted = "AND e.inspection_class = ANY(:classes)" if classes else ""
    rows = connection_rows(
        engine,
        f"SELECT e.credit_code, e.name, e.inspection_class, "
        f"(SELECT max(i.inspected_at) FROM {view.relation} i "
        f" WHERE i.credit_code = e.credit_code AND i.inspected_at < :end) AS last "
        f"FROM enterprises e WHERE e.inspection_class IS NOT NULL {mine} {wanted}",
        {"end": end_of_day, "owners": list(view.owners or ()), "classes": list(classes)},
    )
    order = {"overdue": 0, "due": 1, "done": 2}
    out = []
    for row in rows:
        last = row["last"].astimezone(local_zone()).date() if row["last"] else None
        status = inspection_status(row["inspection_class"], last, as_of)
        out.append(
            {
                "credit_code": row["credit_code"],
                "name": row["name"],
                "inspection_class": row["inspection_class"],
                "state": status.state,
                "period_start": status.period_start.isoformat(),
                "period_end": status.period_end.isoformat(),
                "due_by": status.due_by.isoformat(),
                "last_inspected": last.isoformat() if last else None,
            }
        )
    out.sort(key=lambda r: (order[r["state"]], r["inspection_class"], r["name"]))
    return out


def connection_rows(engine: sa.Engine, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of one read-only query, as dictionaries."""
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(sa.text(sql), params).mappings()]
