"""``onemap report run``: the monthly report of the demo park as a new user gets it (an XLSX
that opens, with native charts; a PDF whose pages show Chinese text, the AQI calendar and the
map), idempotent runs, and bad input as one line with exit status 2."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import sqlalchemy as sa
from PIL import Image

pytestmark = pytest.mark.usefixtures("clean_runs")


def _pages_png(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "page")], check=True)
    return sorted(out.glob("page-*.png"))


def _has_colour(png: Path, rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).sum())


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_monthly_report_writes_an_xlsx_and_a_pdf(
    onemap, tmp_path: Path, demo_engine: sa.Engine
) -> None:
    out = tmp_path / "out"
    done = onemap(
        "report", "run", "--kind", "monthly", "--period", "2025-06", "--output-dir", str(out)
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    xlsx, pdf = Path(lines[-2]), Path(lines[-1])
    assert xlsx == out.resolve() / "monthly" / "2025-06" / "monthly-2025-06.xlsx"
    assert pdf.suffix == ".pdf" and pdf.exists()

    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[:3] == ["封面 Cover", "环境空气质量", "地表水环境质量"]
    assert {"污染源监管", "数据质量", "超标与告警分布图", "案件办理"} <= set(book.sheetnames)
    cells = [c for row in book["环境空气质量"].iter_rows(values_only=True) for c in row if c]
    assert "各级别天数 / Days by grade (HJ 633-2012)" in cells
    with zipfile.ZipFile(xlsx) as archive:
        names = archive.namelist()
    assert sum(n.startswith("xl/charts/chart") for n in names) >= 4  # native charts
    assert any(n.startswith("xl/media/") for n in names)  # the map figure

    # LibreOffice opens it (headless Calc, its own profile): the cover sheet as UTF-8 CSV
    converted = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"),
         str(xlsx)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    cover = (tmp_path / "csv" / "monthly-2025-06.csv").read_text(encoding="utf-8")
    assert "江苏滨江新材料产业园" in cover and "报告期 / Period" in cover

    text = _text(pdf)
    assert "江苏滨江新材料产业园" in text and "环境月报" in text
    assert "第 2 页 / 共" in text  # page numbers
    assert "日AQI日历" in text and "超标与告警分布图" in text
    pages = _pages_png(pdf, tmp_path)
    assert len(pages) >= 6
    # the calendar: June 2025's days in the HJ 633 grade colours (orange: lightly polluted)
    air_page = next(p for p, t in zip(pages, text.split("\f"), strict=False) if "日AQI日历" in t)
    assert _has_colour(air_page, (0xFF, 0x7E, 0x00)) > 500
    # the map: the hillshade's greys and the park boundary's red
    map_page = next(
        p for p, t in zip(pages, text.split("\f"), strict=False) if "经度 / longitude" in t
    )
    assert _has_colour(map_page, (0xD7, 0x30, 0x1F), 30) > 100
    with demo_engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT kind, period, public, pdf_path FROM report_runs")
        ).one()
    assert tuple(row) == ("monthly", "2025-06", False, str(pdf))


def test_running_again_replaces_the_run(onemap, demo_engine: sa.Engine) -> None:
    first = onemap("report", "run", "--kind", "disconnection", "--period", "2025-06-01")
    assert first.returncode == 0, first.stderr
    again = onemap("report", "run", "--kind", "disconnection", "--period", "2025-06-01")
    assert again.returncode == 0, again.stderr
    with demo_engine.connect() as connection:
        runs = connection.execute(sa.text("SELECT kind, period FROM report_runs")).all()
    assert [tuple(r) for r in runs] == [("disconnection", "2025-06-01")]
    listed = onemap("report", "list")
    assert "disconnection" in listed.stdout and "2025-06-01" in listed.stdout
    assert "public" not in listed.stdout
    published = onemap(
        "report", "run", "--kind", "disconnection", "--period", "2025-06-01", "--public"
    )
    assert published.returncode == 0, published.stderr
    with demo_engine.connect() as connection:
        public = connection.execute(sa.text("SELECT public FROM report_runs")).scalar_one()
    assert public is True


def test_a_period_without_data_is_a_report_that_says_so(onemap, tmp_path: Path) -> None:
    done = onemap("report", "run", "--kind", "daily", "--period", "2024-06-01")
    assert done.returncode == 0, done.stderr
    text = _text(Path(done.stdout.strip().splitlines()[-1]))
    assert "本报告期没有监测数据" in text
    assert "本期无空气质量数据" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kind", "fortnightly", "--period", "2025-06"), "unknown report kind 'fortnightly'"),
        (("--kind", "monthly", "--period", "2025-13"), "bad period '2025-13'"),
        (("--kind", "monthly", "--period", "2025-06-01"), "a monthly report takes a period"),
        (("--kind", "annual", "--period", "2999"), "is not over yet"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(
    onemap, args: tuple[str, ...], message: str
) -> None:
    done = onemap("report", "run", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_chinese_font_is_a_set_up_message(onemap, tmp_path: Path) -> None:
    empty = tmp_path / "fonts.conf"  # fontconfig with no font directory at all
    empty.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    done = onemap(
        "report",
        "run",
        "--kind",
        "daily",
        "--period",
        "2025-06-01",
        env={"FONTCONFIG_FILE": str(empty)},
    )
    assert done.returncode == 2
    assert "fonts-noto-cjk" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
