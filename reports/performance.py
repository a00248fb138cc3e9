"""Enterprise environmental performance (Jiangsu 7.8.4): a yearly score per enterprise from the
indicators declared in ``performance_indicators.yaml`` (weights and scales are configuration),
the ranking, and each indicator's evidence.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
import yaml

from cases.archive import item_state, items
from monitoring.quality.averaging import valid
from reports.errors import ReportError
from reports.gather import PeriodData, gather
from reports.model import Chart, Column, Note, Report, Table
from reports.periods import Period

DEFAULT_FILE = Path(__file__).resolve().parent / "performance_indicators.yaml"
ENV_FILE = "ONEMAP_PERFORMANCE_INDICATORS"
#: hours-equivalent of one value over a limit of each averaging period
PERIOD_HOURS = {"1h": 1, "8h": 8, "24h": 24, "sample": 1, "annual": 0}


@dataclass(frozen=True)
class Indicator:
    """One declared indicator."""

    id: str
    measure: str
    title_zh: str
    title_en: str
    weight: float
    zero_at: float
    full_at: float

    def score(self, value: float | None) -> float | None:
        """0-100 points for ``value`` (linear between ``zero_at`` and ``full_at``)."""
        if value is None or pd.isna(value):
            return None
        span = self.full_at - self.zero_at
        fraction = 1.0 if span == 0 else (value - self.zero_at) / span
        return round(100.0 * min(1.0, max(0.0, fraction)), 1)


def read_indicators(path: Path | None = None) -> tuple[Indicator, ...]:
    """The declared indicators (``ONEMAP_PERFORMANCE_INDICATORS`` or the shipped default)."""
    source = path or Path(os.environ.get(ENV_FILE) or DEFAULT_FILE)
    try:
        declared = yaml.safe_load(source.read_text(encoding="utf-8"))["indicators"]
        indicators = tuple(
            Indicator(str(d["id"]), str(d["measure"]), str(d["title_zh"]), str(d["title_en"]),
                      float(d["weight"]), float(d["zero_at"]), float(d["full_at"]))
            for d in declared
        )  # fmt: skip
    except (OSError, KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise ReportError(f"绩效指标文件无效 / bad indicator file {source}: {exc}") from None
    unknown = [i.measure for i in indicators if i.measure not in MEASURES]
    if unknown:
        raise ReportError(
            f"未知指标度量 / unknown measure(s) {', '.join(unknown)} in {source}; known: "
            f"{', '.join(MEASURES)}"
        )
    return indicators


Measure = Callable[[sa.Connection, PeriodData], dict[str, tuple[float, str]]]


def online_compliance(connection: sa.Connection, data: PeriodData) -> dict[str, tuple[float, str]]:
    """Per enterprise with online stations: % of valid values within limits."""
    links = data.outfall_stations[["station_code", "credit_code"]].drop_duplicates()
    if links.empty:
        return {}
    observations = valid(data.observations)
    counts = observations.groupby("station_code", observed=True).size().rename("values")
    events = data.judgement.events
    over = (
        (events["n_values"] * events["period"].map(PERIOD_HOURS).fillna(1))
        .groupby(events["station_code"]).sum().rename("over")
        if not events.empty else pd.Series(dtype=float, name="over")
    )  # fmt: skip
    frame = links.join(counts, on="station_code").join(over, on="station_code").fillna(0)
    per = frame.groupby("credit_code")[["values", "over"]].sum()
    out = {}
    for credit, row in per.iterrows():
        if row["values"] > 0:
            pct = 100.0 * max(0.0, 1 - row["over"] / row["values"])
            out[str(credit)] = (
                round(pct, 2),
                f"{int(row['values'])} 个有效值 valid values, {int(row['over'])} 超限 over limits",
            )
    return out


def exceedance_events(connection: sa.Connection, data: PeriodData) -> dict[str, tuple[float, str]]:
    """Per enterprise with online stations: the number of exceedance events."""
    links = data.outfall_stations[["station_code", "credit_code"]].drop_duplicates()
    events = data.judgement.events
    counts = (
        events.merge(links, on="station_code").groupby("credit_code").size()
        if not events.empty else pd.Series(dtype=int)
    )  # fmt: skip
    return {
        str(c): (float(counts.get(c, 0)), f"{int(counts.get(c, 0))} 次 events")
        for c in links["credit_code"].unique()
    }


RECTIFICATIONS_SQL = sa.text(
    """
    SELECT r.credit_code, count(*) AS due,
           count(*) FILTER (WHERE closed.at::date <= r.deadline) AS on_time
    FROM rectifications r
    LEFT JOIN LATERAL (
        SELECT min(t.at) AT TIME ZONE 'Asia/Shanghai' AS at FROM case_transitions t
        WHERE t.case_type = 'rectifications' AND t.case_id = r.id AND t.to_state = 'closed'
    ) closed ON true
    WHERE r.deadline >= :first AND r.deadline < :end
    GROUP BY r.credit_code
    """
)


def rectifications_on_time(
    connection: sa.Connection, data: PeriodData
) -> dict[str, tuple[float, str]]:
    """Per enterprise with a rectification due in the year: % closed by the deadline."""
    rows = connection.execute(
        RECTIFICATIONS_SQL, {"first": data.period.first_day, "end": data.period.end_day}
    ).all()
    return {
        r.credit_code: (round(100.0 * r.on_time / r.due, 1), f"{r.on_time}/{r.due} 按期 on time")
        for r in rows
    }


def archive_complete(connection: sa.Connection, data: PeriodData) -> dict[str, tuple[float, str]]:
    """Per enterprise: % of the E.1 items held and valid at the year's end."""
    rows = connection.execute(
        sa.text("SELECT credit_code, archive_item, array_agg(expires_on) AS expiries "
                "FROM documents WHERE archive_item IS NOT NULL AND credit_code IS NOT NULL "
                "GROUP BY 1, 2")
    ).all()  # fmt: skip
    day = data.period.end_day - dt.timedelta(days=1)
    present: dict[str, int] = {}
    for row in rows:
        if item_state(list(row.expiries), day) == "present":
            present[row.credit_code] = present.get(row.credit_code, 0) + 1
    total = len(items())
    codes = data.enterprises["credit_code"]
    return {
        str(c): (round(100.0 * present.get(c, 0) / total, 1), f"{present.get(c, 0)}/{total} 项")
        for c in codes
    }


