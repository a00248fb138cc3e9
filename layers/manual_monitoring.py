"""Manual and fugitive monitoring results an enterprise enters (Jiangsu 7.4.2, 7.4.3): the
point (an outfall, a stack or a fugitive point), when it was sampled, the value and who
measured it. Each accepted result is judged against the point's limit (its permit's, else its
standard's) by ``sources.manual``, which writes the derived limit and verdict."""

from __future__ import annotations

from layers.declared_fields import DECLARING_ENTERPRISE, REVIEW, not_in_the_future
from layers.shared_fields import PARAMETER
from layers.spec import Access, Field, FieldType, Group, Layer, TableIndex, choice

T = FieldType

LAYER = Layer(
    id="manual_monitoring",
    zh="手工监测",
    en="Manual monitoring",
    group=Group.SOURCES,
    geometry=None,
    description_zh="企业录入的污染源手工监测和无组织手工监测结果，及其执行限值与是否超标",
    description_en="Manual and fugitive monitoring results entered by the enterprises, with the "
    "limit each is judged by and whether it is exceeded",
    fields=(
        DECLARING_ENTERPRISE,
        Field(
            "outfall_code",
            T.TEXT,
            "监测点位（排放口编号）",
            "Point (outfall code)",
            required=True,
            references="outfalls.code",
            aliases=("排放口编号", "监测点位"),
        ),
        Field(
            "kind",
            T.TEXT,
            "监测类别",
            "Kind",
            required=True,
            choices=(
                choice("manual", "污染源手工监测", "Manual source monitoring", "手工监测"),
                choice("fugitive", "无组织手工监测", "Fugitive manual monitoring", "无组织"),
            ),
        ),
        Field(
            "sampled_at",
            T.TIMESTAMPTZ,
            "采样时间",
            "Sampled at",
            required=True,
            check=not_in_the_future,
            aliases=("监测时间",),
        ),
        PARAMETER,
        Field("value", T.REAL, "监测值", "Value", required=True, aliases=("浓度",)),
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("laboratory", T.TEXT, "监测单位", "Laboratory", aliases=("检测机构",)),
        Field("report_no", T.TEXT, "报告编号", "Report number", aliases=("检测报告编号",)),
        Field("limit_value", T.REAL, "执行限值", "Limit", derived=True),
        Field("limit_source", T.TEXT, "限值依据", "Limit from", derived=True),
        Field("exceeded", T.BOOLEAN, "是否超标", "Exceeded", derived=True),
        *REVIEW,
    ),
    natural_key=("outfall_code", "parameter", "sampled_at"),
    time_field="sampled_at",
    indexes=(TableIndex(("credit_code", "sampled_at")),),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    declared=True,
    source="Jiangsu 7.4.2, 7.4.3",
)
