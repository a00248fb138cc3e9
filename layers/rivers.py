"""River reaches, digitised in flow direction (Jiangsu 7.2.3 water systems)."""

from __future__ import annotations

from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

WATER_CLASSES = (
    choice("I", "Ⅰ类", "Class I", "I类", "1"),
    choice("II", "Ⅱ类", "Class II", "II类", "2"),
    choice("III", "Ⅲ类", "Class III", "III类", "3"),
    choice("IV", "Ⅳ类", "Class IV", "IV类", "4"),
    choice("V", "Ⅴ类", "Class V", "V类", "5"),
)

LAYER = Layer(
    id="rivers",
    zh="河流水系",
    en="Rivers",
    group=Group.NETWORKS,
    geometry=("LINESTRING",),
    description_zh="园区内部及周边河流河段（按水流方向数字化），含GB 3838水质目标",
    description_en="River reaches in and around the park, digitised in flow direction, "
    "with their GB 3838 target class",
    fields=(
        Field("name", T.TEXT, "河流名称", "River name", required=True, aliases=("名称",)),
        Field(
            "reach_code",
            T.TEXT,
            "河段编码",
            "Reach code",
            required=True,
            aliases=("河段编号", "编码"),
        ),
        Field(
            "target_class",
            T.TEXT,
            "水质目标",
            "Target class (GB 3838)",
            choices=WATER_CLASSES,
            aliases=("水环境功能区类别", "目标水质"),
        ),
        Field(
            "velocity_ms",
            T.REAL,
            "平均流速",
            "Mean velocity",
            unit="m/s",
            minimum=0,
            maximum=10,
            aliases=("流速",),
        ),
    ),
    natural_key=("reach_code",),
    style=Style(color="#2171b5", weight=3, arrows=True),
    popup=("name", "reach_code", "target_class", "velocity_ms"),
    source="Jiangsu 7.2.3; GB 3838-2002",
)
