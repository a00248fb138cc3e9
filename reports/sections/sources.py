"""Pollution sources: exceedances per outfall and enterprise, the period's loads, and each
permit's running total against its permitted yearly amount (``sources``: loads and totals)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from reports.gather import PeriodData
from reports.model import Chart, Column, Note, Section, Table
from reports.sections.common import parameter_name

LOADS_SQL = sa.text(
    """
    SELECT l.credit_code, l.parameter, sum(l.load_kg) AS load_kg, count(*) AS days
    FROM discharge_loads l
    WHERE l.interval = 'day' AND l.period_start >= :first AND l.period_start < :end
    GROUP BY l.credit_code, l.parameter ORDER BY l.credit_code, l.parameter
    """
)
TOTALS_SQL = sa.text(
    """
    SELECT credit_code, permit_no, parameter, permitted_t, emitted_t, share_pct, total_status,
           as_of
    FROM permit_totals WHERE year = :year ORDER BY share_pct DESC NULLS LAST, credit_code
    """
)


def sources_section(data: PeriodData, engine: sa.Engine) -> Section:
    """The pollution-source section of a periodic report."""
    section = Section("sources", "污染源监管", "Pollution sources")
    names = dict(zip(data.enterprises["credit_code"], data.enterprises["name"], strict=True))
    events = data.judgement.events
    linked = (
        events.merge(
            data.outfall_stations[["station_code", "outfall_code", "credit_code"]],
            on="station_code",
        )
        if not events.empty and not data.outfall_stations.empty
        else pd.DataFrame(columns=["outfall_code", "credit_code", "parameter", "n_values"])
    )
    rows = [
        (
            str(credit),
            names.get(credit, ""),
            str(outfall),
            parameter_name(parameter),
            len(g),
            int(g["n_values"].sum()),
        )
        for (credit, outfall, parameter), g in linked.groupby(
            ["credit_code", "outfall_code", "parameter"], observed=True
        )
    ]
    table = Table(
        "排放口超标",
        "Exceedances per outfall and enterprise",
        (
            Column("统一社会信用代码", "Credit code"),
            Column("企业", "Enterprise"),
            Column("排放口", "Outfall"),
            Column("因子", "Parameter"),
            Column("次数", "Events"),
            Column("超标值个数", "Values over"),
        ),
        rows,
    )
    section.add(table)
    per_enterprise = linked.groupby("credit_code").size().sort_values(ascending=False).head(15)
    if len(per_enterprise):
        section.add(
            Chart(
                "企业超标次数",
                "Exceedance events per enterprise",
                Table(
                    "企业超标次数",
                    "Events per enterprise (top 15)",
                    (Column("企业", "Enterprise"), Column("次数", "Events")),
                    [(names.get(c, c), int(n)) for c, n in per_enterprise.items()],
                ),
                "bar",
            )
        )
    params = {"first": data.period.first_day, "end": data.period.end_day}
    with engine.connect() as connection:
        loads = pd.read_sql(LOADS_SQL, connection, params=params)
        totals = pd.read_sql(TOTALS_SQL, connection, params={"year": data.period.first_day.year})
    if loads.empty:
        section.add(Note("本期无排放量核算数据。", "No discharge loads for this period."))
    else:
        section.add(
            Table(
                "排放量",
                "Loads of the period (from the online data)",
                (
                    Column("统一社会信用代码", "Credit code"),
                    Column("企业", "Enterprise"),
                    Column("因子", "Parameter"),
                    Column("排放量", "Load", "kg"),
                    Column("天数", "Days with a load", "d"),
                ),
                [
                    (
                        r.credit_code,
                        names.get(r.credit_code, ""),
                        parameter_name(r.parameter),
                        round(float(r.load_kg), 2),
                        int(r.days),
                    )
                    for r in loads.itertuples()
                ],
            )
        )
    if totals.empty:
        section.add(Note("本年无许可排放总量数据。", "No permitted totals for this year."))
    else:
        section.add(
            Table(
                "许可排放量执行情况",
                "Running totals against the permit (year to date)",
                (
                    Column("企业", "Enterprise"),
                    Column("许可证", "Permit"),
                    Column("因子", "Parameter"),
                    Column("许可量", "Permitted", "t"),
                    Column("已排放", "Emitted", "t"),
                    Column("占比", "Share", "%"),
                    Column("状态", "Status"),
                    Column("截至", "As of"),
                ),
                [
                    (
                        names.get(r.credit_code, r.credit_code),
                        r.permit_no,
                        parameter_name(r.parameter),
                        r.permitted_t,
                        round(float(r.emitted_t), 3),
                        r.share_pct,
                        r.total_status,
                        r.as_of,
                    )
                    for r in totals.itertuples()
                ],
            )
        )
    return section
