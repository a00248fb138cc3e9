"""Figures drawn offline with matplotlib (Agg): the park map on its hillshade, read from PostGIS
and the DEM (no tile server), and the charts and calendars of the PDF as SVG.

The hillshade is :func:`webmap.hillshade.shade` of the park's DEM (``ONEMAP_DEM``, else the
demo's), drawn in plain longitude/latitude with the axes' aspect set to 1/cos(latitude) so that
a metre is as long north-south as east-west.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from reports.errors import MissingFontError
from reports.model import Figure

DEFAULT_DEM = Path(__file__).resolve().parents[1] / "data" / "demo" / "dem.tif"
ENV_DEM = "ONEMAP_DEM"
#: matplotlib families tried in order for Chinese text.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK JP",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
)
MAX_DEM_PIXELS = 500


def pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend with a Chinese font; MissingFontError without."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    installed = {f.name for f in font_manager.fontManager.ttflist}
    families = [name for name in CJK_FAMILIES if name in installed]
    if not families:
        raise MissingFontError(
            "未找到中文字体 / no Chinese font found: install fonts-noto-cjk "
            "(scripts/install-system-packages.sh)"
        )
    plt.rcParams["font.family"] = [families[0], "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    # text stays text (WeasyPrint draws it with the same fontconfig font): a tenth of the bytes
    plt.rcParams["svg.fonttype"] = "none"
    return plt


def svg_and_png(figure: Any, dpi: int = 110) -> tuple[str, bytes]:
    """The figure as SVG text and as PNG bytes; the figure closed."""
    plt = pyplot()
    svg, png = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", bbox_inches="tight")
    figure.savefig(png, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    return svg.getvalue(), png.getvalue()


def svg_text(figure: Any) -> str:
    """The figure as SVG text; the figure closed."""
    plt = pyplot()
    svg = io.StringIO()
    figure.savefig(svg, format="svg", bbox_inches="tight")
    plt.close(figure)
    return svg.getvalue()


def _dem_path() -> Path | None:
    configured = os.environ.get(ENV_DEM)
    path = Path(configured).expanduser() if configured else DEFAULT_DEM
    return path if path.exists() else None


def _hillshade(ax: Any) -> tuple[float, float, float, float] | None:
    """Draw the DEM's hillshade on ``ax``; its (west, east, south, north), None without a DEM."""
    path = _dem_path()
    if path is None:
        return None
    import rasterio

    from webmap.hillshade import M_PER_DEG_LAT, Z_FACTOR, shade

    with rasterio.open(path) as src:
        step = max(1, math.ceil(max(src.shape) / MAX_DEM_PIXELS))
        elevation = src.read(1, masked=True)[::step, ::step].astype(np.float64).filled(np.nan)
        west, south, east, north = src.bounds
        res_x, res_y = src.res[0] * step, src.res[1] * step
    elevation = np.where(np.isnan(elevation), np.nanmean(elevation), elevation)
    lat = (north + south) / 2
    dx_m = math.radians(res_x) * 6_371_008.8 * math.cos(math.radians(lat))
    light = shade(elevation * Z_FACTOR, dx_m, res_y * M_PER_DEG_LAT)
    ax.imshow(
        light,
        cmap="gray",
        vmin=-0.3,
        vmax=1.2,
        extent=(west, east, south, north),
        interpolation="bilinear",
        zorder=0,
    )
    return west, east, south, north


STATION_STYLES = {
    "air": ("#238b45", "空气站 air"),
    "surface_water": ("#2171b5", "水质站 water"),
    "source_online": ("#6a51a3", "在线监测 source online"),
}
GEOMETRY_SQL = {
    "park": "SELECT ST_AsBinary(geom) FROM park",
    "rivers": "SELECT ST_AsBinary(geom) FROM rivers",
}


def _shapes(connection: sa.Connection, table: str) -> list[Any]:
    import shapely

    rows = connection.execute(sa.text(GEOMETRY_SQL[table])).scalars().all()
    return [shapely.from_wkb(bytes(r)) for r in rows if r is not None]


def _draw(ax: Any, geometry: Any, **style: Any) -> None:
    parts = getattr(geometry, "geoms", [geometry])
    for part in parts:
        if part.geom_type == "Polygon":
            x, y = part.exterior.xy
            ax.plot(x, y, **style)
        elif part.geom_type == "LineString":
            x, y = part.xy
            ax.plot(x, y, **style)


def park_map(
    engine: sa.Engine,
    stations: pd.DataFrame,
    events: pd.DataFrame,
    alerts: pd.DataFrame,
    title: tuple[str, str],
) -> Figure:
    """The park on its hillshade with the period's exceedances (stations sized by their
    number of events) and alerts."""
    plt = pyplot()
    figure, ax = plt.subplots(figsize=(8.0, 6.6))
    _hillshade(ax)
    with engine.connect() as connection:
        park, rivers = _shapes(connection, "park"), _shapes(connection, "rivers")
    for river in rivers:
        _draw(ax, river, color="#2171b5", linewidth=1.2, zorder=2)
    for boundary in park:
        _draw(ax, boundary, color="#d7301f", linewidth=2.0, zorder=3)
    for kind, (colour, label) in STATION_STYLES.items():
        own = stations[stations["type"] == kind]
        ax.scatter(own["lon"], own["lat"], s=18, c=colour, marker="^", zorder=4, label=label)
    if not events.empty:
        counts = events.groupby("station_code", observed=True).size().rename("n")
        located = stations.set_index("code").join(counts, how="inner")
        ax.scatter(
            located["lon"],
            located["lat"],
            s=30 + 12 * np.sqrt(located["n"]),
            facecolors="none",
            edgecolors="#e31a1c",
            linewidths=1.6,
            zorder=5,
            label=f"超标站点 exceedances ({int(counts.sum())})",
        )
    shown = alerts.dropna(subset=["lon", "lat"]) if not alerts.empty else alerts
    if not shown.empty:
        ax.scatter(
            shown["lon"],
            shown["lat"],
            s=14,
            c="#fd8d3c",
            marker="x",
            zorder=6,
            label=f"告警 alerts ({len(alerts)})",
        )
    if park:
        west, south, east, north = park[0].bounds
        for boundary in park[1:]:
            w, s, e, n = boundary.bounds
            west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
        pad_x, pad_y = (east - west) * 0.08, (north - south) * 0.08
        ax.set_xlim(west - pad_x, east + pad_x)
        ax.set_ylim(south - pad_y, north + pad_y)
        ax.set_aspect(1 / math.cos(math.radians((north + south) / 2)))
    ax.set_title(f"{title[0]}\n{title[1]}", fontsize=11)
    ax.set_xlabel("经度 / longitude (°E)")
    ax.set_ylabel("纬度 / latitude (°N)")
    ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
    svg, png = svg_and_png(figure)
    return Figure(title[0], title[1], svg, png)
