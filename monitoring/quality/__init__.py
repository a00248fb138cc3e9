"""Judging monitoring data by the environmental standards (Jiangsu 7.3, 7.4.1, 7.5).

Averaging per GB 3095 (:mod:`.averaging`), the limits in force on each date
(:mod:`.limits`), exceedance events (:mod:`.exceedances`), AQI and the primary pollutant per
HJ 633 (:mod:`.aqi`), the GB 3838 class of each water sample (:mod:`.water`) and each
station's status (:mod:`.status`). Every function takes and returns plain pandas frames (one
row per event, day or station, with ISO times and the limit's standard, edition and clause), so
the OGC API, the map and the plots can use them as they are; :func:`.judge.judge` runs them all
on the database.
"""
