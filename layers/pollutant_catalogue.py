"""The characteristic-pollutant catalogue (Jiangsu 7.4.5 特征污染物名录): per enterprise and
medium, the pollutants that characterise its discharges and why. The source traces keep only
the candidates whose entries emit the pollutant asked about."""

from __future__ import annotations

from layers.declared_fields import DECLARING_ENTERPRISE
from layers.shared_fields import PARAMETER
from layers.spec import Field, FieldType, Group, Layer, choice

T = FieldType

REASONS = (
    choice("large_load", "排放量大", "Large load"),
    choice("industry_typical", "行业特征", "Typical of the industry"),
    choice("toxic", "毒性大", "Toxic"),
    choice("persistent", "难降解", "Persistent"),
    choice("odour", "恶臭", "Odour"),
    choice("priority_list", "优先控制名录", "On a priority list"),
)

LAYER = Layer(
    id="pollutant_catalogue",
    zh="特征污染物名录",
    en="Characteristic-pollutant catalogue",
    group=Group.SOURCES,
    geometry=None,
    description_zh="各企业废水、废气、土壤和地下水的特征污染物及其筛选理由、年排放量和执行标准",
    description_en="Each enterprise's characteristic pollutants in wastewater, exhaust, soil and "
    "groundwater, why they are listed, the annual load and the standard",
    fields=(
        DECLARING_ENTERPRISE,
        Field(
            "medium",
            T.TEXT,
            "介质",
            "Medium",
            required=True,
            choices=(
                choice("wastewater", "废水", "Wastewater", "水"),
                choice("exhaust", "废气", "Exhaust", "气"),
                choice(
                    "soil_groundwater", "土壤和地下水", "Soil and groundwater", "土壤", "地下水"
                ),
            ),
        ),
        PARAMETER,
        Field("name", T.TEXT, "污染物名称", "Name", required=True, aliases=("特征污染物",)),
        Field(
            "reasons",
            T.TEXT_LIST,
            "筛选理由",
            "Reasons",
            check=lambda v: reasons_problem(v),
            aliases=("理由",),
        ),
        Field("annual_load_t", T.REAL, "年排放量", "Annual load", unit="t", minimum=0),
        Field("standard", T.TEXT, "执行标准", "Standard", aliases=("排放标准",)),
        # the issue's `limit`: a property of that name would be the OGC API's paging parameter
        # (`?limit=` filters nothing but pages), so it is `limit_value`, as in standard_limits;
        # files may still head the column `limit`
        Field("limit_value", T.REAL, "限值", "Limit", minimum=0, aliases=("limit", "排放限值")),
        # What the entry's enterprise is measured to emit, not typed twice: written by `onemap
        # quality --store` (sources.catalogue) from its outfalls of the medium that list the
        # pollutant, their loads of the year (online data) or else the accepted manual results.
        Field("outfalls", T.TEXT, "排放口", "Outfalls", derived=True),
        Field("measured_year", T.INTEGER, "实测年份", "Year measured", derived=True),
        Field(
            "measured_concentration",
            T.REAL,
            "实测平均浓度",
            "Mean concentration measured",
            derived=True,
        ),
        Field("concentration_unit", T.TEXT, "浓度单位", "Concentration unit", derived=True),
        Field("measured_load_t", T.REAL, "实测年排放量", "Load measured", unit="t", derived=True),
        Field(
            "measured_from",
            T.TEXT,
            "实测来源",
            "Measured by",
            derived=True,
            choices=(
                choice("online", "在线监测", "Online monitoring"),
                choice("manual", "手工监测", "Manual monitoring"),
            ),
        ),
    ),
    natural_key=("credit_code", "medium", "parameter"),
    owner_field="credit_code",
    enterprise_writable=True,
    source="Jiangsu 7.4.5",
)


def reasons_problem(values: object) -> str | None:
    """``None`` when every reason is one of :data:`REASONS`, else the reason in one line."""
    allowed = {str(c.value) for c in REASONS}
    if not isinstance(values, list | tuple):
        return "理由应为列表 / reasons must be a list"
    unknown = [v for v in values if v not in allowed]
    if unknown:
        return f"未知理由 {', '.join(map(str, unknown))} / unknown reasons; use " + ", ".join(
            str(c.value) for c in REASONS
        )
    return None
