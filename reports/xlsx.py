"""Render a :class:`~reports.model.Report` as an XLSX workbook (XlsxWriter): a cover sheet,
then one sheet per section with its tables, native charts drawn from those tables' cells,
calendars as coloured cell grids and figures as images.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from reports.model import Calendar, Chart, Figure, Note, Report, Table

#: Sheet names may hold 31 characters and none of []:*?/\
_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")


def _sheet_name(text: str, taken: set[str]) -> str:
    base = text.translate(_FORBIDDEN)[:28]
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base[:26]}~{n}", n + 1
    taken.add(name.casefold())
    return name


class _Writer:
    def __init__(self, workbook: Any) -> None:
        self.book = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.subtitle = workbook.add_format({"bold": True, "font_size": 11})
        self.head = workbook.add_format(
            {"bold": True, "bg_color": "#dde6f0", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.cell = workbook.add_format({"border": 1})
        self.number = workbook.add_format({"border": 1, "num_format": "0.###"})
        self.date = workbook.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
        self.note = workbook.add_format({"italic": True, "font_color": "#555555"})
        self.colours: dict[str, Any] = {}

    def colour(self, fill: str) -> Any:
        if fill not in self.colours:
            self.colours[fill] = self.book.add_format(
                {"bg_color": fill, "border": 1, "align": "center"}
            )
        return self.colours[fill]

    def table(self, sheet: Any, row: int, table: Table) -> tuple[int, dict[str, Any]]:
        """Write ``table`` from ``row``; the next free row and where its cells are."""
        sheet.write(row, 0, f"{table.zh} / {table.en}", self.subtitle)
        row += 1
        for c, column in enumerate(table.columns):
            sheet.write(row, c, column.heading, self.head)
        header = row
        if not table.rows:
            sheet.write(row + 1, 0, f"{table.empty_zh} / {table.empty_en}", self.note)
            return row + 3, {"header": header, "first": row + 1, "last": row}
        for values in table.rows:
            row += 1
            for c, value in enumerate(values):
                self._write(sheet, row, c, value)
        return row + 2, {"header": header, "first": header + 1, "last": row}

    def _write(self, sheet: Any, row: int, col: int, value: Any) -> None:
        if value is None:
            sheet.write_blank(row, col, None, self.cell)
        elif isinstance(value, bool):
            sheet.write(row, col, "是" if value else "否", self.cell)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, float(value), self.number)
        elif isinstance(value, dt.datetime):
            sheet.write(row, col, value.strftime("%Y-%m-%d %H:%M"), self.cell)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.date)
        else:
            sheet.write_string(row, col, str(value), self.cell)

    def chart(self, sheet: Any, name: str, row: int, chart: Chart, cells: dict[str, Any]) -> int:
        if not chart.table.rows:
            return row
        options: dict[str, Any] = {"type": chart.kind}
        if chart.stacked and chart.kind in ("column", "bar"):
            options["subtype"] = "stacked"
        native = self.book.add_chart(options)
        first, last = cells["first"], cells["last"]
        for column in chart.value_columns:
            native.add_series(
                {
                    "name": [name, cells["header"], column],
                    "categories": [name, first, chart.category_column, last, chart.category_column],
                    "values": [name, first, column, last, column],
                }
            )
        native.set_title({"name": f"{chart.zh} / {chart.en}", "name_font": {"size": 11}})
        native.set_size({"width": 720, "height": 320})
        if len(chart.value_columns) == 1 and chart.kind != "pie":
            native.set_legend({"none": True})
        sheet.insert_chart(row, 0, native)
        return row + 17

    def calendar(self, sheet: Any, row: int, calendar: Calendar) -> int:
        sheet.write(row, 0, f"{calendar.zh} / {calendar.en}", self.subtitle)
        row += 1
        months: dict[tuple[int, int], list[Any]] = {}
        for day in calendar.days:
            months.setdefault((day.day.year, day.day.month), []).append(day)
        for (year, month), days in months.items():
            sheet.write(row, 0, f"{year}-{month:02d}", self.head)
            for weekday, label in enumerate(WEEKDAYS_ZH):
                sheet.write(row, 1 + weekday, label, self.head)
            first = dt.date(year, month, 1)
            for day in days:
                week = (day.day.day + first.weekday() - 1) // 7
                text = f"{day.day.day}: {day.label}"
                sheet.write(row + 1 + week, 1 + day.day.weekday(), text, self.colour(day.color))
            row += 8
        for label, fill in calendar.legend:
            sheet.write(row, 0, label, self.colour(fill))
            row += 1
        return row + 1


def write_xlsx(report: Report, path: Path) -> Path:
    """Write ``report`` to ``path`` (``.xlsx``); the path."""
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover - a set-up problem
        from reports.errors import RenderError

        raise RenderError("未安装 XlsxWriter / XlsxWriter is missing: run make setup") from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    book.set_properties({"title": f"{report.zh} / {report.en}", "author": "onemap"})
    writer = _Writer(book)
    taken: set[str] = set()
    cover = book.add_worksheet(_sheet_name("封面 Cover", taken))
    cover.set_column(0, 0, 34)
    cover.set_column(1, 1, 40)
    cover.write(0, 0, f"{report.park_name} {report.zh}", writer.title)
    cover.write(1, 0, report.en, writer.subtitle)
    zh, en = report.period.title()
    cover.write(3, 0, "报告期 / Period")
    cover.write(3, 1, f"{zh} / {en} ({report.period.first_day} – {report.period.end_day})")
    cover.write(4, 0, "生成时间 / Generated (UTC)")
    cover.write(4, 1, report.generated_utc.strftime("%Y-%m-%d %H:%M"))
    for i, (label_zh, label_en, value) in enumerate(report.highlights):
        cover.write(6 + i, 0, f"{label_zh} / {label_en}")
        cover.write(6 + i, 1, value)
    for section in report.sections:
        name = _sheet_name(section.zh, taken)
        sheet = book.add_worksheet(name)
        sheet.set_column(0, 12, 16)
        sheet.write(0, 0, f"{section.zh} / {section.en}", writer.title)
        row = 2
        cells: dict[int, dict[str, Any]] = {}
        for block in section.blocks:
            if isinstance(block, Table):
                row, cells[id(block)] = writer.table(sheet, row, block)
            elif isinstance(block, Chart):
                if id(block.table) not in cells:
                    row, cells[id(block.table)] = writer.table(sheet, row, block.table)
                row = writer.chart(sheet, name, row, block, cells[id(block.table)])
            elif isinstance(block, Calendar):
                row = writer.calendar(sheet, row, block)
            elif isinstance(block, Figure):
                sheet.write(row, 0, f"{block.zh} / {block.en}", writer.subtitle)
                sheet.insert_image(
                    row + 1,
                    0,
                    "figure.png",
                    {"image_data": io.BytesIO(block.png), "x_scale": 0.8, "y_scale": 0.8},
                )
                row += 32
            elif isinstance(block, Note):
                sheet.write(row, 0, f"{block.zh} {block.en}".strip(), writer.note)
                row += 2
    book.close()
    return path
