"""Emergency supplies (Jiangsu 7.6.2, 7.6.3): one row per kind of supply at a depot, held by
the park or by an enterprise. The keeper and phone are private."""

from __future__ import annotations

from layers.risk_fields import PHONE, keeper, owner_problem
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

KINDS = (
    choice("absorbent", "吸附材料", "Absorbent", "吸附棉", "吸油毡", "活性炭"),
    choice("boom", "围油栏", "Boom", "围堰", "拦油索"),
    choice("neutraliser", "中和药剂", "Neutraliser", "中和剂", "石灰", "碱液"),
    choice("sandbag", "沙袋", "Sandbags", "沙土", "砂袋"),
    choice("pump", "应急泵", "Pump", "抽水泵", "潜水泵"),
    choice("ppe", "个人防护装备", "Personal protection", "防护服", "防毒面具", "空气呼吸器"),
    choice("detector", "检测仪器", "Detector", "气体检测仪", "便携式监测仪"),
    choice("foam", "泡沫灭火剂", "Foam", "灭火剂"),
    choice("other", "其他", "Other"),
)

LAYER = Layer(
    id="emergency_supplies",
    zh="应急物资",
    en="Emergency supplies",
    group=Group.RISK,
    geometry=("POINT",),
    description_zh="园区及企业应急物资：储备库、物资种类、数量、管理人",
    description_en="Emergency supplies of the park and the enterprises: depot, kind, quantity "
    "and keeper",
    fields=(
        Field(
            "depot",
            T.TEXT,
            "储备库",
            "Depot",
            required=True,
            aliases=("储备地点", "存放地点", "物资库"),
        ),
        Field(
            "owner",
            T.TEXT,
            "所属单位",
            "Owner (park or credit code)",
            required=True,
            check=owner_problem,
            aliases=("归属", "所属企业信用代码"),
        ),
        Field("name", T.TEXT, "物资名称", "Item", required=True, aliases=("名称", "品名")),
        Field("kind", T.TEXT, "物资类别", "Kind", required=True, choices=KINDS, aliases=("类别",)),
        Field("quantity", T.REAL, "数量", "Quantity", minimum=0, aliases=("储备数量",)),
        Field("unit", T.TEXT, "单位", "Unit", aliases=("计量单位",)),
        keeper(),
        PHONE,
    ),
    natural_key=("depot", "name"),
    owner_field="owner",
    enterprise_writable=True,
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#1a9850",
        radius=6,
    ),
    popup=("depot", "name", "kind", "quantity", "unit", "owner"),
    source="Jiangsu 7.6.2, 7.6.3",
)
