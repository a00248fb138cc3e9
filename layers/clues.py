"""Problem clues (问题线索): from supervision, inspections, complaints, monitoring and patrols,
registered, assigned, handled, answered, revisited and closed off (Jiangsu 7.8.2).

A case layer: its rows change only through the transitions of ``cases.clues`` (states, who may
make each, the history). Internal: staff read every clue, an enterprise the clues it is the
subject of, the public none (a complainant follows theirs by its receipt code). The receipt
code itself is never stored, only its SHA-256 (``receipt_sha256``).
"""

from __future__ import annotations

from layers.spec import Access, Field, FieldType, Group, Layer, Style, TableIndex, choice

T = FieldType

SOURCES = (
    choice("supervision", "监督", "Supervision", "上级督办", "督办"),
    choice("inspection", "检查", "Inspection", "执法检查"),
    choice("complaint", "投诉", "Complaint", "信访投诉", "举报"),
    choice("monitoring", "监测", "Monitoring", "监测预警", "超标"),
    choice("patrol", "巡查", "Patrol", "日常巡查"),
    choice("other", "其他", "Other"),
)
CLUE_TYPES = (
    choice("air", "废气", "Air emissions", "大气"),
    choice("water", "废水", "Wastewater", "水"),
    choice("noise", "噪声", "Noise"),
    choice("solid_waste", "固体废物", "Solid waste", "固废", "危废"),
    choice("soil", "土壤", "Soil and groundwater"),
    choice("odour", "异味", "Odour", "恶臭"),
    choice("other", "其他", "Other"),
)
#: The states of ``cases.clues.CLUES`` (declared there with their transitions).
STATES = (
    choice("registered", "登记", "Registered"),
    choice("assigned", "已交办", "Assigned"),
    choice("handling", "办理中", "Handling"),
    choice("answered", "已答复", "Answered"),
    choice("revisited", "已回访", "Revisited"),
    choice("closed", "已销号", "Closed"),
)

LAYER = Layer(
    id="clues",
    zh="问题线索",
    en="Problem clues",
    group=Group.SOURCES,
    geometry=("POINT",),
    description_zh="监督、检查、投诉、监测、巡查发现的问题线索：登记、交办、办理、答复、回访、销号",
    description_en="Clues from supervision, inspections, complaints, monitoring and patrols: "
    "registered, assigned, handled, answered, revisited and closed off",
    fields=(
        Field("case_no", T.TEXT, "线索编号", "Clue number", required=True, derived=True),
        Field("source", T.TEXT, "线索来源", "Source", required=True, choices=SOURCES),
        Field(
            "credit_code",
            T.TEXT,
            "涉及企业",
            "Subject enterprise (credit code)",
            references="enterprises.credit_code",
            aliases=("统一社会信用代码", "企业信用代码"),
        ),
        Field("industry", T.TEXT, "行业", "Industry"),
        Field("clue_type", T.TEXT, "线索类型", "Type", required=True, choices=CLUE_TYPES),
        Field("occurred_at", T.TIMESTAMPTZ, "发现时间", "Time", required=True),
        Field("description", T.TEXT, "问题描述", "Description", required=True),
        Field("state", T.TEXT, "状态", "State", required=True, choices=STATES, derived=True),
        Field("handler", T.TEXT, "承办人", "Handler"),
        Field("deadline", T.TIMESTAMPTZ, "办理期限", "Deadline"),
        Field("exceedance_id", T.INTEGER, "超标事件", "Exceedance event (feature id)"),
        Field("trace_process", T.TEXT, "溯源分析", "Trace (OGC API process)"),
        Field("trace_inputs", T.TEXT, "溯源参数", "Trace inputs (JSON)"),
        Field(
            "registered_at", T.TIMESTAMPTZ, "登记时间", "Registered", required=True, derived=True
        ),
        Field(
            "updated_at", T.TIMESTAMPTZ, "最后办理", "Last transition", required=True, derived=True
        ),
        Field(
            "receipt_sha256",
            T.TEXT,
            "回执码摘要",
            "Receipt code (SHA-256)",
            private=True,
            derived=True,
            pattern="^[0-9a-f]{64}$",
        ),
    ),
    natural_key=("case_no",),
    style=Style(
        color="#e66101",
        radius=8,
        by="state",
        palette=(
            ("registered", "#e66101"),
            ("assigned", "#fdb863"),
            ("handling", "#fdb863"),
            ("answered", "#b2abd2"),
            ("revisited", "#b2abd2"),
            ("closed", "#5e3c99"),
        ),
    ),
    popup=(
        "case_no",
        "source",
        "clue_type",
        "credit_code",
        "occurred_at",
        "state",
        "deadline",
        "description",
    ),
    access=Access.INTERNAL,
    time_field="occurred_at",
    indexes=(TableIndex(("state",)), TableIndex(("credit_code",)), TableIndex(("receipt_sha256",))),
    owner_field="credit_code",
    case=True,
    source="Jiangsu 7.8.2; Guangxi A.1 item 13, 6.1.6",
)
