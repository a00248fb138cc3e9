"""The Appendix M service score (Guangxi Table M.1): the 100-point sheet of the hosting service
with its four parts and items (``service_score_items.yaml``), the items the data can answer
scored from it with their evidence, the rest entered by staff, the total and the grade
(7.2: ≥ 90 excellent, 70 to under 90 good, 60 to under 70 pass, under 60 fail).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
import yaml

from cases.schedule import PERIOD_MONTHS
from monitoring.quality.judge import judge
from reports.errors import ReportError
from reports.gather import park_name
from reports.model import Chart, Column, Note, Report, Table
from reports.periods import Period
from reports.sections.air import park_daily_aqi

ITEMS_FILE = Path(__file__).resolve().parent / "service_score_items.yaml"
ENV_ENTRIES = "ONEMAP_SERVICE_SCORE_ENTRIES"
GRADES = ((90.0, "优秀", "excellent"), (70.0, "良好", "good"), (60.0, "合格", "pass"),
          (0.0, "不合格", "fail"))  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One scored item of Table M.1."""

    id: str
    part: str
    max_points: float
    title_zh: str
    title_en: str
    measure: str | None


def read_items(
    path: Path = ITEMS_FILE,
) -> tuple[tuple[tuple[str, str, str], ...], tuple[Item, ...]]:
    """The sheet's parts (id, Chinese, English) and items."""
    declared = yaml.safe_load(path.read_text(encoding="utf-8"))["parts"]
    parts = tuple((p["id"], p["title_zh"], p["title_en"]) for p in declared)
    items = tuple(
        Item(str(i["id"]), p["id"], float(i["max"]), i["title_zh"], i["title_en"],
             i.get("measure"))
        for p in declared for i in p["items"]
    )  # fmt: skip
    return parts, items


def grade(total: float) -> tuple[str, str]:
    """The 7.2 grade of a total score."""
    for bound, zh, en in GRADES:
        if total >= bound:
            return zh, en
    return GRADES[-1][1:]


def entries_path(year: int) -> Path:
    """Where staff enter the items the data cannot answer."""
    if os.environ.get(ENV_ENTRIES):
        return Path(os.environ[ENV_ENTRIES]).expanduser()
    from reports.runs import default_dir

    return default_dir() / f"service-score-{year}.yaml"


def read_entries(path: Path, items: tuple[Item, ...]) -> dict[str, tuple[float, str]]:
    """Staff's entries: item id → (points, note); ReportError on a bad file or value."""
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ReportError(f"评分录入文件无效 / bad entries file {path}: {exc}") from None
    known = {i.id: i for i in items}
    out = {}
    for item_id, entry in raw.items():
        item = known.get(str(item_id))
        points = entry.get("points") if isinstance(entry, dict) else entry
        if (
            item is None
            or not isinstance(points, int | float)
            or not 0 <= points <= item.max_points
        ):
            raise ReportError(
                f"评分录入无效 / bad entry {item_id!r} in {path}: an item of Table M.1 with "
                f"0 <= points <= its maximum"
            )
        note = str(entry.get("note", "")) if isinstance(entry, dict) else ""
        out[str(item_id)] = (float(points), note)
    return out


Measure = Callable[[sa.Connection, Period], tuple[float, str] | None]

INSPECTIONS_SQL = sa.text(
    """
    SELECT e.credit_code, e.inspection_class,
           array_agg(DISTINCT (i.inspected_at AT TIME ZONE 'Asia/Shanghai')::date)
             FILTER (WHERE i.id IS NOT NULL) AS days
    FROM enterprises e
    LEFT JOIN inspections i ON i.credit_code = e.credit_code
         AND i.inspected_at >= :start AND i.inspected_at < :end
    WHERE e.inspection_class IS NOT NULL
    GROUP BY 1, 2
    """
)


