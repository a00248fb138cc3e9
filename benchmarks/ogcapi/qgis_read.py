"""A whole OAPIF layer read by QGIS's own provider, headless, with its default settings.

    /usr/bin/python3 benchmarks/ogcapi/qgis_read.py LANDING_URL LAYER

Run by the system Python with Debian's ``python3-qgis`` (QGIS 3.22 on Debian 12; install it by
hand, ``apt-get install --no-install-recommends python3-qgis``: not a project dependency).
QGIS 3.22 pages by the ``limit`` default it reads in ``components.parameters.limit`` of the
OpenAPI document (else 100). Prints one JSON line: QGIS version, seconds, features, fields.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from qgis.core import Qgis, QgsApplication, QgsVectorLayer

    base, typename = sys.argv[1:3]
    app = QgsApplication([], False)
    app.initQgis()
    began = time.perf_counter()
    layer = QgsVectorLayer(f"url='{base}' typename='{typename}'", typename, "OAPIF")
    if not layer.isValid():
        sys.exit(f"QGIS could not open {typename} at {base}")
    count = sum(1 for _ in layer.getFeatures())
    elapsed = time.perf_counter() - began
    fields = [f.name() for f in layer.fields()]
    print(
        json.dumps(
            {"qgis": Qgis.version(), "seconds": elapsed, "features": count, "fields": fields}
        )
    )
    app.exitQgis()


if __name__ == "__main__":
    main()
