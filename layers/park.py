"""The park boundary and its basic information (Jiangsu 7.2.1, Appendix A 园区基本信息)."""

from __future__ import annotations

from layers.shared_fields import ADMIN_CODE
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

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
    source="Jiangsu 7.2.1, Appendix A",
)