def declarations_on_time(
    connection: sa.Connection, data: PeriodData
) -> dict[str, tuple[float, str]]:
    """Per enterprise that declares registers: % of the year's monthly declarations present."""
    year = str(data.period.first_day.year)
    months = (data.period.end_day.year - data.period.first_day.year) * 12 + (
        data.period.end_day.month - data.period.first_day.month
    )
    rows = connection.execute(
        sa.text("SELECT credit_code, count(DISTINCT (register, period)) AS n FROM ("
                " SELECT 'solid_waste' AS register, credit_code, period FROM solid_waste"
                " UNION ALL SELECT 'energy_use', credit_code, period FROM energy_use) d"
                " WHERE period LIKE :year || '-%' GROUP BY credit_code"),
        {"year": year},
    ).all()  # fmt: skip
    registers = 2
    return {
        r.credit_code: (round(100.0 * min(1.0, r.n / (registers * months)), 1),
                        f"{r.n}/{registers * months} 期 declarations")
        for r in rows
    }  # fmt: skip


def penalties(connection: sa.Connection, data: PeriodData) -> dict[str, tuple[float, str]]:
    """No penalty register exists yet: no enterprise has data."""
    return {}


MEASURES: dict[str, Measure] = {
    "online_compliance_pct": online_compliance,
    "exceedance_events": exceedance_events,
    "rectifications_on_time_pct": rectifications_on_time,
    "archive_complete_pct": archive_complete,
    "declarations_on_time_pct": declarations_on_time,
    "penalties": penalties,
}


