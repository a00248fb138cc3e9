"""Live monitoring: devices in (archive, lenient reading of HJ 212 packets), judging on arrival,
alerts out (the ``alerts`` layer, the ``/events`` stream, notifications).

Arrows: monitoring imports layers, etl and analytics; geoapi and onemap import monitoring.
"""
