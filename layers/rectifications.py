"""Rectifications (整改): one per inspection finding or notice, with its G.1 code, the
suggestion and the deadline (Guangxi 6.1.2, Appendices G and J). The enterprise answers with its
plan and proof; staff re-check and close, or reopen.

A case layer (``cases.inspections``), internal, owned by the enterprise concerned.
"""

from __future__ import annotations

from layers.spec import Access, Field, FieldType, Group, Layer, Style, TableIndex, choice

T = FieldType

STATES = (
    choice("issued", "已下达", "Issued"),
    choice("answered", "已反馈", "Answered"),
    choice("closed", "已销号", "Closed"),
)

LAYER = Layer(
    id="rectifications",
    zh="问题整改",
    en="Rectifications",
    group=Group.SOURCES,
    geometry=("POINT",),
    description_zh="检查发现问题的整改：附录G问题编码、整改建议、期限、企业反馈与复核",
    description_en="Rectifications of inspection findings: the Appendix G code, the suggestion, "
    "the deadline, the enterprise's answer and the re-check",
    fields=(
        Field("case_no", T.TEXT, "整改编号", "Rectification number", required=True, derived=True),
        Field(
            "credit_code",
            T.TEXT,
            "整改企业",
            "Enterprise (credit code)",
            required=True,
            references="enterprises.credit_code",
            aliases=("统一社会信用代码",),
        ),
        Field("inspection_id", T.INTEGER, "来源检查", "Inspection (feature id)"),
        Field(
            "g1_code",
            T.TEXT,
            "问题编码",
            "Problem code (Guangxi G.1)",
            required=True,
            pattern="^[1-7][a-j]$",
        ),
        Field("problem", T.TEXT, "存在问题", "Problem found", required=True),
        Field("suggestion", T.TEXT, "整改建议", "Rectification suggestion", required=True),
        Field("deadline", T.TIMESTAMPTZ, "整改期限", "Deadline", required=True),
        Field("state", T.TEXT, "状态", "State", required=True, choices=STATES, derived=True),
        Field("registered_at", T.TIMESTAMPTZ, "下达时间", "Issued", required=True, derived=True),
        Field(
            "updated_at", T.TIMESTAMPTZ, "最后办理", "Last transition", required=True, derived=True
        ),
    ),
    natural_key=("case_no",),
    style=Style(
        color="#c51b7d",
        radius=7,
        by="state",
        palette=(("issued", "#c51b7d"), ("answered", "#e9a3c9"), ("closed", "#4d9221")),
        visible=False,
    ),
    popup=("case_no", "credit_code", "g1_code", "problem", "deadline", "state"),
    access=Access.INTERNAL,
    time_field="registered_at",
    indexes=(TableIndex(("credit_code",)), TableIndex(("inspection_id",))),
    owner_field="credit_code",
    case=True,
    source="Guangxi 6.1.2, Appendix G Table G.1, Appendix J",
)
