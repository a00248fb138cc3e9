"""Render a :class:`~reports.model.Report` as a PDF: HTML from a Jinja2 template (a cover, the
contents, one part per section, tables, and charts, calendars and figures as SVG images) laid
out by WeasyPrint with a Chinese font and page numbers ("第 N 页 / 共 M 页")."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

from reports.charts import calendar_svg, chart_svg
from reports.errors import MissingFontError, RenderError
from reports.model import Calendar, Chart, Figure, Report

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _image(svg: str) -> str:
    """An ``<img>`` of ``svg``: WeasyPrint draws it with its SVG renderer without cascading the
    HTML style sheet over every SVG element (a tenth less work than inline SVG)."""
    if not svg:
        return ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img alt="" src="data:image/svg+xml;base64,{data}">'


def check_fonts() -> None:
    """MissingFontError unless fontconfig knows a Chinese font (WeasyPrint finds fonts there)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise MissingFontError(
            "未找到 fontconfig / fontconfig (fc-list) is missing: install fontconfig and "
            "fonts-noto-cjk (scripts/install-system-packages.sh)"
        )
    found = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    if not found.strip():
        raise MissingFontError(
            "未找到中文字体 / no Chinese font found: install fonts-noto-cjk "
            "(scripts/install-system-packages.sh)"
        )


def render_html(report: Report) -> str:
    """The report's HTML, with its CSS and SVGs inline."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = _cell
    env.filters["id"] = id
    env.filters["kind"] = lambda block: type(block).__name__
    svgs: dict[int, str] = {}
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Chart) and block.table.rows:
                svgs[id(block)] = _image(chart_svg(block))
            elif isinstance(block, Chart):
                svgs[id(block)] = ""
            elif isinstance(block, Calendar):
                svgs[id(block)] = _image(calendar_svg(block))
            elif isinstance(block, Figure):
                svgs[id(block)] = _image(block.svg)
    period_zh, period_en = report.period.title()
    header = f"{report.park_name} {report.zh} {period_zh}".replace('"', "'")
    css = env.get_template("report.css").render(
        orientation="landscape" if report.landscape else "portrait", header=header
    )
    return env.get_template("report.html").render(
        report=report,
        css=css,
        svgs=svgs,
        period_zh=period_zh,
        period_en=period_en,
        last_day=report.period.end_day - dt.timedelta(days=1),
    )


def write_pdf(report: Report, path: Path) -> Path:
    """Write ``report`` to ``path`` (``.pdf``); the path."""
    check_fonts()
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise RenderError(
            f"WeasyPrint 不可用 / WeasyPrint cannot load ({exc}): run make setup (it needs Pango)"
        ) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=render_html(report), base_url=str(TEMPLATES)).write_pdf(str(path))
    return path
