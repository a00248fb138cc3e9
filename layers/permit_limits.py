"""Permit limits: a discharge permit's own concentration limit for one pollutant at one outfall
(Jiangsu 7.4.1: each outfall judged against its own limit). Where an outfall has a permit limit
for a pollutant and period, it replaces the limit of the outfall's standard."""

from __future__ import annotations

from layers.shared_fields import AVERAGING_PERIOD, LIMIT_BOUND, PARAMETER
from layers.spec import Field, FieldType, Group, Layer

T = FieldType

LAYER = Layer(
    id="permit_limits",
    zh="许可排放限值",
    en="Permit limits",
    group=Group.SOURCES,
    geometry=None,
    description_zh="排污许可证规定的各排放口污染物许可排放浓度（优先于执行标准限值）",
    description_en="Concentration limits a discharge permit sets per outfall and pollutant "
    "(they override the outfall's standard)",
    fields=(
        Field(
            "outfall_code",
            T.TEXT,
            "排放口编号",
            "Outfall code",
            required=True,
            references="outfalls.code",
            aliases=("排口编号",),
        ),
        Field(
            "credit_code",
            T.TEXT,
            "统一社会信用代码",
            "Enterprise credit code",
            required=True,
            references="enterprises.credit_code",
            aliases=("企业信用代码",),
        ),
        Field("permit_no", T.TEXT, "排污许可证编号", "Permit number", aliases=("许可证编号",)),
        PARAMETER,
        AVERAGING_PERIOD,
        LIMIT_BOUND,
        Field(
            "limit_value",
            T.REAL,
            "许可排放浓度",
            "Permitted concentration",
            required=True,
            minimum=0,
            aliases=("许可限值", "限值"),
        ),
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("valid_from", T.DATE, "生效日期", "Valid from", required=True),
        Field("valid_to", T.DATE, "失效日期", "Valid to"),
    ),
    natural_key=("outfall_code", "parameter", "period", "bound", "valid_from"),
    owner_field="credit_code",
    source="Jiangsu 7.4.1; HJ 942 (permit limits)",
)
