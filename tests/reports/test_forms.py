"""The yearly forms: the whole Guangxi Table I.2, the enterprise performance ranking from its
indicator file, and the Appendix M service score with its grade."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from reports.performance import Indicator, read_indicators
from reports.receptors_i2 import header
from reports.service_score import grade, read_items

pytestmark = pytest.mark.usefixtures("clean_runs")


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _sheet_cells(xlsx: Path, sheet: str) -> list[object]:
    book = openpyxl.load_workbook(xlsx)
    return [c for row in book[sheet].iter_rows(values_only=True) for c in row if c is not None]


def test_receptors_i2_writes_the_whole_form(onemap) -> None:  # type: ignore[no-untyped-def]
    done = onemap("report", "run", "--kind", "receptors-i2", "--period", "2025")
    assert done.returncode == 0, done.stderr
    xlsx, pdf = (Path(p) for p in done.stdout.strip().splitlines()[-2:])
    cells = _sheet_cells(xlsx, "表I.2 环境保护目标")
    for part in (
        "一、基本情况 / 1 Header",
        "二、规划情况 / 2 Plans",
        "五、饮用水源 / 5 Drinking water",
    ):
        assert part in cells
    assert any(str(c).startswith("三、特征污染物（共") for c in cells)
    # the header and plans from the park layer (the demo's new Table I.2 fields)
    assert "江苏滨江新材料产业园管理委员会" in cells and 1268.5 in cells
    assert "苏政复〔2021〕37号" in cells and "泰政复〔2022〕12号" in cells
    assert 120 in cells and "有机化学原料制造、化学药品原料药制造、其他专用化学产品制造" in cells
    text = _text(pdf)
    assert "四、环境保护目标（大气：园区边界外5 km）" in text
    assert "四、环境保护目标（地表水：排放口下游5 km）" in text
    assert "是否位于饮用水水源保护区内" in text
    # the air targets are the screening's: direction, distance and name, nearest first
    screened = [c for c in cells if isinstance(c, str) and c.endswith((" NE", " SE", " NW"))]
    assert len(screened) > 10


def test_counts_the_park_row_lacks_come_from_the_enterprises_layer() -> None:
    park = {
        "name": "某园区",
        "west": 110.0,
        "east": 110.1,
        "south": 25.0,
        "north": 25.1,
        "area_km2": 12.345,
        "enterprise_count": None,
        "key_enterprise_count": 3,
    }
    counted = {"n": 40, "n_key": 9, "types": "化工", "key_types": "医药"}
    table, notes = header(park, counted)
    values = dict(table.rows)
    assert values["企业数量 / Enterprises"] == 40  # counted
    assert values["重点企业数量 / Key enterprises"] == 3  # declared wins
    assert values["面积 / Area (km²)"] == 12.35
    assert (
        values["坐标范围 / Coordinate range"] == "东经 110.0000°–110.1000°，北纬 25.0000°–25.1000°"
    )
    assert len(notes) == 1 and "按企业图层统计" in notes[0].zh


def test_indicators_score_linearly_between_their_ends() -> None:
    fewer_better = Indicator("x", "exceedance_events", "", "", 20, zero_at=10, full_at=0)
    assert [fewer_better.score(v) for v in (0, 5, 10, 12)] == [100.0, 50.0, 0.0, 0.0]
    assert fewer_better.score(None) is None
    rate = Indicator("y", "online_compliance_pct", "", "", 30, zero_at=90, full_at=100)
    assert [rate.score(v) for v in (80, 95, 100)] == [0.0, 50.0, 100.0]


def test_the_indicator_set_is_a_data_file(tmp_path: Path, onemap, demo_engine: sa.Engine) -> None:  # type: ignore[no-untyped-def]
    assert {i.measure for i in read_indicators()} >= {"online_compliance_pct", "penalties"}
    only = tmp_path / "indicators.yaml"
    only.write_text(
        "indicators:\n  - {id: archive, measure: archive_complete_pct, title_zh: 档案, "
        "title_en: Archive, weight: 1, zero_at: 0, full_at: 100}\n",
        encoding="utf-8",
    )
    done = onemap(
        "report",
        "run",
        "--kind",
        "performance",
        "--period",
        "2025",
        env={"ONEMAP_PERFORMANCE_INDICATORS": str(only)},
    )
    assert done.returncode == 0, done.stderr
    xlsx = Path(done.stdout.strip().splitlines()[-2])
    ranking = list(openpyxl.load_workbook(xlsx)["绩效排名"].iter_rows(values_only=True))
    header = next(r for r in ranking if r and r[0] == "名次 / Rank")
    assert header[-1] == "档案 / Archive" and len([h for h in header if h]) == 5
    with demo_engine.connect() as connection:
        enterprises = connection.execute(sa.text("SELECT count(*) FROM enterprises")).scalar()
    rows = ranking[ranking.index(header) + 1 :]
    ranks = [r[0] for r in rows if isinstance(r[0], int | float)]
    assert len(ranks) == enterprises and ranks == sorted(ranks) and ranks[0] == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "indicators:\n  - {id: x, measure: luck, title_zh: x, title_en: x, "
        "weight: 1, zero_at: 0, full_at: 1}\n",
        encoding="utf-8",
    )
    refused = onemap(
        "report",
        "run",
        "--kind",
        "performance",
        "--period",
        "2025",
        env={"ONEMAP_PERFORMANCE_INDICATORS": str(bad)},
    )
    assert refused.returncode == 2 and "unknown measure(s) luck" in refused.stderr


def test_the_service_sheet_has_100_points_in_four_parts() -> None:
    parts, items = read_items()
    points = {p: sum(i.max_points for i in items if i.part == p) for p, _, _ in parts}
    assert points == {"I": 8, "II": 73, "III": 9, "IV": 10}
    assert [grade(s) for s in (90, 89.9, 70, 69.9, 60, 59.9)] == [
        ("优秀", "excellent"), ("良好", "good"), ("良好", "good"), ("合格", "pass"),
        ("合格", "pass"), ("不合格", "fail"),
    ]  # fmt: skip


def test_the_service_score_takes_data_and_staff_entries(onemap, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    entries = tmp_path / "entries.yaml"
    entries.write_text("IV.1: {points: 8, note: 满意度调查 92 %}\nI.1: 2\n", encoding="utf-8")
    done = onemap(
        "report",
        "run",
        "--kind",
        "service-score",
        "--period",
        "2025",
        env={"ONEMAP_SERVICE_SCORE_ENTRIES": str(entries)},
    )
    assert done.returncode == 0, done.stderr
    xlsx = Path(done.stdout.strip().splitlines()[-2])
    rows = {
        r[0]: r
        for r in openpyxl.load_workbook(xlsx)["表M.1 评分表"].iter_rows(values_only=True)
        if r and isinstance(r[0], str) and r[0][:1] in "IV"
    }
    assert rows["IV.1"][3] == 8 and rows["IV.1"][5] == "满意度调查 92 %"
    assert rows["II.1a"][4] == "数据 data" and "检查周期" in rows["II.1a"][5]
    assert rows["II.7b"][4] == "待录入 pending"
    text = _text(Path(done.stdout.strip().splitlines()[-1]))
    assert "等级：" in text and "尚待录入的条目" in text
    entries.write_text("IV.1: 11\n", encoding="utf-8")  # over the item's 10 points
    refused = onemap(
        "report",
        "run",
        "--kind",
        "service-score",
        "--period",
        "2025",
        env={"ONEMAP_SERVICE_SCORE_ENTRIES": str(entries)},
    )
    assert refused.returncode == 2 and "bad entry 'IV.1'" in refused.stderr
