"""Emergency response teams of the park and its enterprises (Jiangsu 7.6.3: organisation,
people, equipment). The leader and phone are private."""

from __future__ import annotations

from layers.risk_fields import PHONE
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="emergency_teams",
    zh="应急救援队伍",
    en="Emergency teams",
    group=Group.RISK,
    geometry=("POINT",),
    description_zh="应急救援队伍：名称、类别、人数、装备、负责人",
    description_en="Emergency response teams: name, kind, people, equipment and leader",
    fields=(
        Field("name", T.TEXT, "队伍名称", "Name", required=True, aliases=("名称",)),
        Field(
            "kind",
            T.TEXT,
            "队伍类别",
            "Kind",
            required=True,
            choices=(
                choice("fire_hazmat", "消防及危化品救援", "Fire and hazmat", "消防", "危化救援"),
                choice("environmental", "环境应急", "Environmental response", "环境应急监测"),
                choice("medical", "医疗救护", "Medical", "医疗"),
                choice("enterprise", "企业救援队", "Enterprise team", "企业"),
                choice("other", "其他", "Other"),
            ),
            aliases=("类别", "类型"),
        ),
        Field("people", T.INTEGER, "人数", "People", unit="人", minimum=0, aliases=("队员人数",)),
        Field("equipment", T.TEXT, "主要装备", "Equipment", aliases=("装备", "救援装备")),
        Field("leader", T.TEXT, "负责人", "Leader", private=True, aliases=("队长",)),
        PHONE,
    ),
    natural_key=("name",),
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#08519c",
        radius=7,
    ),
    popup=("name", "kind", "people", "equipment"),
    source="Jiangsu 7.6.3",
)
