"""Sewer pipes, each digitised from its upstream node to its downstream node."""

from __future__ import annotations

from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="sewer_pipes",
    zh="排水管线",
    en="Sewer pipes",
    group=Group.NETWORKS,
    geometry=("LINESTRING",),
    description_zh="污水、雨水及合流管线（自上游节点至下游节点）",
    description_en="Sewage, rain and combined pipes, from upstream to downstream node",
    fields=(
        Field("code", T.TEXT, "管线编号", "Pipe code", required=True, aliases=("编号",)),
        Field(
            "system",
            T.TEXT,
            "管网系统",
            "System",
            required=True,
            choices=(
                choice("sewage", "污水", "Sewage", "污水管"),
                choice("rain", "雨水", "Rain", "雨水管"),
                choice("combined", "合流", "Combined", "雨污合流"),
            ),
            aliases=("管线类型", "类型"),
        ),
        Field(
            "diameter_mm",
            T.INTEGER,
            "管径",
            "Diameter",
            unit="mm",
            minimum=50,
            maximum=6000,
            aliases=("管径（mm）",),
        ),
        Field("material", T.TEXT, "材质", "Material", aliases=("管材",)),
        Field("length_m", T.REAL, "长度", "Length", unit="m", minimum=0, aliases=("管长",)),
        Field(
            "from_node",
            T.TEXT,
            "起点节点",
            "From node",
            required=True,
            references="sewer_nodes.code",
            aliases=("起点井号", "上游节点"),
        ),
        Field(
            "to_node",
            T.TEXT,
            "终点节点",
            "To node",
            required=True,
            references="sewer_nodes.code",
            aliases=("终点井号", "下游节点"),
        ),
    ),
    natural_key=("code",),
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#8c510a",
        weight=2,
        by="system",
        arrows=True,
        min_zoom=14,
        palette=(
            ("sewage", "#8c510a"),
            ("rain", "#4292c6"),
            ("combined", "#807dba"),
        ),
    ),
    popup=("code", "system", "diameter_mm", "material", "length_m", "from_node", "to_node"),
    source="Guangxi Table A.1 item 16; Appendix L 3(3)",
)
