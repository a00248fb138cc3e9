"""Fields the risk and emergency layers share (Jiangsu 7.6.1-7.6.3, 7.7, 7.8.1), declared once.

Contacts (a keeper's or a leader's name) and every phone number are personal data: private,
never served anonymously.
"""

from __future__ import annotations

from layers.credit_code import credit_code_problem
from layers.spec import Field, FieldType, choice

T = FieldType

#: The enterprise a row belongs to; required where every row is an enterprise's.
OWNING_ENTERPRISE = Field(
    "credit_code",
    T.TEXT,
    "统一社会信用代码",
    "Enterprise credit code",
    required=True,
    references="enterprises.credit_code",
    aliases=("企业信用代码", "信用代码", "社会信用代码"),
)

#: The same, empty for the park's own rows (its plan, its risk-control points).
OWNING_ENTERPRISE_OR_PARK = Field(
    "credit_code",
    T.TEXT,
    "统一社会信用代码（园区自有为空）",
    "Enterprise credit code (empty: the park's own)",
    references="enterprises.credit_code",
    aliases=("统一社会信用代码", "企业信用代码", "信用代码", "社会信用代码"),
)

PHONE = Field(
    "phone",
    T.TEXT,
    "联系电话",
    "Phone",
    private=True,
    aliases=("联系方式", "电话", "手机"),
)


def keeper(zh: str = "管理人", en: str = "Keeper") -> Field:
    """The person in charge of a depot, a shelter or a team: private."""
    return Field("keeper", T.TEXT, zh, en, private=True, aliases=("负责人", "管理员", "联系人"))


#: Who holds a depot's supplies: ``park``, or an enterprise's credit code.
PARK_OWNER = "park"


def owner_problem(value: object) -> str | None:
    """``None`` for ``park`` or a valid credit code."""
    if value == PARK_OWNER:
        return None
    problem = credit_code_problem(value)
    if problem is None:
        return None
    return f"应为 park（园区）或企业信用代码 / owner is 'park' or a credit code: {problem}"


#: HJ 941-2018 environmental risk grades, as the enterprises layer spells them.
RISK_GRADE = Field(
    "risk_level",
    T.TEXT,
    "环境风险等级",
    "Environmental risk level (HJ 941)",
    choices=(
        choice("general", "一般", "General", "一般环境风险", "一般风险"),
        choice("larger", "较大", "Larger", "较大环境风险", "较大风险"),
        choice("major", "重大", "Major", "重大环境风险", "重大风险"),
    ),
    aliases=("突发环境事件风险等级", "风险等级"),
)
