"""The park boundary and its basic information (Jiangsu 7.2.1, Appendix A 园区基本信息)."""

from __future__ import annotations

from layers.shared_fields import ADMIN_CODE
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType


def plan_fields(prefix: str, zh: str, en: str) -> tuple[Field, ...]:
    """The columns of a plan row of Guangxi Table I.2 part 2 (name, authority, approval no.,
    planned area, period, positioning) for the plan ``prefix`` (master, regulatory)."""
    return (
        Field(f"{prefix}_name", T.TEXT, f"{zh}名称", f"{en} name"),
        Field(f"{prefix}_authority", T.TEXT, f"{zh}审批机关", f"{en} approving authority"),
        Field(f"{prefix}_no", T.TEXT, f"{zh}批复文号", f"{en} approval number"),
        Field(
            f"{prefix}_area_ha", T.REAL, f"{zh}规划面积", f"{en} planned area", unit="ha", minimum=0
        ),
        Field(f"{prefix}_period", T.TEXT, f"{zh}规划期限", f"{en} period"),
        Field(f"{prefix}_positioning", T.TEXT, f"{zh}功能定位", f"{en} positioning"),
    )


LAYER = Layer(
    id="park",
    zh="园区边界",
    en="Park boundary",
    group=Group.PARK,
    geometry=("MULTIPOLYGON",),
    description_zh="工业园区四至边界及基本信息（园区编码、面积、级别、类别、规划环评）",
    description_en="Industrial park boundary with its basic information "
    "(code, area, level, class, plan EIA)",
    fields=(
        Field("code", T.TEXT, "园区编码", "Park code", required=True),
        Field("name", T.TEXT, "园区名称", "Park name", required=True),
        ADMIN_CODE,
        Field("address", T.TEXT, "详细地址", "Address", aliases=("地址",)),
        Field(
            "level",
            T.TEXT,
            "园区级别",
            "Park level",
            choices=(
                choice("national", "国家级", "National"),
                choice("provincial", "省级", "Provincial"),
                choice("municipal", "市级", "Municipal"),
                choice("county", "县级", "County"),
            ),
        ),
        Field(
            "park_class",
            T.TEXT,
            "园区类别",
            "Park class",
            choices=(
                choice("I", "Ⅰ类", "Class I (chemical)", "I类", "一类"),
                choice("II", "Ⅱ类", "Class II (heavy-polluting)", "II类", "二类"),
                choice("III", "Ⅲ类", "Class III (other)", "III类", "三类"),
            ),
            aliases=("园区类型",),
        ),
        Field(
            "planned_area_ha",
            T.REAL,
            "规划面积",
            "Planned area",
            unit="ha",
            minimum=0,
            aliases=("规划面积（公顷）",),
        ),
        Field(
            "developed_area_ha",
            T.REAL,
            "开发面积",
            "Developed area",
            unit="ha",
            minimum=0,
            aliases=("开发面积（公顷）",),
        ),
        Field(
            "boundary_desc", T.TEXT, "四至说明", "Four-boundary description", aliases=("四至边界",)
        ),
        Field("industry_positioning", T.TEXT, "产业定位", "Industry positioning"),
        Field("established", T.DATE, "设立时间", "Date established"),
        Field("plan_eia_name", T.TEXT, "规划环评名称", "Plan EIA name"),
        Field("plan_eia_date", T.DATE, "规划环评批复时间", "Plan EIA approval date"),
        Field("plan_eia_authority", T.TEXT, "规划环评批复部门", "Plan EIA approval authority"),
        Field("plan_eia_no", T.TEXT, "规划环评批复文号", "Plan EIA approval number"),
        # Guangxi Table I.2 part 1 (header) and part 2 (plans)
        Field("plan_eia_period", T.TEXT, "规划环评规划期限", "Plan EIA period"),
        Field(
            "management_committee", T.TEXT, "管理机构", "Management committee", aliases=("管委会",)
        ),
        Field(
            "output_value_100m_cny",
            T.REAL,
            "上年度工业总产值",
            "Last year's output value",
            unit="亿元",
            minimum=0,
            aliases=("工业总产值", "产值"),
        ),
        Field("output_year", T.INTEGER, "产值年度", "Year of the output value", minimum=1900),
        Field("enterprise_count", T.INTEGER, "企业数量", "Number of enterprises", minimum=0),
        Field("enterprise_main_types", T.TEXT, "企业主要类型", "Main enterprise types"),
        Field(
            "key_enterprise_count",
            T.INTEGER,
            "重点企业数量",
            "Number of key enterprises",
            minimum=0,
        ),
        Field("key_enterprise_main_types", T.TEXT, "重点企业主要类型", "Main key-enterprise types"),
        *plan_fields("master_plan", "总体规划", "Master plan"),
        *plan_fields("regulatory_plan", "控制性详细规划", "Regulatory detailed plan"),
    ),
    natural_key=("code",),
    style=Style(color="#d7301f", fill=None, weight=3),
    popup=(
        "name",
        "code",
        "level",
        "park_class",
        "planned_area_ha",
        "developed_area_ha",
        "industry_positioning",
    ),
    source="Jiangsu 7.2.1, Appendix A; Guangxi Table I.2 parts 1-2",
)
