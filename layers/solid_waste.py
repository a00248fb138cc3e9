"""Solid waste per month (Jiangsu 7.4.6): what an enterprise generated, utilised, disposed of
and stored of each waste, against its permit's yearly maximum, and who received it. A year's
generation above the permitted maximum is a finding (``sources.registers``)."""

from __future__ import annotations

import re

from layers.declared_fields import DECLARING_ENTERPRISE, MONTH, REVIEW, tonnes
from layers.spec import Access, Field, FieldType, Group, Layer, choice

T = FieldType

#: 国家危险废物名录 (2021) codes: industry source (3 digits), waste (3 digits), category HW01-HW50
#: as the last two digits; general industrial solid waste as SW + two digits.
HW_CODE = re.compile(r"^[0-9]{3}-[0-9]{3}-([0-9]{2})$")
SW_CODE = re.compile(r"^SW[0-9]{2}$")


def waste_code_problem(code: object) -> str | None:
    """``None`` for an HW code of categories 01-50 (e.g. 900-041-49) or an SW code, else why."""
    text = str(code)
    hw = HW_CODE.match(text)
    if hw and 1 <= int(hw.group(1)) <= 50:
        return None
    if SW_CODE.match(text):
        return None
    return (
        f"废物代码 {text} 不在名录格式内 / waste code {text} is not on the list "
        "(HW: 900-041-49, categories 01-50; general: SW01)"
    )


LAYER = Layer(
    id="solid_waste",
    zh="固体废物",
    en="Solid waste",
    group=Group.SOURCES,
    geometry=None,
    description_zh="企业一般工业固体废物和危险废物逐月产生、利用、处置、贮存及接收单位",
    description_en="Monthly general and hazardous waste generated, utilised, disposed of and "
    "stored per enterprise, and who received it",
    fields=(
        DECLARING_ENTERPRISE,
        MONTH,
        Field(
            "category",
            T.TEXT,
            "类别",
            "Category",
            required=True,
            choices=(
                choice("general", "一般工业固体废物", "General", "一般固废"),
                choice("hazardous", "危险废物", "Hazardous", "危废"),
            ),
        ),
        Field(
            "waste_code",
            T.TEXT,
            "废物代码",
            "Waste code",
            required=True,
            check=waste_code_problem,
            aliases=("危废代码", "废物类别代码"),
        ),
        Field("name", T.TEXT, "废物名称", "Name", required=True, aliases=("名称",)),
        tonnes("max_permitted_t_per_year", "许可年最大产生量", "Permitted maximum per year"),
        tonnes("generated_t", "产生量", "Generated", "本月产生量"),
        tonnes("utilised_t", "利用量", "Utilised", "综合利用量"),
        tonnes("disposed_t", "处置量", "Disposed of", "委托处置量"),
        tonnes("stored_t", "贮存量", "Stored", "月末贮存量"),
        Field("receiver", T.TEXT, "接收单位", "Receiver", aliases=("处置单位",)),
        Field(
            "receiver_licence_no",
            T.TEXT,
            "接收单位许可证编号",
            "Receiver's licence number",
            aliases=("经营许可证编号",),
        ),
        Field("receiver_qualified", T.BOOLEAN, "接收单位资质符合", "Receiver qualified"),
        *REVIEW,
    ),
    natural_key=("credit_code", "period", "waste_code"),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    declared=True,
    source="Jiangsu 7.4.6; 国家危险废物名录 (2021)",
)
