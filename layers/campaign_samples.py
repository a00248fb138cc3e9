"""Manual sampling campaigns (Jiangsu 7.3.3-7.3.5): noise, groundwater and soil samples, each
judged by its standard when loaded (``monitoring.campaigns``).

A sample names the class it is judged against (``applies_class``): for noise the acoustic
functional zone of GB 3096 (0, 1, 2, 3, 4a, 4b), for soil the land-use class of GB 36600
(1, 2), for groundwater the class its use requires (GB/T 14848, default III). Parameters are
HJ 212-2017 codes for noise (``Leq``, ``Ld``, ``Ln``, ``LMx``) and water, CAS numbers for soil
(GB 36600 lists its items by CAS number).
"""

from __future__ import annotations

from layers.shared_fields import STATION_CODE
from layers.spec import Field, FieldType, Group, Layer, TableIndex, choice

T = FieldType

MEDIA = ("noise", "groundwater", "soil")
RESULTS = ("meets", "exceeds", "above_screening", "above_intervention", "no_limit")

LAYER = Layer(
    id="campaign_samples",
    zh="手工监测样品",
    en="Sampling-campaign samples",
    group=Group.MONITORING,
    geometry=None,
    description_zh="声环境、地下水、土壤手工监测批次的样品及其按标准的判定",
    description_en="Samples of the noise, groundwater and soil campaigns, judged by their "
    "standards",
    fields=(
        Field("campaign", T.TEXT, "监测批次", "Campaign", required=True, aliases=("批次",)),
        Field("sample_id", T.TEXT, "样品编号", "Sample number", required=True),
        STATION_CODE,
        Field(
            "medium",
            T.TEXT,
            "监测要素",
            "Medium",
            required=True,
            choices=(
                choice("noise", "声环境", "Noise", "噪声"),
                choice("groundwater", "地下水", "Groundwater"),
                choice("soil", "土壤", "Soil"),
            ),
        ),
        Field(
            "sampled_at",
            T.TIMESTAMPTZ,
            "采样时间",
            "Sampled at",
            required=True,
            aliases=("监测时间",),
        ),
        Field(
            "parameter",
            T.TEXT,
            "监测项目",
            "Parameter (HJ 212 code; CAS number for soil)",
            required=True,
            aliases=("因子编码", "因子"),
        ),
        Field(
            "period",
            T.TEXT,
            "时段",
            "Day or night (noise)",
            choices=(choice("day", "昼间", "Day"), choice("night", "夜间", "Night")),
        ),
        Field("value", T.REAL, "监测值", "Value", required=True, aliases=("浓度", "数值")),
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("depth_m", T.REAL, "采样深度", "Depth", unit="m", minimum=0),
        Field(
            "applies_class",
            T.TEXT,
            "执行类别",
            "Class judged against (zone, land use, use class)",
            aliases=("功能区类别", "用地类别"),
        ),
        Field("standard", T.TEXT, "执行标准", "Standard", derived=True),
        Field("limit_value", T.REAL, "限值（筛选值）", "Limit (screening value)", derived=True),
        Field("intervention_value", T.REAL, "管制值", "Intervention value", derived=True),
        Field("found_class", T.TEXT, "水质类别", "Class found (groundwater)", derived=True),
        Field(
            "result",
            T.TEXT,
            "判定结果",
            "Result",
            derived=True,
            choices=(
                choice("meets", "达标", "Within the limit"),
                choice("exceeds", "超标", "Beyond the limit"),
                choice("above_screening", "超筛选值", "Above the screening value"),
                choice("above_intervention", "超管制值", "Above the intervention value"),
                choice("no_limit", "无限值", "No limit for it"),
            ),
        ),
        Field(
            "limit_confirmed",
            T.BOOLEAN,
            "限值已核实",
            "Limit confirmed against the text",
            derived=True,
        ),
        Field("judged_at", T.TIMESTAMPTZ, "判定时间", "Judged at", derived=True),
    ),
    natural_key=("sample_id", "parameter"),
    popup=(
        "campaign",
        "station_code",
        "sampled_at",
        "parameter",
        "period",
        "value",
        "unit",
        "standard",
        "limit_value",
        "found_class",
        "result",
    ),
    time_field="sampled_at",
    indexes=(TableIndex(("station_code", "sampled_at")), TableIndex(("campaign",))),
    source="Jiangsu 7.3.3-7.3.5; GB 3096-2008; GB/T 14848-2017; GB 36600-2018",
)
