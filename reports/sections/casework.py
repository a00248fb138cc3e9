"""Casework (the cases module, Jiangsu 7.7): clues, inspections and rectifications registered in
the period, by source, class and state."""

from __future__ import annotations

import sqlalchemy as sa

from reports.gather import PeriodData
from reports.model import Chart, Column, Note, Section, Table

COUNTS = {
    "clues": ("线索", "Clues", "source", "registered_at"),
    "inspections": ("检查", "Inspections", "inspection_class", "inspected_at"),
    "rectifications": ("整改", "Rectifications", "g1_code", "registered_at"),
}


def casework_section(data: PeriodData, engine: sa.Engine) -> Section:
    """Counts of the period's cases per type, grouping and state."""
    section = Section("casework", "案件办理", "Casework")
    params = {"start": data.period.start, "end": data.period.end}
    overview = []
    with engine.connect() as connection:
        for table, (zh, en, group, when) in COUNTS.items():
            rows = connection.execute(
                sa.text(
                    f"SELECT coalesce({group}::text, '-') AS g, state, count(*) FROM {table}"
                    f" WHERE {when} >= :start AND {when} < :end GROUP BY 1, 2 ORDER BY 1, 2"
                ),
                params,
            ).all()
            total = sum(int(r[2]) for r in rows)
            closed = sum(int(r[2]) for r in rows if r[1] == "closed")
            overview.append((f"{zh} {en}", total, closed, total - closed))
            if rows:
                section.add(
                    Table(
                        f"{zh}分类",
                        f"{en} by {group.replace('_', ' ')} and state",
                        (Column("分类", group), Column("状态", "State"), Column("数量", "Count")),
                        [(str(r[0]), str(r[1]), int(r[2])) for r in rows],
                    )
                )
    if not any(row[1] for row in overview):
        return section.add(Note("本期无案件。", "No cases were registered in this period."))
    summary = Table(
        "案件概况",
        "Cases registered in the period",
        (
            Column("类型", "Type"),
            Column("登记", "Registered"),
            Column("办结", "Closed"),
            Column("在办", "Open"),
        ),
        overview,
    )
    section.blocks.insert(0, Chart("案件概况", "Cases", summary, "column", 0, (2, 3), True))
    return section
