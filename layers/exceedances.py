"""Exceedance events: a run of values of one parameter at one station beyond a standard's limit
(Jiangsu 7.3.1 超标预警, 7.4.1 超标推送). Computed by ``onemap quality --store``; each event names
the trace it calls for (Jiangsu 7.5), with the parameters filled in."""

from __future__ import annotations

from dataclasses import replace

from layers.shared_fields import AVERAGING_PERIOD, LIMIT_BOUND, PARAMETER, STATION_CODE
from layers.spec import Field, FieldType, Group, Layer, Style

T = FieldType

LAYER = Layer(
    id="exceedances",
    zh="超标事件",
    en="Exceedance events",
    group=Group.MONITORING,
    geometry=("POINT",),
    description_zh="监测站点超过标准限值的事件（开始、结束、峰值、执行标准及限值），附建议的溯源分析",
    description_en="Runs of values beyond a standard's limit at a station (start, end, peak, the "
    "limit and its standard), each with the trace it calls for",
    fields=(
        STATION_CODE,
        PARAMETER,
        AVERAGING_PERIOD,
        Field("start_time", T.TIMESTAMPTZ, "开始时间", "Start", required=True),
        Field("end_time", T.TIMESTAMPTZ, "结束时间", "End (last value)", required=True),
        Field("peak", T.REAL, "峰值", "Peak"),
        Field("peak_time", T.TIMESTAMPTZ, "峰值时间", "Peak time"),
        Field("limit_value", T.REAL, "限值", "Limit"),
        # nullable here: events stored before pH's lower bound existed carry none
        replace(LIMIT_BOUND, required=False),
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("standard", T.TEXT, "执行标准", "Standard", required=True),
        Field("edition", T.TEXT, "版本", "Edition"),
        Field("quality_class", T.TEXT, "类别", "Class"),
        Field("trace_process", T.TEXT, "建议溯源分析", "Suggested trace (OGC API process)"),
        Field("trace_inputs", T.TEXT, "溯源参数", "Trace inputs (JSON)"),
    ),
    natural_key=("station_code", "parameter", "period", "start_time", "standard"),
    style=Style(color="#d7191c", radius=9, visible=False),
    popup=(
        "station_code",
        "parameter",
        "period",
        "start_time",
        "end_time",
        "peak",
        "limit_value",
        "bound",
        "unit",
        "standard",
        "trace_process",
    ),
    time_field="start_time",
    source="Jiangsu 7.3.1, 7.4.1, 7.5",
)
