"""Discharge loads: what each outfall discharged of each pollutant per day, month and year
(Jiangsu 7.4.1 排放量核算; Guangxi L 3(2)). Computed by ``onemap quality --store`` from the
outfall's online data: HJ 212 ``Cou`` where the device sent it, else concentration × flow."""

from __future__ import annotations

from layers.shared_fields import PARAMETER
from layers.spec import Field, FieldType, Group, Layer, TableIndex, choice

T = FieldType

LAYER = Layer(
    id="discharge_loads",
    zh="污染物排放量",
    en="Discharge loads",
    group=Group.SOURCES,
    geometry=None,
    description_zh="各排放口各污染物的日、月、年排放量（在线监测浓度×流量，或设备上报的排放量）",
    description_en="Daily, monthly and yearly loads per outfall and pollutant (online "
    "concentration × flow, or the amount the device reports)",
    fields=(
        Field(
            "outfall_code",
            T.TEXT,
            "排放口编号",
            "Outfall code",
            required=True,
            references="outfalls.code",
        ),
        Field(
            "credit_code",
            T.TEXT,
            "统一社会信用代码",
            "Enterprise credit code",
            required=True,
            references="enterprises.credit_code",
        ),
        Field(
            "station_code",
            T.TEXT,
            "在线监测站点",
            "Online station",
            references="stations.code",
        ),
        PARAMETER,
        Field(
            "interval",
            T.TEXT,
            "统计周期",
            "Interval",
            required=True,
            choices=(
                choice("day", "日", "Day"),
                choice("month", "月", "Month"),
                choice("year", "年", "Year"),
            ),
        ),
        Field("period_start", T.DATE, "周期开始", "Period start", required=True),
        Field("load_kg", T.REAL, "排放量", "Load", unit="kg", required=True, minimum=0),
        Field("volume_m3", T.REAL, "排放流量累计", "Volume discharged", unit="m³", minimum=0),
        Field("mean_concentration", T.REAL, "流量加权平均浓度", "Flow-weighted mean"),
        Field("unit", T.TEXT, "浓度单位", "Concentration unit"),
        Field("hours", T.INTEGER, "有效小时数", "Hours with a load", minimum=0),
        Field("cou_hours", T.INTEGER, "设备排放量小时数", "Hours from the device's Cou", minimum=0),
    ),
    natural_key=("outfall_code", "parameter", "interval", "period_start"),
    indexes=(TableIndex(("credit_code", "parameter", "interval")),),
    time_field="period_start",
    owner_field="credit_code",
    # recomputed in bulk by every `onemap quality --store`: one audit entry per statement
    audit="batch",
    source="Jiangsu 7.4.1; HJ 212-2017 (Cou)",
)
