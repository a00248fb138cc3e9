"""The DEM hillshade: hand-checkable slopes, then the demo DEM as a PNG over its bounds."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from webmap.hillshade import render, shade

DEM = Path(__file__).resolve().parents[2] / "data" / "demo" / "dem.tif"


def test_flat_ground_is_lit_by_the_sine_of_the_sun_altitude() -> None:
    light = shade(np.zeros((5, 5)), 30.0, 30.0, altitude_deg=45.0)
    assert light == pytest.approx(np.full((5, 5), math.sin(math.radians(45.0))))


def test_a_slope_facing_the_northwest_sun_is_brighter_than_one_facing_away() -> None:
    x = np.arange(7, dtype=np.float64)
    rising_east = np.tile(x * 10.0, (7, 1))  # faces west, towards a sun in the north-west
    falling_east = rising_east[:, ::-1]  # faces east, away from it
    lit = shade(rising_east, 30.0, 30.0)[3, 3]
    dark = shade(falling_east, 30.0, 30.0)[3, 3]
    assert lit > math.sin(math.radians(45.0)) > dark


def test_the_demo_dem_renders_as_a_png_over_its_bounds() -> None:
    hillshade = render(DEM)
    assert hillshade.png.startswith(b"\x89PNG\r\n\x1a\n")
    (south, west), (north, east) = hillshade.bounds
    assert 119.9 < west < east < 120.2 and 31.9 < south < north < 32.2


def test_a_dem_not_in_degrees_is_refused(tmp_path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "utm.tif"
    profile = {
        "driver": "GTiff",
        "width": 4,
        "height": 4,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:32650",
        "transform": from_origin(500000, 3550000, 30, 30),
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.zeros((1, 4, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="EPSG:4326"):
        render(path)
