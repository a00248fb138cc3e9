"""Carbon accounts per enterprise, year and accounting unit (Jiangsu 7.4.9), with the intensity
per unit of output where the output is given."""

from __future__ import annotations

from layers.declared_fields import DECLARING_ENTERPRISE, REVIEW, not_in_the_future, tonnes
from layers.spec import Access, Field, FieldType, Group, Layer, choice

T = FieldType

LAYER = Layer(
    id="carbon_accounts",
    zh="碳排放核算",
    en="Carbon accounts",
    group=Group.SOURCES,
    geometry=None,
    description_zh="企业年度各核算单元二氧化碳排放量、核算方法及单位产品排放强度",
    description_en="Yearly CO₂ per enterprise and accounting unit, the method, and the intensity "
    "per unit of output",
    fields=(
        DECLARING_ENTERPRISE,
        Field(
            "year",
            T.INTEGER,
            "年度",
            "Year",
            required=True,
            minimum=2000,
            maximum=2100,
            check=not_in_the_future,
        ),
        Field(
            "accounting_unit",
            T.TEXT,
            "核算单元",
            "Accounting unit",
            required=True,
            aliases=("核算边界",),
        ),
        tonnes("co2_t", "二氧化碳排放量", "CO₂", "排放量"),
        Field(
            "method",
            T.TEXT,
            "核算方法",
            "Method",
            choices=(
                choice("calculation", "核算法", "Calculation (emission factors)", "排放因子法"),
                choice("mass_balance", "物料衡算法", "Mass balance"),
                choice("measurement", "实测法", "Measurement (CEMS)"),
            ),
        ),
        Field("output", T.REAL, "产品产量", "Output", minimum=0, aliases=("产量",)),
        Field("output_unit", T.TEXT, "产量单位", "Output unit"),
        Field(
            "intensity",
            T.REAL,
            "单位产品排放强度",
            "Intensity (t CO₂ per unit of output)",
            derived=True,
        ),
        *REVIEW,
    ),
    natural_key=("credit_code", "year", "accounting_unit"),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    declared=True,
    source="Jiangsu 7.4.9",
)
