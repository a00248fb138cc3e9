"""Live monitoring: devices in (the HJ 212 codec and listener, :mod:`monitoring.hj212`; the
raw archive; lenient reading of packets), judging (:mod:`monitoring.quality`: the standards'
limits, AQI, water classes, station status; and on arrival), alerts out (the ``alerts`` layer,
the ``/events`` stream, notifications).

Arrows: monitoring imports layers and etl (the loader's validation and upsert); analytics,
sources, geoapi, webmap's config and onemap import monitoring. One arrow points back:
``monitoring.quality.follow_up`` names an exceedance's ready trace with the bounds of
``analytics.wind_sector``.
"""
