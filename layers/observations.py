"""Monitoring observations: one value of one parameter at one station and time."""

from __future__ import annotations

from layers.shared_fields import PARAMETER, STATION_CODE
from layers.spec import Field, FieldType, Group, Layer, TableIndex, choice

T = FieldType

LAYER = Layer(
    id="observations",
    zh="监测数据",
    en="Observations",
    group=Group.MONITORING,
    geometry=None,
    description_zh="各监测站点的监测数据（因子以HJ 212-2017编码表示）",
    description_en="Observations at the monitoring stations (parameters by HJ 212-2017 code)",
    fields=(
        STATION_CODE,
        Field(
            "time",
            T.TIMESTAMPTZ,
            "监测时间",
            "Time",
            required=True,
            aliases=("时间", "数据时间", "DataTime"),
        ),
        PARAMETER,
        Field("value", T.REAL, "监测值", "Value", aliases=("浓度", "数值")),
        Field("unit", T.TEXT, "单位", "Unit"),
        # Data flags of HJ 212-2017 (6.6.4): N normal, F stopped, M maintenance, S manual,
        # D fault, C calibration, T over range, B communication fault.
        Field(
            "flag",
            T.TEXT,
            "数据标记",
            "Data flag",
            choices=(
                choice("N", "正常", "Normal"),
                choice("F", "停运", "Stopped"),
                choice("M", "维护", "Maintenance"),
                choice("S", "手工输入", "Manual"),
                choice("D", "故障", "Fault"),
                choice("C", "校准", "Calibration"),
                choice("T", "超测上限", "Over range"),
                choice("B", "通讯异常", "Communication fault"),
            ),
            aliases=("标记",),
        ),
    ),
    natural_key=("station_code", "parameter", "time"),
    popup=("station_code", "time", "parameter", "value", "unit", "flag"),
    time_field="time",
    # datetime filters over every station (BRIN: values arrive in time order, and a B-tree
    # cost the HJ 212 listener a tenth of its throughput); a station's newest values (its
    # popup's link)
    indexes=(TableIndex(("time",), using="brin"), TableIndex(("station_code", "time"))),
    # minute data from devices: one audit entry per stored batch, not per value
    audit="batch",
    source="Jiangsu 7.3; HJ 212-2017",
)
