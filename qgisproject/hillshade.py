"""The park's hillshade as a GeoTIFF QGIS reads over HTTP (``/vsicurl/``): the page's image
(webmap.hillshade), whose rows are equal steps of Web Mercator y, georeferenced in EPSG:3857."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

#: Spherical Mercator radius (EPSG:3857).
MERCATOR_RADIUS_M = 6_378_137.0
CRS = "EPSG:3857"


def _mercator(lon_deg: float, lat_deg: float) -> tuple[float, float]:
    x = math.radians(lon_deg) * MERCATOR_RADIUS_M
    y = math.log(math.tan(math.pi / 4 + math.radians(lat_deg) / 2)) * MERCATOR_RADIUS_M
    return x, y


def hillshade_geotiff(dem_path: Path) -> bytes:
    """The hillshade of the DEM at ``dem_path`` as GeoTIFF bytes (RGB(A), EPSG:3857)."""
    import rasterio
    import rasterio.errors
    from rasterio.io import MemoryFile
    from rasterio.transform import from_bounds

    from webmap.hillshade import render

    shaded = render(dem_path)
    (south, west), (north, east) = shaded.bounds
    with warnings.catch_warnings():
        # the page's PNG carries no georeferencing by design: it is added below
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with MemoryFile(shaded.png) as png, png.open() as image:
            pixels = image.read()
    bands, rows, cols = pixels.shape
    left, bottom = _mercator(west, south)
    right, top = _mercator(east, north)
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": bands,
        "dtype": pixels.dtype,
        "crs": rasterio.crs.CRS.from_string(CRS),
        "transform": from_bounds(left, bottom, right, top, cols, rows),
        "compress": "deflate",
    }
    with MemoryFile() as out:
        with out.open(**profile) as tiff:
            tiff.write(pixels)
        return bytes(out.read())