def scores(engine: sa.Engine, data: PeriodData, indicators: tuple[Indicator, ...]) -> pd.DataFrame:
    """One row per enterprise: each indicator's value, evidence and score, the total, the rank."""
    with engine.connect() as connection:
        measured = {i.id: MEASURES[i.measure](connection, data) for i in indicators}
    rows = []
    for credit, name in zip(data.enterprises["credit_code"], data.enterprises["name"], strict=True):
        row: dict[str, Any] = {"credit_code": credit, "name": name}
        weighted = weights = 0.0
        for indicator in indicators:
            value, evidence = measured[indicator.id].get(credit, (None, "无数据 no data"))
            score = indicator.score(value)
            row[indicator.id] = (value, evidence, score)
            if score is not None:
                weighted += indicator.weight * score
                weights += indicator.weight
        row["total"] = round(weighted / weights, 1) if weights else None
        row["weights"] = weights
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(
        ["total", "name"], ascending=[False, True], na_position="last"
    )
    frame["rank"] = frame["total"].rank(ascending=False, method="min")
    return frame.reset_index(drop=True)


def _evidence(entry: tuple[float | None, str, float | None]) -> str:
    value, evidence, _ = entry
    return evidence if value is None else f"{value:g} · {evidence}"


def build(engine: sa.Engine, period: Period) -> Report:
    """The performance evaluation of ``period`` (a year)."""
    indicators = read_indicators()
    data = gather(engine, period)
    frame = scores(engine, data, indicators)
    report = Report("performance", period, "企业环境绩效评估", "Enterprise environmental "
                    "performance", data.park_name, dt.datetime.now(dt.UTC).replace(microsecond=0),
                    landscape=True)  # fmt: skip
    method = report.section("method", "评估方法", "Method")
    method.add(Table(
        "评估指标", "Indicators (performance_indicators.yaml)",
        (Column("指标", "Indicator"), Column("权重", "Weight"), Column("0分", "0 points at"),
         Column("满分", "100 points at")),
        [(f"{i.title_zh} / {i.title_en}", i.weight, i.zero_at, i.full_at) for i in indicators],
    ), Note("总分为有数据指标得分的加权平均；无数据的指标不计权重。尚无行政处罚台账。",
            "The total is the weighted mean of the indicators with data; an indicator without "
            "data carries no weight. There is no penalty register yet."))  # fmt: skip
    ranking = Table(
        "绩效排名", "Ranking",
        (Column("名次", "Rank"), Column("企业", "Enterprise"), Column("统一社会信用代码",
         "Credit code"), Column("总分", "Score"), *(Column(i.title_zh, i.title_en)
                                                  for i in indicators)),
        [(None if pd.isna(r["rank"]) else int(r["rank"]), r["name"], r["credit_code"], r["total"],
          *(r[i.id][2] for i in indicators)) for _, r in frame.iterrows()],
    )  # fmt: skip
    top = Table(
        "前十名",
        "Top ten",
        (Column("企业", "Enterprise"), Column("总分", "Score")),
        [(r["name"], r["total"]) for _, r in frame.head(10).iterrows()],
    )
    report.section("ranking", "绩效排名", "Ranking").add(
        Chart("前十名", "Top ten", top, "bar"), ranking
    )
    report.section("evidence", "指标依据", "Evidence").add(Table(
        "各指标依据", "Each indicator's value and evidence (value · evidence)",
        (Column("企业", "Enterprise"), *(Column(i.title_zh, i.title_en) for i in indicators)),
        [(r["name"], *(_evidence(r[i.id]) for i in indicators)) for _, r in frame.iterrows()],
    ))  # fmt: skip
    report.highlights = [
        ("参评企业", "Enterprises", str(len(frame))),
        ("平均分", "Mean score", f"{frame['total'].mean():.1f}" if frame["total"].notna().any()
         else "–"),
    ]  # fmt: skip
    return report
