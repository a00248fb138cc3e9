"""Heavy-pollution-weather responses (Jiangsu 7.4.10): a notice with its alert level and period
goes to the enterprises on the emergency list with one click; each answers with the measures it
takes; late answers are flagged (``late``), missing ones show when the notice is closed at the
end of the episode. One row per enterprise per notice (``notice_no`` groups them).

A case layer (``cases.weather``), internal, owned by the enterprise notified.
"""

from __future__ import annotations

from layers.spec import Access, Field, FieldType, Group, Layer, Style, TableIndex, choice

T = FieldType

#: Heavy-pollution-weather alert levels (blue, yellow, orange, red: rising severity).
LEVELS = (
    choice("blue", "蓝色预警", "Blue alert", "蓝色"),
    choice("yellow", "黄色预警", "Yellow alert", "黄色"),
    choice("orange", "橙色预警", "Orange alert", "橙色"),
    choice("red", "红色预警", "Red alert", "红色"),
)
STATES = (
    choice("notified", "已通知", "Notified"),
    choice("answered", "已报送", "Measures reported"),
    choice("closed", "已解除", "Closed"),
)

LAYER = Layer(
    id="weather_responses",
    zh="重污染天气应对",
    en="Heavy-pollution-weather responses",
    group=Group.RISK,
    geometry=("POINT",),
    description_zh="重污染天气预警通知：预警级别、时段、应急减排清单企业的措施报送（迟报、未报标记）",
    description_en="Heavy-pollution-weather notices: level and period, the measures each listed "
    "enterprise reports, late and missing answers flagged",
    fields=(
        Field("case_no", T.TEXT, "编号", "Number", required=True, derived=True),
        Field("notice_no", T.TEXT, "通知编号", "Notice", required=True, derived=True),
        Field(
            "credit_code",
            T.TEXT,
            "企业",
            "Enterprise (credit code)",
            required=True,
            references="enterprises.credit_code",
            aliases=("统一社会信用代码",),
        ),
        Field("level", T.TEXT, "预警级别", "Alert level", required=True, choices=LEVELS),
        Field("period_start", T.TIMESTAMPTZ, "预警开始", "Period start", required=True),
        Field("period_end", T.TIMESTAMPTZ, "预警结束", "Period end", required=True),
        Field("answer_by", T.TIMESTAMPTZ, "报送期限", "Answer by", required=True),
        Field("measures", T.TEXT, "应对措施", "Measures taken"),
        Field("answered_at", T.TIMESTAMPTZ, "报送时间", "Answered", derived=True),
        Field("late", T.BOOLEAN, "迟报", "Late", derived=True),
        Field("state", T.TEXT, "状态", "State", required=True, choices=STATES, derived=True),
        Field("registered_at", T.TIMESTAMPTZ, "通知时间", "Notified", required=True, derived=True),
        Field(
            "updated_at", T.TIMESTAMPTZ, "最后办理", "Last transition", required=True, derived=True
        ),
    ),
    natural_key=("case_no",),
    style=Style(
        color="#fdae61",
        radius=7,
        by="level",
        palette=(
            ("blue", "#2c7bb6"),
            ("yellow", "#ffd700"),
            ("orange", "#fd8d3c"),
            ("red", "#d7191c"),
        ),
        visible=False,
    ),
    popup=("notice_no", "credit_code", "level", "period_start", "period_end", "state", "late"),
    access=Access.INTERNAL,
    time_field="period_start",
    indexes=(TableIndex(("notice_no",)), TableIndex(("credit_code",))),
    owner_field="credit_code",
    case=True,
    source="Jiangsu 7.4.10",
)
