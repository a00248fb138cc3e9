"""Alerts: exceedances, device anomalies and disconnections as they happen, one layer with a
state (Jiangsu 7.3.1 实时监控, 7.4.1 超标预警推送, 8.1 断线报警).

Written on arrival by ``monitoring.judging`` (values beyond the limit in force, device data
flags), by ``monitoring.disconnection`` (a station silent past its offline threshold) and from
the exceedance events ``onemap quality --store`` computes; acknowledged by staff through
``POST …/alerts/items/{id}/acknowledge`` (the policy decides who may, the audit trail keeps
who did).
"""

from __future__ import annotations

from dataclasses import replace

from layers.shared_fields import AVERAGING_PERIOD, LIMIT_BOUND, PARAMETER, STATION_CODE
from layers.spec import Field, FieldType, Group, Layer, Style, TableIndex, choice

T = FieldType

KINDS = ("exceedance", "anomaly", "disconnection")
STATES = ("open", "acknowledged", "closed")

LAYER = Layer(
    id="alerts",
    zh="告警",
    en="Alerts",
    group=Group.MONITORING,
    geometry=("POINT",),
    description_zh="超标、设备异常与断线告警（开启、已确认、已关闭），到达即判定",
    description_en="Exceedance, device-anomaly and disconnection alerts (open, acknowledged, "
    "closed), judged as each value arrives",
    fields=(
        Field(
            "kind",
            T.TEXT,
            "告警类型",
            "Kind",
            required=True,
            choices=(
                choice("exceedance", "超标", "Exceedance"),
                choice("anomaly", "设备异常", "Device anomaly"),
                choice("disconnection", "断线", "Disconnection"),
            ),
        ),
        Field(
            "state",
            T.TEXT,
            "状态",
            "State",
            required=True,
            choices=(
                choice("open", "未处理", "Open"),
                choice("acknowledged", "已确认", "Acknowledged"),
                choice("closed", "已关闭", "Closed"),
            ),
        ),
        STATION_CODE,
        # what the alert is about: "a21026/1h/upper", "a21026/D" (a data flag), "station"
        Field("subject", T.TEXT, "告警对象", "Subject", required=True),
        replace(PARAMETER, required=False),
        replace(AVERAGING_PERIOD, required=False),
        Field("opened_at", T.TIMESTAMPTZ, "开始时间", "Opened (data time)", required=True),
        Field("last_time", T.TIMESTAMPTZ, "最近时间", "Latest data time"),
        Field("closed_at", T.TIMESTAMPTZ, "关闭时间", "Closed (data time)"),
        Field("value", T.REAL, "最新值", "Latest value"),
        Field("peak", T.REAL, "峰值", "Peak"),
        Field("limit_value", T.REAL, "限值", "Limit"),
        replace(LIMIT_BOUND, required=False),
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("standard", T.TEXT, "执行标准", "Standard"),
        Field("quality_class", T.TEXT, "类别", "Class"),
        Field("flag", T.TEXT, "数据标记", "Data flag"),
        Field("message_zh", T.TEXT, "告警内容", "Message (Chinese)"),
        Field("message_en", T.TEXT, "告警内容（英文）", "Message (English)"),
        # the enterprise an alert at its outfall's online station belongs to
        Field("credit_code", T.TEXT, "统一社会信用代码", "Enterprise credit code"),
        # who acknowledged and when is the duty staff's record: the public sees the state
        Field("acknowledged_by", T.TEXT, "确认人", "Acknowledged by", private=True),
        Field("acknowledged_at", T.TIMESTAMPTZ, "确认时间", "Acknowledged at", private=True),
        Field("updated_at", T.TIMESTAMPTZ, "更新时间", "Updated at", derived=True),
    ),
    natural_key=("kind", "station_code", "subject", "opened_at"),
    style=Style(
        color="#e31a1c",
        radius=10,
        by="kind",
        palette=(
            ("exceedance", "#e31a1c"),
            ("anomaly", "#ff7f00"),
            ("disconnection", "#6a3d9a"),
        ),
    ),
    popup=(
        "kind",
        "state",
        "station_code",
        "parameter",
        "period",
        "opened_at",
        "last_time",
        "value",
        "limit_value",
        "unit",
        "standard",
        "message_zh",
    ),
    time_field="opened_at",
    indexes=(TableIndex(("state", "station_code")), TableIndex(("updated_at",))),
    owner_field="credit_code",
    source="Jiangsu 7.3.1, 7.4.1, 8.1",
)
