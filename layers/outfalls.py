"""Outfalls and stacks: each enterprise's wastewater and rainwater outfalls, exhaust stacks and
fugitive monitoring points (Jiangsu 7.4.1-7.4.3; Guangxi Appendix L 3(3))."""

from __future__ import annotations

from layers.parameters import parameter_list_problem
from layers.shared_fields import DEVICE_MN
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

#: How far an online station may stand from the outfall it monitors: its values are the
#: outfall's (the HJ 212 listener stores an outfall MN's packets under that station, and the
#: judgement applies the outfall's standard and permit limits to it).
ONLINE_STATION_RADIUS_M = 50.0

LAYER = Layer(
    id="outfalls",
    zh="排放口",
    en="Outfalls and stacks",
    group=Group.SOURCES,
    geometry=("POINT",),
    description_zh="企业废水、雨水排放口，废气排气筒及无组织监控点",
    description_en="Wastewater and rainwater outfalls, exhaust stacks and fugitive "
    "monitoring points of each enterprise",
    fields=(
        Field(
            "code",
            T.TEXT,
            "排放口编号",
            "Outfall code",
            required=True,
            aliases=("排口编号", "编号"),
        ),
        Field(
            "credit_code",
            T.TEXT,
            "统一社会信用代码",
            "Enterprise credit code",
            required=True,
            references="enterprises.credit_code",
            aliases=("企业信用代码",),
        ),
        Field(
            "kind",
            T.TEXT,
            "排放口类型",
            "Outfall kind",
            required=True,
            choices=(
                choice("wastewater", "废水排放口", "Wastewater outfall", "污水排放口", "废水"),
                choice("rainwater", "雨水排放口", "Rainwater outfall", "雨水"),
                choice("stack", "废气排气筒", "Exhaust stack", "排气筒", "废气排放口", "废气"),
                choice("fugitive", "无组织监控点", "Fugitive monitoring point", "无组织"),
            ),
            aliases=("排口类型", "类型"),
        ),
        Field(
            "height_m",
            T.REAL,
            "排气筒高度",
            "Stack height",
            unit="m",
            minimum=0,
            maximum=400,
            aliases=("高度",),
        ),
        Field(
            "online",
            T.BOOLEAN,
            "在线监测",
            "Online monitoring",
            aliases=("是否在线监测", "自动监测"),
        ),
        DEVICE_MN,
        Field(
            "sewer_node",
            T.TEXT,
            "接入管网节点",
            "Receiving sewer node",
            references="sewer_nodes.code",
            aliases=("接管井",),
        ),
        Field(
            "river_reach",
            T.TEXT,
            "受纳河段",
            "Receiving river reach",
            references="rivers.reach_code",
            aliases=("受纳水体",),
        ),
        Field(
            "pollutants",
            T.TEXT_LIST,
            "排放污染物",
            "Pollutants (HJ 212 codes)",
            check=parameter_list_problem,
            aliases=("监测因子", "污染物"),
        ),
        # The discharge standard the outfall is judged by, and its class as the standard's
        # table names it (standard_limits.quality_class: GB 8978 三级, GB/T 31962 B, GB 18918
        # 一级A, GB 16297 表2 ...); a permit limit (permit_limits) overrides it per pollutant.
        Field(
            "standard",
            T.TEXT,
            "执行标准",
            "Discharge standard",
            pattern="^(GB|GB/T|HJ|DB[0-9]{2}(/T)?) [0-9.]+$",
            aliases=("执行标准编号", "排放标准"),
        ),
        Field(
            "standard_class",
            T.TEXT,
            "标准级别",
            "Standard class",
            aliases=("执行级别", "标准类别"),
        ),
        # Written by `onemap quality --store` (sources.store): the limits in force (the
        # standard's, or the permit's), the latest day's loads, and the enterprise's running
        # totals against its permit, as lines a person reads in a popup.
        Field("limits", T.TEXT, "执行限值", "Limits in force", derived=True),
        Field("latest_load", T.TEXT, "最新日排放量", "Latest daily load", derived=True),
        Field(
            "permit_totals", T.TEXT, "许可排放量执行情况", "Totals against the permit", derived=True
        ),
    ),
    natural_key=("code",),
    owner_field="credit_code",
    enterprise_writable=True,
    style=Style(
        color="#636363",
        by="kind",
        radius=4,
        palette=(
            ("wastewater", "#8c510a"),
            ("rainwater", "#35978f"),
            ("stack", "#762a83"),
            ("fugitive", "#e08214"),
        ),
    ),
    popup=(
        "code",
        "credit_code",
        "kind",
        "height_m",
        "online",
        "mn",
        "pollutants",
        "standard",
        "standard_class",
        "limits",
        "latest_load",
        "permit_totals",
    ),
    source="Jiangsu 7.4.1-7.4.3, Appendix A",
)
