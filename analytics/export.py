"""CSV and XLSX writers for analysis results.

The table is the analysis's result rows: the candidates for the air tracings, every feature
otherwise. CSV is UTF-8 with a byte-order mark so that Excel shows Chinese. The XLSX of
``receptor-screening`` opens with the layout of Guangxi T/GXAS 710-2024 Table I.2 (方向,
距离（m）, 敏感目标名称, then the drinking-water protection lines); every XLSX has a details
sheet and a sheet with the parameters, notes and assumptions.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Literal

from shapely.geometry import shape

from analytics.geojson import Feature, FeatureCollection

Format = Literal["csv", "xlsx"]

#: The feature kinds that make an analysis's table (None: every feature).
TABLE_KINDS: dict[str, tuple[str, ...] | None] = {
    "receptor-screening": None,
    "wind-sector-trace": ("candidate",),
    "back-trajectory": ("candidate",),
    "network-trace": None,
    "emergency-response": (
        "receptor",
        "water_receptor",
        "control_point",
        "shelter",
        "depot",
        "team",
        "camera",
        "hazard_source",
    ),
}

#: Analyses whose XLSX has one sheet per list (feature kind), after a summary sheet.
SHEETS: dict[str, tuple[tuple[str, str], ...]] = {
    "emergency-response": (
        ("receptor", "下风向敏感目标 downwind"),
        ("water_receptor", "水路到达 water"),
        ("control_point", "风险防控点 control points"),
        ("shelter", "避难场所 shelters"),
        ("depot", "应急物资 supplies"),
        ("team", "救援队伍 teams"),
        ("camera", "视频监控 cameras"),
        ("hazard_source", "重大危险源 hazard sources"),
    ),
}


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def table(
    result: FeatureCollection, kinds: tuple[str, ...] | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: each feature's properties, then its longitude and latitude (a point's
    own, else a point on the geometry). ``kinds`` picks the features (default: the
    analysis's table kinds)."""
    kinds = kinds or TABLE_KINDS.get(str(result.get("analysis")))
    features: list[Feature] = [
        f for f in result["features"] if kinds is None or f["properties"].get("kind") in kinds
    ]
    header: list[str] = []
    for f in features:
        header += [k for k in f["properties"] if k not in header]
    rows = []
    for f in features:
        lon = lat = None
        if f.get("geometry"):
            where = shape(f["geometry"]).representative_point()
            lon, lat = round(where.x, 7), round(where.y, 7)
        rows.append([_cell(f["properties"].get(k)) for k in header] + [lon, lat])
    return [*header, "lon", "lat"], rows


def write_csv(result: FeatureCollection, path: Path) -> None:
    header, rows = table(result)
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(result: FeatureCollection, path: Path) -> None:
    workbook(result).save(path)


def xlsx_bytes(result: FeatureCollection) -> bytes:
    """The XLSX file of ``result`` as bytes (for an HTTP response)."""
    out = io.BytesIO()
    workbook(result).save(out)
    return out.getvalue()


def workbook(result: FeatureCollection) -> Any:
    """The openpyxl workbook of ``result``: Table I.2 first for receptor screening, the details,
    and the parameters."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    sheets = SHEETS.get(str(result.get("analysis")))
    if sheets is not None:
        first.title = "摘要 summary"
        for member in ("summary_zh", "summary_en"):
            first.append([result.get(member)])
        first.column_dimensions["A"].width = 120
        for kind, title in sheets:
            sheet = book.create_sheet(title[:31])  # Excel's limit on a sheet name
            header, rows = table(result, (kind,))
            sheet.append(header if rows else ["—"])
            for row in rows:
                sheet.append(row)
    else:
        if result.get("analysis") == "receptor-screening":
            _table_i2(first, result)
            details = book.create_sheet("明细 details")
        else:
            details = first
            details.title = "结果 results"
        header, rows = table(result)
        details.append(header)
        for row in rows:
            details.append(row)
    meta = book.create_sheet("参数 parameters")
    meta.append(["analysis", result.get("analysis")])
    for name, value in result.get("parameters", {}).items():
        meta.append([name, _cell(value)])
    for member, value in result.items():
        if member in ("type", "features", "parameters", "analysis", "buffer"):  # geometry: no cell
            continue
        meta.append([member, _cell(value)])
    return book


def _table_i2(sheet: Any, result: FeatureCollection) -> None:
    """Guangxi Table I.2, 周边环境保护目标: direction, distance (m) and name of each receptor,
    then whether the site lies in a drinking-water source protection area or near an intake."""
    from openpyxl.styles import Alignment, Font

    radius_km = float(result["parameters"]["radius_m"]) / 1000.0
    sheet.title = "表I.2 Table I.2"
    sheet.append([f"周边环境保护目标（环境保护目标距离{radius_km:g} km）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    sheet["A1"].font = Font(bold=True)
    sheet.append(["方向", "距离（m）", "敏感目标名称"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for f in result["features"]:
        p = f["properties"]
        distance = p["distance_m"]
        sheet.append([p.get("direction_zh") or "—", round(distance) if distance else 0, p["name"]])
    sheet.append([])
    zones = result.get("protection_zones") or {}
    containing = [z["name"] for z in zones.get("containing", [])]
    nearest = zones.get("nearest")
    sheet.append(
        [
            "是否在饮用水水源保护区内",
            f"□否，☑是，名称：{'、'.join(containing)}" if containing else "☑否，□是",
            f"距离：{round(nearest['distance_m'])} m" if nearest else "距离：— m（无保护区数据）",
        ]
    )
    intake = zones.get("nearest_intake")
    near = intake is not None and intake["distance_m"] <= radius_km * 1000.0
    sheet.append(
        [
            "是否在未规划饮用水水源保护区的集中式饮用水取水口周边",
            f"□否，☑是，名称：{intake['name']}" if near and intake else "☑否，□是",
            f"距离：{round(intake['distance_m'])} m" if intake else "距离：— m（无取水口数据）",
        ]
    )
    population = result.get("population") or {}
    sheet.append(
        [
            f"半径{radius_km:g} km内人口",
            population.get("population") if population.get("available") else "—",
            f"人口栅格：{population.get('raster')}",
        ]
    )
    for column, width in (("A", 28), ("B", 16), ("C", 40)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")


def write(result: FeatureCollection, path: Path, fmt: Format) -> None:
    """Write ``result`` to ``path`` as CSV or XLSX."""
    (write_csv if fmt == "csv" else write_xlsx)(result, path)
