"""Limits of the environmental quality and emission standards, with their editions.

Each row is one limit of one parameter, class and averaging period, valid for a date range, so
an observation is judged by the edition in force on its date. Content arrives with the
monitoring issue; the table exists from the start.
"""

from __future__ import annotations

from layers.shared_fields import AVERAGING_PERIOD, LIMIT_BOUND, PARAMETER
from layers.spec import Access, Field, FieldType, Group, Layer

T = FieldType

LAYER = Layer(
    id="standard_limits",
    zh="标准限值",
    en="Standard limits",
    group=Group.REFERENCE,
    geometry=None,
    description_zh="环境质量标准及排放标准限值（含版本与适用时段）",
    description_en="Limits of the environmental quality and emission standards, by edition",
    fields=(
        Field(
            "standard",
            T.TEXT,
            "标准编号",
            "Standard number",
            required=True,
            aliases=("执行标准编号",),
        ),
        Field(
            "edition",
            T.TEXT,
            "版本",
            "Edition",
            required=True,
            pattern="^[0-9]{4}$",
            aliases=("年份",),
        ),
        Field("title", T.TEXT, "标准名称", "Standard title", aliases=("执行标准名称",)),
        PARAMETER,
        Field("quality_class", T.TEXT, "类别", "Class", required=True, aliases=("功能区类别",)),
        AVERAGING_PERIOD,
        LIMIT_BOUND,
        Field(
            "limit_value",
            T.REAL,
            "限值",
            "Limit",
            required=True,
            aliases=("执行标准限值", "浓度限值"),
        ),
        # No unit for a dimensionless limit (pH): loads store 无量纲 as none, as for observations.
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("valid_from", T.DATE, "生效日期", "Valid from", required=True),
        Field("valid_to", T.DATE, "失效日期", "Valid to"),
        Field("clause", T.TEXT, "出处条款", "Source clause", aliases=("条款",)),
        Field("confirmed", T.BOOLEAN, "已核实", "Confirmed against the text"),
    ),
    # ``bound`` is part of the key: pH 6-9 (GB 3838-2002 Table 1 item 2) is a lower and an upper
    # limit of the same parameter, class and period.
    natural_key=(
        "standard",
        "edition",
        "parameter",
        "quality_class",
        "period",
        "bound",
        "valid_from",
    ),
    access=Access.PUBLIC,
    source="GB 3095, GB 3838, HJ 633",
)
