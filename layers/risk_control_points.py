"""Risk-control points (Jiangsu 7.8.1): emergency pools, rain-outfall gates, cut-off valves and
interception dams that can hold a spill, with the sewer node they sit on so that a trace up the
rain and sewer network finds them."""

from __future__ import annotations

from layers.risk_fields import OWNING_ENTERPRISE_OR_PARK
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

KIND_COLOURS = (
    ("emergency_pool", "#6a51a3"),
    ("rain_gate", "#2171b5"),
    ("cutoff_valve", "#d94801"),
    ("interception_dam", "#238b45"),
    ("other", "#737373"),
)

LAYER = Layer(
    id="risk_control_points",
    zh="风险防控点",
    en="Risk-control points",
    group=Group.RISK,
    geometry=("POINT",),
    description_zh="事故应急池、雨水排口闸门、切断阀、拦截坝等环境风险防控设施",
    description_en="Emergency pools, rain-outfall gates, cut-off valves and interception dams",
    fields=(
        Field("code", T.TEXT, "编号", "Code", required=True, aliases=("防控点编号", "设施编号")),
        Field("name", T.TEXT, "名称", "Name", aliases=("设施名称",)),
        Field(
            "kind",
            T.TEXT,
            "类型",
            "Kind",
            required=True,
            choices=(
                choice("emergency_pool", "事故应急池", "Emergency pool", "应急池", "事故池"),
                choice("rain_gate", "雨水排口闸门", "Rain-outfall gate", "雨水闸门", "闸门"),
                choice("cutoff_valve", "切断阀", "Cut-off valve", "截断阀", "紧急切断阀"),
                choice("interception_dam", "拦截坝", "Interception dam", "拦污坝", "拦截闸"),
                choice("other", "其他", "Other"),
            ),
            aliases=("防控措施类型", "设施类型"),
        ),
        Field(
            "capacity_m3",
            T.REAL,
            "有效容积",
            "Capacity",
            unit="m³",
            minimum=0,
            aliases=("容积", "容量"),
        ),
        OWNING_ENTERPRISE_OR_PARK,
        Field(
            "sewer_node",
            T.TEXT,
            "所在管网节点",
            "Sewer node",
            references="sewer_nodes.code",
            aliases=("管网节点", "节点编号"),
        ),
        Field(
            "state",
            T.TEXT,
            "状态",
            "State",
            choices=(
                choice("ready", "正常", "Ready", "完好", "正常备用"),
                choice("fault", "故障", "Fault", "损坏"),
                choice("maintenance", "检修", "Under maintenance", "维修中", "维护"),
            ),
            aliases=("运行状态",),
        ),
    ),
    natural_key=("code",),
    owner_field="credit_code",
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#6a51a3",
        by="kind",
        palette=KIND_COLOURS,
        radius=5,
    ),
    popup=("code", "name", "kind", "capacity_m3", "credit_code", "sewer_node", "state"),
    source="Jiangsu 7.8.1; Guangxi Appendix L 3(3)",
)
