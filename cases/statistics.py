"""Statistics of a case type (Jiangsu 7.8.2: by subject, industry, type and frequency): counts by
a dimension, the overdue list, the mean time to close; as JSON or an XLSX workbook. Rows are the
user's (``accounts.policy.read_view``), so an enterprise's statistics are of its own cases."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import sqlalchemy as sa

from accounts import policy
from accounts.principal import Principal
from cases.errors import BadCaseInput, CaseNotFound
from cases.spec import CaseType
from cases.values import local_zone

#: Dimensions every case type is counted by; further ones are fields with few values.
COMMON = ("state", "month")
BY_FIELDS = ("source", "clue_type", "industry", "credit_code", "g1_code", "level", "handler")


def dimensions(case_type: CaseType) -> tuple[str, ...]:
    """What ``case_type``'s cases may be counted by."""
    names = case_type.layer.field_names
    return COMMON + tuple(f for f in BY_FIELDS if f in names)


def final_states(case_type: CaseType) -> tuple[str, ...]:
    """The states no transition leaves (closed off)."""
    return tuple(str(s) for s in case_type.states if not case_type.allowed_from(str(s)))


def statistics(
    engine: sa.Engine, principal: Principal, case_type: CaseType, by: str
) -> dict[str, Any]:
    """Counts by ``by``, the open cases past their deadline and the mean days to close."""
    if by not in dimensions(case_type):
        raise BadCaseInput(
            f"不能按此统计 / {case_type.id} are counted by {', '.join(dimensions(case_type))}"
        )
    view = policy.read_view(principal, case_type.layer)
    if view is None:
        raise CaseNotFound(f"未知集合 / unknown collection {case_type.id!r}")
    zone = str(local_zone())
    key = "to_char(c.registered_at AT TIME ZONE :zone, 'YYYY-MM')" if by == "month" else f'c."{by}"'
    finals = list(final_states(case_type))
    deadline = case_type.deadline_field
    with engine.connect() as connection:
        counts = connection.execute(
            sa.text(
                f"SELECT {key} AS value, count(*) AS n FROM {view.relation} c "
                "GROUP BY 1 ORDER BY 1 NULLS LAST"
            ),
            {"zone": zone},
        ).all()
        mean_days = connection.execute(
            sa.text(
                "SELECT avg(extract(epoch FROM h.at - c.registered_at)) / 86400 "
                f"FROM {view.relation} c JOIN LATERAL (SELECT max(at) AS at FROM case_transitions "
                "WHERE case_type = :t AND case_id = c.id AND to_state = ANY(:finals)) h ON true "
                "WHERE c.state = ANY(:finals)"
            ),
            {"t": case_type.id, "finals": finals},
        ).scalar_one()
        overdue: list[dict[str, Any]] = []
        if deadline:
            overdue = [
                dict(r)
                for r in connection.execute(
                    sa.text(
                        f'SELECT c.id, c.case_no, c.credit_code, c.state, c."{deadline}" AS '
                        f"deadline FROM {view.relation} c WHERE NOT (c.state = ANY(:finals)) "
                        f'AND c."{deadline}" < now() ORDER BY c."{deadline}"'
                    ),
                    {"finals": finals},
                ).mappings()
            ]
    return {
        "collection": case_type.id,
        "by": by,
        "total": sum(int(n) for _, n in counts),
        "counts": [{"value": value, "count": int(n)} for value, n in counts],
        "mean_days_to_close": None if mean_days is None else round(float(mean_days), 2),
        "overdue": [
            {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in r.items()}
            for r in overdue
        ],
    }


def workbook(report: dict[str, Any]) -> bytes:
    """The statistics as an XLSX workbook: the counts, then the overdue list."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计 counts"
    sheet.append([f"{report['collection']} / {report['by']}", "数量 / count"])
    for row in report["counts"]:
        sheet.append([row["value"], row["count"]])
    sheet.append(["合计 / total", report["total"]])
    sheet.append(["平均办结天数 / mean days to close", report["mean_days_to_close"]])
    late = book.create_sheet("逾期 overdue")
    late.append(["编号 / no.", "企业 / enterprise", "状态 / state", "期限 / deadline"])
    for row in report["overdue"]:
        late.append([row["case_no"], row["credit_code"], row["state"], row["deadline"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
