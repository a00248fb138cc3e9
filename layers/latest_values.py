"""Each station's latest value of each parameter, where the station stands, with a judgement.

Computed by the database on each request (a view, nothing stored): the station-and-parameter
series are read off the daily rollup's primary key by a skip scan (one index probe per series,
not a scan of the rollup), with each series' last day of valid values; its newest observation
is then looked up by the observations' natural key from that day on, so only the partitions
from that day are probed (run-time pruning: the default partition keeps the planner from
reading the months in order). A series whose values were all flagged invalid has no daily
rollup and is not listed; a flagged value after the last valid day is the latest.

``judgement``: ``anomalous`` when the device flagged the value (HJ 212 flags other than N),
``exceeding`` when an exceedance event of the series covers its time, else ``normal``.
"""

from __future__ import annotations

from layers import observations
from layers.shared_fields import PARAMETER, STATION_CODE
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

#: The id packs the station's id and the parameter code (a letter and five digits, the
#: observations' check) into one stable number: ``station id × 2²² + letter × 10⁵ + digits``.
VIEW = """
WITH RECURSIVE series AS (
    (SELECT d.station_code, d.parameter FROM observations_daily d
     ORDER BY d.station_code, d.parameter LIMIT 1)
    UNION ALL
    SELECT n.station_code, n.parameter FROM series s CROSS JOIN LATERAL (
        SELECT d.station_code, d.parameter FROM observations_daily d
        WHERE (d.station_code, d.parameter) > (s.station_code, s.parameter)
        ORDER BY d.station_code, d.parameter LIMIT 1
    ) n
)
SELECT st.id * 4194304 + (ascii(series.parameter) - 97) * 100000
           + substr(series.parameter, 2)::bigint AS id,
       series.station_code, series.parameter, o.time, o.value, o.unit, o.flag,
       CASE
           WHEN o.flag IS NOT NULL AND o.flag <> 'N' THEN 'anomalous'
           WHEN EXISTS (
               SELECT 1 FROM exceedances e
               WHERE e.station_code = series.station_code AND e.parameter = series.parameter
                 AND e.start_time <= o.time AND (e.end_time IS NULL OR e.end_time >= o.time)
           ) THEN 'exceeding'
           ELSE 'normal'
       END AS judgement,
       st.geom
FROM series
CROSS JOIN LATERAL (
    SELECT d.day FROM observations_daily d
    WHERE d.station_code = series.station_code AND d.parameter = series.parameter
    ORDER BY d.day DESC LIMIT 1
) last
JOIN stations st ON st.code = series.station_code
CROSS JOIN LATERAL (
    SELECT ob.time, ob.value, ob.unit, ob.flag FROM observations ob
    WHERE ob.station_code = series.station_code AND ob.parameter = series.parameter
      AND ob.time >= last.day::timestamp AT TIME ZONE 'Asia/Shanghai'
    ORDER BY ob.time DESC LIMIT 1
) o
"""

JUDGEMENTS = (
    choice("normal", "未超标", "Not exceeding"),
    choice("exceeding", "超标", "Exceeding"),
    choice("anomalous", "数据异常", "Flagged by the device"),
)

LAYER = Layer(
    id="latest_values",
    zh="最新监测值",
    en="Latest values",
    group=Group.MONITORING,
    geometry=("POINT",),
    description_zh="各站点各因子的最新监测值及其判定（未超标、超标、数据异常），位于站点位置",
    description_en="Each station's latest value of each parameter with its judgement "
    "(not exceeding, exceeding, flagged), at the station",
    fields=(
        STATION_CODE,
        PARAMETER,
        Field("time", T.TIMESTAMPTZ, "监测时间", "Time", required=True),
        Field("value", T.REAL, "监测值", "Value"),
        Field("unit", T.TEXT, "单位", "Unit"),
        observations.LAYER.field("flag"),
        Field("judgement", T.TEXT, "判定", "Judgement", required=True, choices=JUDGEMENTS),
    ),
    natural_key=("station_code", "parameter"),
    style=Style(
        visible=False,
        by="judgement",
        palette=(("normal", "#2e7d32"), ("exceeding", "#c62828"), ("anomalous", "#f9a825")),
    ),
    popup=("station_code", "parameter", "time", "value", "unit", "flag", "judgement"),
    time_field="time",
    source="Jiangsu 7.3.1 (real-time values); HJ 212-2017 data flags",
    view=VIEW,
    audit="none",  # nothing writes it: no change feed, no history
)
