"""The offline basemap: a hillshade of the park DEM, as a PNG the map lays over its bounds.

Shading follows the usual GIS formula (Horn's 3×3 gradient; sun at azimuth 315°, altitude 45°):
``shade = cos(zenith)·cos(slope) + sin(zenith)·sin(slope)·cos(azimuth − aspect)``. Pixel sizes
are turned from degrees into metres at each row's latitude, so slopes are true slopes. The image
is resampled row by row to Web Mercator, which is what Leaflet stretches an image overlay in.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

#: Metres per degree of latitude (mean, WGS 84) and the Earth radius used for longitude.
M_PER_DEG_LAT = 111_132.0
EARTH_RADIUS_M = 6_371_008.8
#: Vertical exaggeration of the shading.
Z_FACTOR = 8.0
LOW_TINT = np.array([222.0, 234.0, 208.0])
HIGH_TINT = np.array([214.0, 196.0, 158.0])


@dataclass(frozen=True)
class Hillshade:
    """A rendered hillshade: PNG bytes and its ``[[south, west], [north, east]]`` bounds."""

    png: bytes
    bounds: tuple[tuple[float, float], tuple[float, float]]


def shade(
    elevation: npt.NDArray[np.float64],
    dx_m: npt.NDArray[np.float64] | float,
    dy_m: float,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
) -> npt.NDArray[np.float64]:
    """Illumination 0-1 of each cell of ``elevation`` (rows north to south); ``dx_m`` may vary
    by row (a column vector) for a grid in degrees."""
    z = np.pad(elevation, 1, mode="edge")
    # Horn (1981): weighted differences over the 3×3 neighbourhood.
    dzdx = (
        (z[:-2, 2:] + 2 * z[1:-1, 2:] + z[2:, 2:]) - (z[:-2, :-2] + 2 * z[1:-1, :-2] + z[2:, :-2])
    ) / (8 * np.asarray(dx_m))
    dzdy = (
        (z[2:, :-2] + 2 * z[2:, 1:-1] + z[2:, 2:]) - (z[:-2, :-2] + 2 * z[:-2, 1:-1] + z[:-2, 2:])
    ) / (8 * dy_m)
    # rows run southwards, so dzdy above is −∂z/∂north
    slope = np.arctan(np.hypot(dzdx, dzdy))
    aspect = np.arctan2(-dzdy, -dzdx)  # direction the slope faces, mathematical angle
    zenith = math.radians(90.0 - altitude_deg)
    sun = math.radians(90.0 - azimuth_deg)  # compass azimuth to mathematical angle
    out = np.cos(zenith) * np.cos(slope) + np.sin(zenith) * np.sin(slope) * np.cos(sun - aspect)
    return np.asarray(np.clip(out, 0.0, 1.0), dtype=np.float64)


def _mercator_y(lat_deg: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.log(np.tan(np.pi / 4 + np.radians(lat_deg) / 2))


def render(dem_path: Path) -> Hillshade:
    """Read a DEM in geographic coordinates (EPSG:4326) and render its hillshade."""
    import rasterio
    import rasterio.errors
    from rasterio.io import MemoryFile

    with rasterio.open(dem_path) as src:
        if src.crs is None or src.crs.to_epsg() != 4326:
            raise ValueError(f"{dem_path}: the hillshade needs a DEM in EPSG:4326, not {src.crs}")
        elevation = src.read(1, masked=True).astype(np.float64).filled(np.nan)
        west, south, east, north = src.bounds
        res_x, res_y = src.res
    rows, cols = elevation.shape
    elevation = np.where(np.isnan(elevation), np.nanmean(elevation), elevation)
    lats = north - (np.arange(rows) + 0.5) * res_y
    dx_m = (np.radians(res_x) * EARTH_RADIUS_M * np.cos(np.radians(lats)))[:, np.newaxis]
    # A plain park is nearly flat: exaggerate the relief so that it shows.
    light = shade(elevation * Z_FACTOR, dx_m, res_y * M_PER_DEG_LAT)
    low, high = np.nanpercentile(elevation, [2, 98])
    height = np.clip((elevation - low) / max(high - low, 1e-6), 0.0, 1.0)

    # Resample the rows to equal steps of Mercator y (nearest row), as Leaflet draws the overlay.
    top, bottom = _mercator_y(np.array([north, south]))
    target_y = top - (np.arange(rows) + 0.5) * (top - bottom) / rows
    target_lat = np.degrees(2 * np.arctan(np.exp(target_y)) - np.pi / 2)
    source_row = np.clip(((north - target_lat) / res_y).astype(int), 0, rows - 1)
    light, height = light[source_row], height[source_row]

    # Hypsometric tint (low green to high tan), darkened by the shading.
    tint = LOW_TINT + height[..., np.newaxis] * (HIGH_TINT - LOW_TINT)
    rgb = (tint * (0.55 + 0.45 * light[..., np.newaxis])).astype(np.uint8)
    alpha = np.full(rgb.shape[:2], 255, dtype=np.uint8)
    with warnings.catch_warnings(), MemoryFile() as memory:
        # A plain picture placed by its bounds: no CRS, which rasterio warns about.
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with memory.open(driver="PNG", width=cols, height=rows, count=4, dtype="uint8") as png:
            png.write(np.stack([rgb[..., 0], rgb[..., 1], rgb[..., 2], alpha]))
        data = memory.read()
    return Hillshade(png=data, bounds=((south, west), (north, east)))
