"""The whole protection-target form of Guangxi Table I.2, in its five parts:

1. header: park name, management committee, address, coordinate range, area (km²), last year's
   output value (亿元), enterprises and key enterprises with their main types — from the park
   layer; counts and types the park row lacks are counted from the enterprises layer (say so);
2. plans: master plan, regulatory detailed plan and plan EIA (name, authority, approval no.,
   planned area, period, positioning) — from the park layer;
3. characteristic pollutants: the number of kinds, and per medium (wastewater, exhaust, solid
   waste) the names, the daily amount and the discharge mode — from the pollutant catalogue and
   the solid-waste register;
4. protection targets: air within 5 km of the park (``receptor-screening``) and water 5 km
   downstream of the park's outfalls along the river (``network-trace``), each by direction,
   distance (m) and name;
5. drinking water: inside a source protection area? near an intake without one? — from the
   zones and receptors (``receptor-screening``'s protection-zone answer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import sqlalchemy as sa

from analytics.compass import compass_points
from analytics.geodesy import azimuth_deg
from analytics.network_trace import NetworkTrace, trace_network
from analytics.receptor_screening import ReceptorScreening, screen_receptors
from reports.gather import park_name
from reports.model import Column, Note, Report, Table
from reports.periods import Period

RADIUS_M = 5000.0
DOWNSTREAM_M = 5000.0
MEDIA = (("wastewater", "废水"), ("exhaust", "废气"), ("solid", "固废"))

PARK_SQL = sa.text(
    """
    SELECT p.*, ST_XMin(p.geom) AS west, ST_XMax(p.geom) AS east, ST_YMin(p.geom) AS south,
           ST_YMax(p.geom) AS north, ST_Area(p.geom::geography) / 1e6 AS area_km2,
           ST_X(ST_Centroid(p.geom)) AS lon, ST_Y(ST_Centroid(p.geom)) AS lat
    FROM park p ORDER BY p.id LIMIT 1
    """
)
ENTERPRISES_SQL = sa.text(
    """
    SELECT count(*) AS n, count(*) FILTER (WHERE key_discharger) AS n_key,
           (SELECT string_agg(industry_name, '、' ORDER BY c DESC) FROM (
               SELECT industry_name, count(*) AS c FROM enterprises
               WHERE industry_name IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 3) t) AS types,
           (SELECT string_agg(industry_name, '、' ORDER BY c DESC) FROM (
               SELECT industry_name, count(*) AS c FROM enterprises
               WHERE key_discharger AND industry_name IS NOT NULL GROUP BY 1 ORDER BY 2 DESC
               LIMIT 3) t) AS key_types
    FROM enterprises
    """
)
POLLUTANTS_SQL = sa.text(
    """
    SELECT medium, name, sum(annual_load_t) AS annual_t FROM pollutant_catalogue
    GROUP BY medium, name ORDER BY medium, sum(annual_load_t) DESC NULLS LAST
    """
)
SOLID_SQL = sa.text(
    """
    SELECT category, name, sum(generated_t) AS generated_t, count(DISTINCT period) AS months,
           bool_or(utilised_t > 0) AS utilised, bool_or(disposed_t > 0) AS disposed
    FROM solid_waste WHERE period LIKE :year || '-%'
    GROUP BY category, name ORDER BY sum(generated_t) DESC NULLS LAST
    """
)
DISCHARGE_REACHES_SQL = sa.text(
    """
    SELECT DISTINCT river_reach FROM outfalls
    WHERE river_reach IS NOT NULL AND kind IN ('wastewater', 'rainwater') ORDER BY 1
    """
)


def _value(row: Any, name: str) -> Any:
    return row[name] if row is not None and name in row else None


def _or_dash(value: Any) -> Any:
    return "–" if value is None or value == "" else value


def header(park: Any, counted: Any) -> tuple[Table, list[Note]]:
    """Part 1 as a two-column table, and notes on what was counted rather than declared."""
    notes = []
    n = _value(park, "enterprise_count")
    n_key = _value(park, "key_enterprise_count")
    types = _value(park, "enterprise_main_types")
    key_types = _value(park, "key_enterprise_main_types")
    if n is None or types is None or n_key is None or key_types is None:
        notes.append(
            Note(
                "园区图层未填企业数量或主要类型的，按企业图层统计（行业类别前三）。",
                "Enterprise counts and main types the park row lacks are counted "
                "from the enterprises layer (its three most common industries).",
            )
        )
    coordinates = (
        f"东经 {park['west']:.4f}°–{park['east']:.4f}°，北纬 {park['south']:.4f}°–"
        f"{park['north']:.4f}°" if park is not None else None
    )  # fmt: skip
    output = _value(park, "output_value_100m_cny")
    year = _value(park, "output_year")
    rows = [
        ("园区名称 / Park name", _value(park, "name")),
        ("管理机构 / Management committee", _value(park, "management_committee")),
        ("地址 / Address", _value(park, "address")),
        ("坐标范围 / Coordinate range", coordinates),
        ("面积 / Area (km²)", round(float(park["area_km2"]), 2) if park is not None else None),
        (f"上年度工业总产值 / Last year's output{f' ({year})' if year else ''} (亿元)", output),
        ("企业数量 / Enterprises", n if n is not None else int(counted["n"])),
        ("企业主要类型 / Main types", types or counted["types"]),
        ("重点企业数量 / Key enterprises", n_key if n_key is not None else int(counted["n_key"])),
        ("重点企业主要类型 / Main key-enterprise types", key_types or counted["key_types"]),
    ]
    table = Table(
        "一、基本情况", "1 Header", (Column("项目", "Item"), Column("内容", "Content")),
        [(label, _or_dash(value)) for label, value in rows],
    )  # fmt: skip
    return table, notes


def plans(park: Any) -> Table:
    """Part 2: the master plan, the regulatory detailed plan and the plan EIA."""
    rows = []
    for prefix, label in (
        ("master_plan", "总体规划 / Master plan"),
        ("regulatory_plan", "控制性详细规划 / Regulatory detailed plan"),
    ):
        rows.append(
            (
                label,
                *(
                    _or_dash(_value(park, f"{prefix}_{part}"))
                    for part in ("name", "authority", "no", "area_ha", "period", "positioning")
                ),
            )
        )
    rows.append((
        "规划环评 / Plan EIA", _or_dash(_value(park, "plan_eia_name")),
        _or_dash(_value(park, "plan_eia_authority")), _or_dash(_value(park, "plan_eia_no")),
        _or_dash(_value(park, "planned_area_ha")), _or_dash(_value(park, "plan_eia_period")),
        _or_dash(_value(park, "industry_positioning")),
    ))  # fmt: skip
    return Table(
        "二、规划情况", "2 Plans",
        (Column("规划", "Plan"), Column("名称", "Name"), Column("审批机关", "Authority"),
         Column("批复文号", "Approval no."), Column("规划面积", "Planned area", "ha"),
         Column("规划期限", "Period"), Column("功能定位", "Positioning")),
        rows,
    )  # fmt: skip


def pollutants(connection: sa.Connection, year: int) -> Table:
    """Part 3: the characteristic pollutants per medium."""
    rows = connection.execute(POLLUTANTS_SQL).mappings().all()
    solid = connection.execute(SOLID_SQL, {"year": str(year)}).mappings().all()
    names: dict[str, list[str]] = {m: [] for m, _ in MEDIA}
    amounts: dict[str, list[str]] = {m: [] for m, _ in MEDIA}
    for r in rows:
        if r["medium"] in names:
            names[r["medium"]].append(str(r["name"]))
            if r["annual_t"] is not None:
                amounts[r["medium"]].append(f"{r['name']} {r['annual_t'] / 365:.3g}")
    for r in solid[:8]:
        kind = "危废" if r["category"] == "hazardous" else "一般"
        names["solid"].append(f"{r['name']}（{kind}）")
        if r["generated_t"] is not None and r["months"]:
            daily = r["generated_t"] / (r["months"] * 30.4)
            amounts["solid"].append(f"{r['name']} {daily:.3g}")
    kinds = len({n for medium in names.values() for n in medium})
    modes = {
        "wastewater": "预处理后接管园区污水处理厂，达标排放 / pre-treated, piped to the park's "
        "wastewater plant",
        "exhaust": "有组织排放（排气筒）及无组织排放 / stacks and fugitive",
        "solid": "综合利用或委托有资质单位处置 / utilised or handed to licensed receivers"
        if solid
        else None,
    }

    def cell(values: list[str]) -> str:
        return "、".join(values) if values else "–"

    return Table(
        f"三、特征污染物（共{kinds}种）", f"3 Characteristic pollutants ({kinds} kinds)",
        (Column("项目", "Item"), Column("废水", "Wastewater"), Column("废气", "Exhaust"),
         Column("固废", "Solid waste"), Column("备注", "Remark")),
        [
            ("名称 / Names", cell(names["wastewater"]), cell(names["exhaust"]),
             cell(names["solid"]), "据特征污染物名录 / from the pollutant catalogue"),
            ("日排放量 / Daily amount (t/d)", cell(amounts["wastewater"]),
             cell(amounts["exhaust"]), cell(amounts["solid"]),
             "年排放量÷365；固废按月均产生量 / annual ÷ 365; solid waste from the monthly "
             "register"),
            ("排放方式 / Discharge mode", _or_dash(modes["wastewater"]) if names["wastewater"]
             else "–", _or_dash(modes["exhaust"]) if names["exhaust"] else "–",
             _or_dash(modes["solid"]), ""),
        ],
    )  # fmt: skip


def _targets_table(zh: str, en: str, rows: list[tuple[str, float, str]]) -> Table:
    return Table(
        zh, en, (Column("方位", "Direction"), Column("距离", "Distance", "m"),
                 Column("名称", "Name")),
        [(d, round(m), n) for d, m, n in rows], "范围内无保护目标", "no target within reach",
    )  # fmt: skip


def air_targets(screening: dict[str, Any]) -> list[tuple[str, float, str]]:
    """Air-sensitive receptors within 5 km of the park: (direction, distance m, name)."""
    rows = []
    for f in screening["features"]:
        p = f["properties"]
        if p["air_sensitive"]:
            direction = (
                f"{p['direction_zh']} {p['direction']}" if p["direction"] else "园区内 inside"
            )
            rows.append((direction, float(p["distance_m"]), str(p["name"])))
    return rows


def water_targets(
    connection: sa.Connection, centre: tuple[float, float]
) -> list[tuple[str, float, str]]:
    """Water targets 5 km downstream of the park's outfalls along the rivers: the nearest
    reach of each (direction from the park's centroid, distance along the river)."""
    reaches = connection.execute(DISCHARGE_REACHES_SQL).scalars().all()
    found: dict[str, tuple[float, float, float]] = {}
    for reach in reaches:
        params = NetworkTrace.model_validate({
            "network": "river", "start": f"reach:{reach}", "direction": "downstream",
            "max_distance_m": DOWNSTREAM_M, "include_network": False,
        })  # fmt: skip
        for f in trace_network(connection, params)["features"]:
            p = f["properties"]
            if p.get("kind") != "receptor":
                continue
            lon, lat = _first_point(f["geometry"])
            if p["name"] not in found or p["distance_m"] < found[p["name"]][0]:
                found[p["name"]] = (float(p["distance_m"]), lon, lat)
    if not found:
        return []
    names = sorted(found, key=lambda n: found[n][0])
    lons = np.array([found[n][1] for n in names])
    lats = np.array([found[n][2] for n in names])
    bearings, _ = azimuth_deg(centre[0], centre[1], lons, lats)
    english, chinese = compass_points(bearings, 8)
    return [
        (f"{zh} {en}", found[n][0], n) for n, zh, en in zip(names, chinese, english, strict=True)
    ]


def _first_point(geometry: dict[str, Any]) -> tuple[float, float]:
    coordinates: Any = geometry["coordinates"]
    while isinstance(coordinates[0], list | tuple):
        coordinates = coordinates[0]
    return float(coordinates[0]), float(coordinates[1])


def drinking_water(zones: dict[str, Any]) -> Table:
    """Part 5 from the screening's protection-zone answer."""
    containing = zones["containing"]
    nearest = zones["nearest"]
    if containing:
        inside = f"是 yes：{containing[0]['name']}，距离 0 m"
    elif nearest:
        inside = f"否 no（最近：{nearest['name']}，{nearest['distance_m']:.0f} m）"
    else:
        inside = "否 no（无饮用水水源保护区数据 / no protection areas recorded）"
    intake = zones["nearest_intake"]
    if intake is None:
        near = "否 no（无取水口数据 / no intakes recorded）"
    elif nearest is not None or containing:
        near = (
            f"否 no：最近取水口 {intake['name']} 已划定保护区，距离 {intake['distance_m']:.0f} m"
            f" / the nearest intake has a protection area"
        )
    else:
        near = f"是 yes：{intake['name']}，距离 {intake['distance_m']:.0f} m"
    return Table(
        "五、饮用水源", "5 Drinking water",
        (Column("问题", "Question"), Column("回答", "Answer")),
        [
            ("是否位于饮用水水源保护区内 / inside a source protection area?", inside),
            ("是否靠近未划定保护区的取水口 / near an intake without a protection area?", near),
        ],
    )  # fmt: skip


def build(engine: sa.Engine, period: Period) -> Report:
    """The Table I.2 form of the park, as of the end of ``period`` (a year)."""
    with engine.connect() as connection:
        park = connection.execute(PARK_SQL).mappings().first()
        counted = connection.execute(ENTERPRISES_SQL).mappings().one()
        screening = screen_receptors(
            connection, ReceptorScreening.model_validate({"site": "park", "radius_m": RADIUS_M})
        )
        part3 = pollutants(connection, period.first_day.year)
        water = (
            water_targets(connection, (float(park["lon"]), float(park["lat"])))
            if park is not None else []
        )  # fmt: skip
        name = park_name(connection)
    report = Report(
        "receptors-i2",
        period,
        "环境保护目标调查表（表I.2）",
        "Protection targets (Guangxi Table I.2)",
        name,
        dt.datetime.now(dt.UTC).replace(microsecond=0),
        landscape=True,
    )
    section = report.section("i2", "表I.2 环境保护目标", "Table I.2 Protection targets")
    if park is None:
        section.add(
            Note(
                "园区图层无数据，表头与规划部分为空。",
                "The park layer is empty: the header and plans are blank.",
            )
        )
    part1, notes = header(park, counted)
    section.add(part1, *notes, plans(park), part3)
    air = air_targets(screening)
    section.add(
        _targets_table("四、环境保护目标（大气：园区边界外5 km）",
                       "4 Protection targets, air (within 5 km of the park)", air),
        _targets_table("四、环境保护目标（地表水：排放口下游5 km）",
                       "4 Protection targets, water (5 km downstream of the outfalls)", water),
        drinking_water(screening["protection_zones"]),
    )  # fmt: skip
    report.highlights = [
        ("大气保护目标", "Air targets", str(len(air))),
        ("地表水保护目标", "Water targets", str(len(water))),
    ]
    return report