def inspections_at_frequency(connection: sa.Connection, period: Period) -> tuple[float, str]:
    """Share of the year's inspection periods (A a quarter, B a half-year, C the year) in which
    each enterprise was inspected at least once."""
    rows = connection.execute(INSPECTIONS_SQL, {"start": period.start, "end": period.end}).all()
    per_class: dict[str, list[int]] = {}
    for row in rows:
        months = PERIOD_MONTHS.get(row.inspection_class)
        if months is None:
            continue
        tally = per_class.setdefault(row.inspection_class, [0, 0])
        tally[0] += len({(d.month - 1) // months for d in (row.days or [])})
        tally[1] += 12 // months
    done = sum(t[0] for t in per_class.values())
    expected = sum(t[1] for t in per_class.values())
    rate = done / expected if expected else 0.0
    classes = ", ".join(f"{c} {t[0]}/{t[1]}" for c, t in sorted(per_class.items()))
    return rate, f"{done}/{expected} 个检查周期已检查 / inspection periods covered ({classes})"


def _share(connection: sa.Connection, sql: str, period: Period, what: str) -> tuple[float, str]:
    total, good = connection.execute(sa.text(sql), {"start": period.start, "end": period.end}).one()
    rate = good / total if total else 0.0
    return rate, f"{good}/{total} {what}"


def rectifications_rechecked(connection: sa.Connection, period: Period) -> tuple[float, str]:
    """Share of the year's rectifications re-checked and closed by the office."""
    return _share(
        connection,
        "SELECT count(*), count(*) FILTER (WHERE state = 'closed') FROM rectifications "
        "WHERE registered_at >= :start AND registered_at < :end",
        period, "整改已复查销号 / rectifications re-checked and closed",
    )  # fmt: skip


def complaints_answered_in_time(connection: sa.Connection, period: Period) -> tuple[float, str]:
    """Share of the year's complaints answered by their deadline."""
    return _share(
        connection,
        "SELECT count(*), count(*) FILTER (WHERE answered.at <= c.deadline) FROM clues c "
        "LEFT JOIN LATERAL (SELECT min(t.at) AS at FROM case_transitions t WHERE "
        "t.case_type = 'clues' AND t.case_id = c.id AND t.to_state = 'answered') answered ON true "
        "WHERE c.source = 'complaint' AND c.registered_at >= :start AND c.registered_at < :end",
        period, "投诉按期答复 / complaints answered in time",
    )  # fmt: skip


def _exists(table: str, what: str) -> Measure:
    def measure(connection: sa.Connection, period: Period) -> tuple[float, str]:
        n = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
        return (1.0 if n else 0.0), f"{n} {what}"

    return measure


def air_quality_improved(connection: sa.Connection, period: Period) -> tuple[float, str] | None:
    """Whether the share of good-air days rose against the year before (None: no data)."""
    shares = []
    for p in (period, period.year_before()):
        start, end = pd.Timestamp(p.start), pd.Timestamp(p.end)
        daily = park_daily_aqi(judge(connection.engine, start, end).daily_aqi)
        shares.append(float(daily["aqi"].le(100).mean() * 100) if len(daily) else None)
    now, before = shares
    if now is None or before is None:
        return None
    return (1.0 if now >= before else 0.0), f"优良天数比例 good days {now:.1f} % vs {before:.1f} %"


MEASURES: dict[str, Measure] = {
    "inspections_at_frequency": inspections_at_frequency,
    "rectifications_rechecked": rectifications_rechecked,
    "complaints_answered_in_time": complaints_answered_in_time,
    "air_quality_improved": air_quality_improved,
    "emergency_plan": _exists("emergency_plans", "份应急预案 / emergency plans"),
    "emergency_supplies": _exists("emergency_supplies", "处应急物资 / supply depots"),
    "emergency_team": _exists("emergency_teams", "支应急队伍 / teams"),
}


def build(engine: sa.Engine, period: Period) -> Report:
    """The Table M.1 sheet of ``period`` (a year)."""
    parts, items = read_items()
    path = entries_path(period.first_day.year)
    entries = read_entries(path, items)
    rows, pending = [], []
    by_part: dict[str, float] = {}
    with engine.connect() as connection:
        name = park_name(connection)
        for item in items:
            measured = MEASURES[item.measure](connection, period) if item.measure else None
            if measured is not None:
                rate, evidence = measured
                points, source = round(item.max_points * rate, 1), "数据 data"
            elif item.id in entries:
                points, evidence = entries[item.id]
                source = "录入 entered"
            else:
                points, evidence, source = 0.0, "待录入 / to be entered", "待录入 pending"
                pending.append(item.id)
            by_part[item.part] = by_part.get(item.part, 0.0) + points
            rows.append(
                (
                    item.id,
                    f"{item.title_zh} / {item.title_en}",
                    item.max_points,
                    points,
                    source,
                    evidence,
                )
            )
    total = round(sum(by_part.values()), 1)
    zh, en = grade(total)
    report = Report(
        "service-score",
        period,
        "托管服务考核评分",
        "Service score (Appendix M)",
        name,
        dt.datetime.now(dt.UTC).replace(microsecond=0),
        landscape=True,
    )
    sheet = report.section("m1", "表M.1 评分表", "Table M.1 Score sheet")
    sheet.add(Table(
        "评分表", "Score sheet",
        (Column("条目", "Item"), Column("内容", "Content"), Column("分值", "Points"),
         Column("得分", "Score"), Column("来源", "Source"), Column("依据", "Evidence")),
        rows,
    ))  # fmt: skip
    summary = Table(
        "分项得分", "Scores by part",
        (Column("部分", "Part"), Column("分值", "Points"), Column("得分", "Score")),
        [(f"{pid} {pzh} / {pen}", sum(i.max_points for i in items if i.part == pid),
          round(by_part.get(pid, 0.0), 1)) for pid, pzh, pen in parts]
        + [("合计 / Total", 100.0, total)],
    )  # fmt: skip
    report.section("total", "总分与等级", "Total and grade").add(
        Chart("分项得分", "Scores by part", summary, "column", 0, (1, 2)),
        Note(f"总分 {total} 分，等级：{zh}。", f"Total {total} points: {en}."),
        Note(f"尚待录入的条目：{', '.join(pending)}（录入文件 {path}）。" if pending else
             "所有条目均已评分。", f"Items still to be entered: {', '.join(pending)} (file "
             f"{path})." if pending else "Every item is scored."),
    )  # fmt: skip
    report.highlights = [
        ("总分", "Total", f"{total}"),
        ("等级", "Grade", f"{zh} {en}"),
        ("待录入条目", "Items to enter", str(len(pending))),
    ]
    return report
