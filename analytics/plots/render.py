"""Station plots rendered with matplotlib: a time series with its limits, a wind rose and a CPF
polar plot. Each function takes plain arrays and returns the image as bytes (SVG or PNG), so
the app, the CLI and tests share them. Labels are Chinese first, with English.

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot: no global figure state,
so a multi-threaded server can render concurrently, and no display backend is needed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes

from monitoring.quality.cpf import Cpf

ImageFormat = Literal["svg", "png"]
MEDIA_TYPES: dict[str, str] = {"svg": "image/svg+xml", "png": "image/png"}

#: Chinese-capable fonts first (Debian's fonts-noto-cjk), then matplotlib's own.
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "DejaVu Sans"]
#: Wind-speed classes of the rose, m/s (Beaufort-like steps used by openair's windRose).
SPEED_BINS_MS = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)


@dataclass(frozen=True)
class LimitLine:
    value: float
    label: str


@cache
def _font_families() -> tuple[str, ...]:
    """The installed ones of :data:`FONTS`, registering system CJK fonts when matplotlib's font
    cache predates them (it is built on first import, maybe before fonts-noto-cjk)."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    if not any(name in known for name in FONTS[:-1]):
        for path in font_manager.findSystemFonts():
            if "CJK" in path or "wqy" in path.lower():
                font_manager.fontManager.addfont(path)
        known = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(name for name in FONTS if name in known) or (FONTS[-1],)


def _style() -> Any:  # matplotlib types rcParams keys as a Literal of every key
    return {
        # concrete families, not "sans-serif": matplotlib falls back glyph by glyph only
        # along an explicit list (CJK fonts lack e.g. the subscript ₂ of SO₂)
        "font.family": list(_font_families()),
        "axes.unicode_minus": False,
        "svg.hashsalt": "onemap",  # stable SVG ids: the same data gives the same bytes
        "svg.fonttype": "none",  # text stays text: searchable, small, drawn with CJK fonts
    }


def _finish(figure: Figure, fmt: ImageFormat) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format=fmt,
        dpi=110,
        bbox_inches="tight",
        metadata={"Date": None} if fmt == "svg" else None,
    )
    return buffer.getvalue()


def time_series(
    times: Sequence[pd.Timestamp] | pd.DatetimeIndex,
    values: npt.ArrayLike,
    *,
    title: str,
    unit: str,
    limits: Sequence[LimitLine] = (),
    fmt: ImageFormat = "svg",
) -> bytes:
    """A parameter's series with its limit lines (e.g. GB 3095 class II 1 h)."""
    with rc_context(_style()):
        figure = Figure(figsize=(9, 3.6))
        axes = figure.subplots()
        axes.plot(
            pd.DatetimeIndex(times),
            np.asarray(values, dtype=float),
            lw=0.9,
            color="#2171b5",
            label="监测值 / observed",
        )
        for line in limits:
            axes.axhline(line.value, color="#d7191c", ls="--", lw=1, label=line.label)
        axes.set_title(title)
        axes.set_ylabel(unit or "")
        axes.grid(alpha=0.3)
        axes.legend(loc="upper right", fontsize=8)
        figure.autofmt_xdate()
        return _finish(figure, fmt)


def wind_rose(
    from_deg: npt.ArrayLike,
    speed_ms: npt.ArrayLike,
    *,
    title: str,
    sectors: int = 16,
    fmt: ImageFormat = "svg",
) -> bytes:
    """Frequency of wind from each of ``sectors`` directions, stacked by speed class."""
    from windrose import WindroseAxes

    wd = np.asarray(from_deg, dtype=float)
    ws = np.asarray(speed_ms, dtype=float)
    known = np.isfinite(wd) & np.isfinite(ws)
    with rc_context(_style()):
        figure = Figure(figsize=(6, 6))
        axes = WindroseAxes.from_ax(fig=figure)
        axes.bar(
            wd[known],
            ws[known],
            normed=True,
            nsector=sectors,
            bins=SPEED_BINS_MS,
            opening=0.9,
            edgecolor="white",
        )
        axes.set_legend(title="风速 / speed (m/s)", loc="lower right", fontsize=7)
        axes.set_title(title)
        return _finish(figure, fmt)


def cpf_polar(cpf: Cpf, *, title: str, fmt: ImageFormat = "svg") -> bytes:
    """CPF per sector as polar bars, north up and clockwise like a compass."""
    sectors = cpf.sectors
    width = np.deg2rad(360 / len(sectors))
    with rc_context(_style()):
        figure = Figure(figsize=(6, 6))
        axes = cast(PolarAxes, figure.add_subplot(projection="polar"))
        axes.set_theta_zero_location("N")
        axes.set_theta_direction(-1)
        axes.bar(
            np.deg2rad(sectors["sector_deg"]),
            sectors["cpf"].fillna(0),
            width=width,
            color="#e6550d",
            edgecolor="white",
            alpha=0.85,
        )
        axes.set_ylim(0, 1)
        axes.set_title(
            f"{title}\nCPF > P{cpf.percentile:g} = {cpf.threshold:.3g}"
            f"（静风 / calm {cpf.calm_hours} h）"
        )
        return _finish(figure, fmt)
