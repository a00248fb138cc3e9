"""Zones inside and around the park: functional zones, ecological control areas, industrial
control belts and drinking-water source protection zones (Jiangsu 7.2.3, Guangxi L.3(3), I.2)."""

from __future__ import annotations

from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="zones",
    zh="功能分区与管控区",
    en="Zones and control areas",
    group=Group.PARK,
    geometry=("MULTIPOLYGON",),
    description_zh="园区功能分区、生态空间管控区、产业控制带、饮用水水源保护区",
    description_en="Functional zones, ecological control areas, industrial control belts "
    "and drinking-water source protection zones",
    fields=(
        Field(
            "kind",
            T.TEXT,
            "分区类型",
            "Zone kind",
            required=True,
            choices=(
                choice("functional", "功能分区", "Functional zone"),
                choice(
                    "ecological_control",
                    "生态空间管控区",
                    "Ecological control area",
                    "生态管控区",
                    "生态红线",
                ),
                choice("industrial_control_belt", "产业控制带", "Industrial control belt"),
                choice(
                    "water_source_protection",
                    "饮用水水源保护区",
                    "Drinking-water source protection zone",
                    "水源保护区",
                ),
            ),
            aliases=("类型", "类别"),
        ),
        Field("name", T.TEXT, "名称", "Name", required=True),
        Field(
            "level",
            T.TEXT,
            "级别",
            "Level",
            choices=(
                choice("level1", "一级保护区", "Level 1 protection zone", "一级"),
                choice("level2", "二级保护区", "Level 2 protection zone", "二级"),
                choice("quasi", "准保护区", "Quasi protection zone", "准保护区"),
            ),
            aliases=("保护区级别",),
        ),
        Field("note", T.TEXT, "说明", "Note", aliases=("备注",)),
    ),
    natural_key=("kind", "name"),
    style=Style(
        color="#31a354",
        fill="#31a354",
        weight=1,
        by="level",
        palette=(
            ("level1", "#08519c"),
            ("level2", "#3182bd"),
            ("quasi", "#9ecae1"),
        ),
    ),
    popup=("name", "kind", "level"),
    source="Jiangsu 7.2.3; Guangxi Appendix L 3(3), Table I.2",
)
