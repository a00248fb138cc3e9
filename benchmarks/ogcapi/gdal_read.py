"""A whole OAPIF layer into a GeoPackage through the GDAL bundled in pyogrio's wheel (3.10+).

    python -m benchmarks.ogcapi.gdal_read BASE_URL LAYER TARGET.gpkg

GDAL >= 3.8 sizes its pages from the ``limit`` schema of the API's OpenAPI document, which
Debian 12's GDAL 3.6 ``ogr2ogr`` cannot do (it always asks for 10). Default settings: no
open options. Prints one JSON line: GDAL's version, seconds, features written. Run it with
CPL_DEBUG=ON to have GDAL log the URLs it fetches on stderr.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    base, layer, target = sys.argv[1:4]
    import pyogrio

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
            }
        )
    )


if __name__ == "__main__":
    main()
