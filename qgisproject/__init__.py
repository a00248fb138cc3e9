"""A ready QGIS project of the one map, rendered from the layer registry.

Every collection as an OAPIF layer of this server, grouped and styled as on the page, with
Chinese aliases, value maps and relations, in CGCS2000 (EPSG:4490); the same styles per layer
as QML and SLD. Nothing here imports QGIS: the files are written as XML, and QGIS 3.22 opens
them (tests/qgisproject runs PyQGIS on them).
"""
