"""Daily means of the observations: one row per station, parameter and local calendar day.

The rows are the daily rollup's (``observations_daily``, kept by the database as values arrive,
:mod:`monitoring.rollups`): only valid values (flag ``N`` or none) count, and a day is the park's
local day (Asia/Shanghai, GB 3095's daily means). A day with fewer than the 20 hours GB 3095
asks of a daily mean is still listed, with its ``count``, so an analyst can judge it.
"""

from __future__ import annotations

from layers.shared_fields import PARAMETER, STATION_CODE
from layers.spec import Field, FieldType, Group, Layer, Style

T = FieldType

VIEW = """
SELECT d.id, d.station_code, d.parameter, d.day AS date, d.unit,
       d.value_mean AS mean, d.value_min AS min, d.value_max AS max, d.value_count AS count
FROM observations_daily d
"""

LAYER = Layer(
    id="daily_means",
    zh="日均值",
    en="Daily means",
    group=Group.MONITORING,
    geometry=None,
    description_zh="各站点各因子按日（北京时间）汇总的有效监测值：均值、最小值、最大值及个数",
    description_en="Each station's valid values per parameter and local day (Beijing time): "
    "mean, minimum, maximum and count",
    fields=(
        STATION_CODE,
        PARAMETER,
        Field("date", T.DATE, "日期", "Date", required=True),
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("mean", T.REAL, "日均值", "Daily mean"),
        Field("min", T.REAL, "日最小值", "Daily minimum"),
        Field("max", T.REAL, "日最大值", "Daily maximum"),
        Field("count", T.INTEGER, "有效值个数", "Valid values", required=True),
    ),
    natural_key=("station_code", "parameter", "date"),
    style=Style(visible=False),
    popup=("station_code", "parameter", "date", "mean", "min", "max", "count", "unit"),
    time_field="date",
    source="GB 3095-2012 (daily means); Jiangsu 7.3",
    view=VIEW,
    audit="none",  # nothing writes it: no change feed, no history
)
