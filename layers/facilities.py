"""The park's shared infrastructure (Jiangsu 7.2.1, 7.8.1; Guangxi Appendix L 3(3)): the
wastewater treatment plant, central heating, solid-waste facilities, pipe corridors, roads."""

from __future__ import annotations

from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

KIND_COLOURS = (
    ("wwtp", "#1f78b4"),
    ("central_heating", "#e31a1c"),
    ("solid_waste", "#8c510a"),
    ("pipe_corridor", "#ff7f00"),
    ("road", "#636363"),
    ("other", "#969696"),
)

LAYER = Layer(
    id="facilities",
    zh="基础设施",
    en="Infrastructure",
    group=Group.RISK,
    geometry=(
        "POINT",
        "LINESTRING",
        "MULTILINESTRING",
        "POLYGON",
        "MULTIPOLYGON",
    ),
    description_zh="污水处理厂、集中供热、固体废物处置设施、公共管廊、道路等园区基础设施",
    description_en="Wastewater treatment, central heating, solid-waste facilities, pipe "
    "corridors and roads",
    fields=(
        Field("name", T.TEXT, "名称", "Name", required=True, aliases=("设施名称",)),
        Field(
            "kind",
            T.TEXT,
            "类型",
            "Kind",
            required=True,
            choices=(
                choice("wwtp", "污水处理厂", "Wastewater treatment plant", "污水厂"),
                choice("central_heating", "集中供热", "Central heating", "热电厂", "供热站"),
                choice("solid_waste", "固体废物处置设施", "Solid-waste facility", "危废处置"),
                choice("pipe_corridor", "公共管廊", "Pipe corridor", "管廊"),
                choice("road", "道路", "Road"),
                choice("other", "其他", "Other"),
            ),
            aliases=("设施类型", "类别"),
        ),
        Field("capacity", T.REAL, "规模", "Capacity", minimum=0, aliases=("设计规模", "处理能力")),
        Field(
            "capacity_unit",
            T.TEXT,
            "规模单位",
            "Capacity unit",
            aliases=("单位",),
        ),
        Field("operator", T.TEXT, "运营单位", "Operator", aliases=("运营单位名称", "管理单位")),
    ),
    natural_key=("name",),
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#ff7f00",
        by="kind",
        palette=KIND_COLOURS,
        weight=4,
        radius=8,
    ),
    popup=("name", "kind", "capacity", "capacity_unit", "operator"),
    source="Jiangsu 7.2.1, 7.8.1; Guangxi Appendix L 3(3)",
)
