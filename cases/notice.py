"""The rectification notice of an inspection (Guangxi Appendix J) as a DOCX document.

Appendix J asks for: the time of the inspection, the problems found, the deadline for a
rectification plan, a suggestion per problem, a contact, and the legal liability. The notice is
made from the inspection and the rectifications its findings opened, as the user reading it
sees them (``accounts.policy.read_view``), so an enterprise can download the notice of its own
inspection and nobody else's.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import sqlalchemy as sa
from docx import Document
from docx.shared import Pt

from accounts import policy
from accounts.principal import Principal
from cases.errors import CaseNotFound
from cases.values import local_zone
from layers import BY_ID

#: Days after the inspection a rectification plan is due when the record names no date.
DEFAULT_PLAN_DAYS = 7
LIABILITY = (
    "逾期未提交整改方案、未按期整改或整改不到位的，园区生态环境管理部门将依据《中华人民共和国"
    "环境保护法》及相关法律法规依法处理，由此产生的法律责任由企业承担。",
    "If the plan is not submitted, or the problems are not rectified by the deadline or not "
    "fully, the park's environmental office will act under the Environmental Protection Law of "
    "the People's Republic of China and related laws; the enterprise bears the legal liability.",
)
DEFAULT_CONTACT = "园区生态环境管理部门 / the park's environmental office"


def _local(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")


def _rows(
    engine: sa.Engine, principal: Principal, inspection_id: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    inspections = policy.read_view(principal, BY_ID["inspections"])
    rectifications = policy.read_view(principal, BY_ID["rectifications"])
    if inspections is None or rectifications is None:
        raise CaseNotFound(f"无此检查 / no inspection {inspection_id}")
    with engine.connect() as connection:
        inspection = (
            connection.execute(
                sa.text(
                    f"SELECT i.*, e.name AS enterprise_name, e.address FROM {inspections.relation} "
                    "i JOIN enterprises e ON e.credit_code = i.credit_code WHERE i.id = :i"
                ),
                {"i": inspection_id},
            )
            .mappings()
            .one_or_none()
        )
        if inspection is None:
            raise CaseNotFound(f"无此检查 / no inspection {inspection_id}")
        problems = connection.execute(
            sa.text(
                f"SELECT case_no, g1_code, problem, suggestion, deadline FROM "
                f"{rectifications.relation} r WHERE r.inspection_id = :i ORDER BY r.id"
            ),
            {"i": inspection_id},
        ).mappings()
        return dict(inspection), [dict(p) for p in problems]


def notice_docx(engine: sa.Engine, principal: Principal, inspection_id: int) -> tuple[str, bytes]:
    """``(file name, DOCX bytes)`` of the Appendix J notice of inspection ``inspection_id``."""
    inspection, problems = _rows(engine, principal, inspection_id)
    plan_due = inspection["plan_deadline"] or (
        inspection["inspected_at"] + dt.timedelta(days=DEFAULT_PLAN_DAYS)
    )
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    document.add_heading("环境问题整改通知书 / Rectification notice", level=1)
    document.add_paragraph(f"编号 / No.: {inspection['case_no']}")
    document.add_paragraph(
        f"{inspection['enterprise_name']}（统一社会信用代码 / credit code "
        f"{inspection['credit_code']}）："
    )
    document.add_paragraph(
        f"检查时间 / Inspected: {_local(inspection['inspected_at'])}　"
        f"检查人员 / Inspector: {inspection['inspector'] or ''}"
    )
    document.add_paragraph(
        "经现场检查，你单位存在下列环境问题，请按整改建议限期整改 / The inspection found the "
        "problems below; rectify each as suggested by its deadline:"
    )
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    header = (
        "序号 / No.",
        "问题编码 / G.1",
        "存在问题 / Problem",
        "整改建议 / Suggestion",
        "整改期限 / Deadline",
    )
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for n, problem in enumerate(problems, 1):
        cells = table.add_row().cells
        values = (
            str(n),
            problem["g1_code"],
            problem["problem"],
            problem["suggestion"],
            _local(problem["deadline"]),
        )
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    if not problems:
        document.add_paragraph("本次检查未发现问题 / No problems were found.")
    document.add_paragraph(
        f"请于 {_local(plan_due)} 前提交整改方案 / Submit the rectification plan by "
        f"{_local(plan_due)}."
    )
    document.add_paragraph(f"联系人 / Contact: {inspection['contact'] or DEFAULT_CONTACT}")
    document.add_paragraph("法律责任 / Legal liability:")
    for text in LIABILITY:
        document.add_paragraph(text)
    document.add_paragraph(f"签发日期 / Issued: {_local(inspection['registered_at'])}")
    out = io.BytesIO()
    document.save(out)
    return f"rectification-notice-{inspection['case_no']}.docx", out.getvalue()
