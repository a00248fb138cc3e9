"""Inspections of enterprises by class (Guangxi A.1 item 3, 6.1.2): A quarterly, B half-yearly,
C yearly after ``enterprises.inspection_class``. Each record lists its checklist items and its
findings coded by Appendix G (``cases.g1``); every finding becomes a rectification.

A case layer (``cases.inspections``), internal: staff read every inspection, an enterprise its
own. Drawn at the enterprise's place.
"""

from __future__ import annotations

from layers.spec import Access, Field, FieldType, Group, Layer, Style, TableIndex, choice

T = FieldType

STATES = (
    choice("recorded", "已记录", "Recorded"),
    choice("closed", "已办结", "Closed"),
)
CLASSES = (
    choice("A", "A类（每季度）", "A (quarterly)"),
    choice("B", "B类（每半年）", "B (half-yearly)"),
    choice("C", "C类（每年）", "C (yearly)"),
)

LAYER = Layer(
    id="inspections",
    zh="企业检查",
    en="Inspections",
    group=Group.SOURCES,
    geometry=("POINT",),
    description_zh="按A/B/C类开展的企业环境检查：检查项、发现问题（附录G编码）与整改",
    description_en="Inspections of enterprises by class A/B/C: checklist items, findings coded "
    "by Guangxi Appendix G, and the rectifications they lead to",
    fields=(
        Field("case_no", T.TEXT, "检查编号", "Inspection number", required=True, derived=True),
        Field(
            "credit_code",
            T.TEXT,
            "被检查企业",
            "Enterprise (credit code)",
            required=True,
            references="enterprises.credit_code",
            aliases=("统一社会信用代码",),
        ),
        Field("inspection_class", T.TEXT, "监管类别", "Inspection class", choices=CLASSES),
        Field("inspected_at", T.TIMESTAMPTZ, "检查时间", "Inspected", required=True),
        Field("inspector", T.TEXT, "检查人员", "Inspector"),
        # for the Appendix J notice: when the rectification plan is due, whom to contact
        Field("plan_deadline", T.TIMESTAMPTZ, "整改方案提交期限", "Rectification plan due"),
        Field("contact", T.TEXT, "联系人及电话", "Contact (name and phone)"),
        Field("checklist", T.TEXT, "检查项", "Checklist items (JSON)", derived=True),
        Field("findings", T.TEXT_LIST, "问题编码", "Findings (G.1 codes)", derived=True),
        Field("finding_count", T.INTEGER, "问题数", "Number of findings", minimum=0, derived=True),
        Field("state", T.TEXT, "状态", "State", required=True, choices=STATES, derived=True),
        Field("registered_at", T.TIMESTAMPTZ, "登记时间", "Recorded", required=True, derived=True),
        Field(
            "updated_at", T.TIMESTAMPTZ, "最后办理", "Last transition", required=True, derived=True
        ),
    ),
    natural_key=("case_no",),
    style=Style(color="#1b7837", radius=7, visible=False),
    popup=("case_no", "credit_code", "inspection_class", "inspected_at", "finding_count", "state"),
    access=Access.INTERNAL,
    time_field="inspected_at",
    indexes=(TableIndex(("credit_code", "inspected_at")),),
    owner_field="credit_code",
    case=True,
    source="Guangxi A.1 item 3, 6.1.2, Appendix G",
)
