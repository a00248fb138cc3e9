"""Environmental emergency plans of the enterprises and of the park (Jiangsu 7.6.2, 7.6.3;
Guangxi Appendix E items 9-11): filing, risk grade, drills and review dates.

An enterprise maintains its own plans; the park's own plan has no credit code and is the
staff's. Internal: filing numbers and drill records are not published.
"""

from __future__ import annotations

from layers.risk_fields import OWNING_ENTERPRISE_OR_PARK, RISK_GRADE
from layers.spec import Access, Field, FieldType, Group, Layer

T = FieldType

LAYER = Layer(
    id="emergency_plans",
    zh="突发环境事件应急预案",
    en="Emergency plans",
    group=Group.RISK,
    geometry=None,
    description_zh="企业及园区突发环境事件应急预案：备案、风险等级、演练与修订日期",
    description_en="Enterprises' and the park's environmental emergency plans: filing, risk "
    "level, drills and review dates",
    fields=(
        OWNING_ENTERPRISE_OR_PARK,
        Field(
            "title", T.TEXT, "预案名称", "Title", required=True, aliases=("应急预案名称", "名称")
        ),
        Field("filed", T.BOOLEAN, "是否备案", "Filed", aliases=("已备案", "备案情况")),
        Field("filing_no", T.TEXT, "备案编号", "Filing number", aliases=("备案号",)),
        Field("filed_on", T.DATE, "备案日期", "Filed on", aliases=("备案时间",)),
        RISK_GRADE,
        Field(
            "last_drill_on", T.DATE, "最近演练日期", "Last drill", aliases=("演练日期", "演练时间")
        ),
        Field(
            "next_review_on",
            T.DATE,
            "下次修订日期",
            "Next review",
            aliases=("修订日期", "到期日期", "下次评估日期"),
        ),
    ),
    natural_key=("title",),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    source="Jiangsu 7.6.2, 7.6.3; Guangxi Appendix E items 9-11",
)
