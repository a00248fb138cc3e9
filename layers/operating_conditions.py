"""Operating-condition monitoring (Jiangsu 7.4.7 工况监控): the monitoring points of an
enterprise's treatment facilities (a scrubber's circulating-liquid pH, a fan's flue-gas flow,
a wastewater plant's effluent flow) with the alarm thresholds set for them. Their values arrive
like any observation (the station and parameter named here); an hourly mean beyond a threshold
is an exceedance event of the point (``monitoring.quality.limits.read_condition_limits``) and
so an alert pushed as any other. Declared by the enterprise; only accepted points are judged.
"""

from __future__ import annotations

from layers.declared_fields import DECLARING_ENTERPRISE, REVIEW
from layers.shared_fields import PARAMETER, STATION_CODE
from layers.spec import Access, Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="operating_conditions",
    zh="工况监控",
    en="Operating conditions",
    group=Group.SOURCES,
    geometry=("POINT",),
    description_zh="企业污染治理设施的工况监测点位及其报警阈值（超出阈值即报警）",
    description_en="Monitoring points of the enterprises' treatment facilities and their alarm "
    "thresholds (a value beyond one raises an alarm)",
    fields=(
        DECLARING_ENTERPRISE,
        Field(
            "code",
            T.TEXT,
            "工况监测点位编号",
            "Point code",
            required=True,
            pattern="^[0-9A-Za-z-]{1,32}$",
            aliases=("点位编号", "工况点位"),
        ),
        Field("facility", T.TEXT, "治理设施", "Treatment facility", required=True),
        Field(
            "facility_type",
            T.TEXT,
            "设施类型",
            "Facility type",
            choices=(
                choice("wastewater_treatment", "污水处理", "Wastewater treatment"),
                choice("desulfurisation", "脱硫", "Desulfurisation"),
                choice("denitrification", "脱硝", "Denitrification"),
                choice("dust_removal", "除尘", "Dust removal"),
                choice("vocs_treatment", "VOCs治理", "VOCs treatment", "有机废气治理"),
                choice("other", "其他", "Other"),
            ),
        ),
        Field("quantity", T.TEXT, "工况监测指标", "What is measured", required=True),
        STATION_CODE,
        PARAMETER,
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("lower_limit", T.REAL, "报警下限", "Alarm below"),
        Field("upper_limit", T.REAL, "报警上限", "Alarm above"),
        *REVIEW,
    ),
    natural_key=("code",),
    style=Style(color="#7b3294", radius=5.0, visible=False),
    popup=(
        "code",
        "facility",
        "quantity",
        "station_code",
        "parameter",
        "lower_limit",
        "upper_limit",
        "unit",
        "review_status",
    ),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    declared=True,
    source="Jiangsu 7.4.7",
)
