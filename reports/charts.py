"""The PDF's charts and calendars as SVG, drawn with matplotlib from the same tables the XLSX
charts are drawn from (:class:`reports.model.Chart`)."""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
from typing import Any

import numpy as np

from reports.figures import pyplot, svg_text
from reports.model import Calendar, Chart

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
PALETTE = ("#3182bd", "#fd8d3c", "#31a354", "#756bb1", "#e6550d", "#636363")


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def chart_svg(chart: Chart) -> str:
    """``chart`` as SVG text."""
    plt = pyplot()
    rows = chart.table.rows
    categories = [str(r[chart.category_column]) for r in rows]
    n = len(categories)
    tall = chart.kind == "bar" and n > 8
    figure, ax = plt.subplots(figsize=(7.2, max(2.6, 0.28 * n) if tall else 3.0))
    positions = np.arange(n)
    width = 0.8 / max(1, len(chart.value_columns)) if not chart.stacked else 0.8
    bottom = np.zeros(n)
    for i, column in enumerate(chart.value_columns):
        values = np.array([_number(r[column]) for r in rows])
        label = chart.table.columns[column].heading
        colour = PALETTE[i % len(PALETTE)]
        offset = 0 if chart.stacked else (i - (len(chart.value_columns) - 1) / 2) * width
        if chart.kind == "bar":
            ax.barh(
                positions + offset,
                values,
                width,
                left=bottom if chart.stacked else None,
                color=colour,
                label=label,
            )
        elif chart.kind == "line":
            ax.plot(positions, values, color=colour, label=label, marker="o", markersize=3)
        elif chart.kind == "pie":
            ax.pie(values, labels=categories, colors=PALETTE)
            break
        else:
            ax.bar(
                positions + offset,
                values,
                width,
                bottom=bottom if chart.stacked else None,
                color=colour,
                label=label,
            )
        if chart.stacked:
            bottom = bottom + values
    if chart.kind == "bar":
        ax.set_yticks(positions, categories, fontsize=7)
        ax.invert_yaxis()
    elif chart.kind != "pie":
        crowded = n > 6 or max((len(c) for c in categories), default=0) * n > 60
        ax.set_xticks(
            positions,
            categories,
            fontsize=7,
            rotation=25 if crowded else 0,
            ha="right" if crowded else "center",
        )
    if len(chart.value_columns) > 1:
        ax.legend(fontsize=7)
    ax.set_title(f"{chart.zh} / {chart.en}", fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return svg_text(figure)


def calendar_svg(cal: Calendar) -> str:
    """A calendar chart: one block of weeks × weekdays per month, each day coloured."""
    plt = pyplot()
    months = sorted({(d.day.year, d.day.month) for d in cal.days})
    per_row = min(4, len(months))
    rows = int(np.ceil(len(months) / per_row))
    size = 3.2 if len(months) == 1 else 1.9
    figure, axes = plt.subplots(
        rows, per_row, figsize=(size * per_row + 0.4, size * rows + 0.8), squeeze=False
    )
    by_day = {d.day: d for d in cal.days}
    for index, (year, month) in enumerate(months):
        ax = axes[index // per_row][index % per_row]
        first = dt.date(year, month, 1)
        for number in range(1, calendar_module.monthrange(year, month)[1] + 1):
            day = first.replace(day=number)
            week = (number + first.weekday() - 1) // 7
            entry = by_day.get(day)
            colour = entry.color if entry else "#ffffff"
            ax.add_patch(plt.Rectangle((day.weekday(), -week), 0.95, 0.95, color=colour))
            label = f"{number}\n{entry.label}" if entry and len(months) == 1 else str(number)
            ax.text(
                day.weekday() + 0.47,
                -week + 0.47,
                label,
                ha="center",
                va="center",
                fontsize=6 if len(months) == 1 else 5,
            )
        ax.set_xlim(0, 7)
        ax.set_ylim(-5.1, 1.3)
        for i, label in enumerate(WEEKDAYS):
            ax.text(i + 0.47, 1.12, label, ha="center", fontsize=5)
        ax.set_title(f"{year}年{month}月", fontsize=7, pad=12)
        ax.axis("off")
    for index in range(len(months), rows * per_row):
        axes[index // per_row][index % per_row].axis("off")
    if cal.legend:
        handles = [plt.Rectangle((0, 0), 1, 1, color=c) for _, c in cal.legend]
        figure.legend(
            handles,
            [label for label, _ in cal.legend],
            loc="lower center",
            ncol=min(6, len(cal.legend)),
            fontsize=6,
            frameon=False,
        )
    figure.suptitle(f"{cal.zh} / {cal.en}", fontsize=9, y=1.0)
    figure.subplots_adjust(bottom=0.12, top=0.86)
    return svg_text(figure)
