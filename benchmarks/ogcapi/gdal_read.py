"""A whole OAPIF layer into a GeoPackage through the GDAL bundled in pyogrio's wheel (3.10+).

    python -m benchmarks.ogcapi.gdal_read BASE_URL LAYER TARGET.gpkg

GDAL >= 3.8 sizes its pages from the ``limit`` schema of the API's OpenAPI document, which
Debian 12's GDAL 3.6 ``ogr2ogr`` cannot do (it always asks for 10). Default settings: no
open options. Prints one JSON line: seconds, features written, the URLs GDAL fetched.
"""

from __future__ import annotations

import json
import logging
import sys
import time


class _Urls(logging.Handler):
    """Collects the URLs from GDAL's CPL_DEBUG lines (pyogrio logs them at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.urls: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "HTTP: Fetch(" in message:
            self.urls.append(message.split("HTTP: Fetch(", 1)[1].rstrip(")"))


def main() -> None:
    base, layer, target = sys.argv[1:4]
    import pyogrio

    handler = _Urls()
    logging.getLogger("pyogrio").addHandler(handler)
    logging.getLogger("pyogrio").setLevel(logging.DEBUG)
    pyogrio.set_gdal_config_options({"CPL_DEBUG": "ON"})
    began = time.perf_counter()
    frame = pyogrio.read_dataframe(f"OAPIF:{base}", layer=layer)
    pyogrio.write_dataframe(frame, target, driver="GPKG")
    elapsed = time.perf_counter() - began
    print(
        json.dumps(
            {
                "gdal": pyogrio.__gdal_version_string__,
                "seconds": elapsed,
                "features": len(frame),
                "urls": handler.urls,
            }
        )
    )


if __name__ == "__main__":
    main()
