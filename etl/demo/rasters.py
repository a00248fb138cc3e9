"""A DEM and a population grid covering the park and 8 km around it, as GeoTIFFs.

Both grids are in EPSG:4326 (what the map and a tile server read without reprojection): the
DEM at 1 arc-second (≈26 m east-west × 31 m north-south at 32°N, like SRTM-1), the population
at 3 arc-seconds (≈79 m × 93 m, like WorldPop's 100 m grids). Both are float32, DEFLATE
compressed with the floating-point predictor, in 256 × 256 tiles.

The DEM shows the water surface of the Yangtze (1.6 m) and of the creeks (1.0 m), the embankment
crest (8.1 m), the park filled to ~5 m and the plain rising gently to the north-east
(Huanghai 1985 heights). People are spread around each residential receptor (a Gaussian whose
width grows with the village), plus a sparse rural background on land outside the park.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import rasterio
from rasterio.features import geometry_mask
from rasterio.transform import Affine, from_origin
from shapely.geometry import Polygon

from etl.demo.frame import (
    CHANNEL_WATER_M,
    ISLAND_MID_V_M,
    YANGTZE_WATER_M,
    Terrain,
    is_yangtze_water,
    island_half_thickness,
    lonlat_to_uv,
    north_bank_v,
    south_bank_v,
    to_lonlat,
)
from etl.demo.geography import Geography
from etl.demo.receptors import Receptor

FloatArray = npt.NDArray[np.float64]
DEM_CELL_DEG = 1.0 / 3600.0
POPULATION_CELL_DEG = 3.0 / 3600.0
MARGIN_M = 8000.0
RURAL_DENSITY_PER_KM2 = 90.0
EARTH_RADIUS_M = 6371008.8


def _grid(geo: Geography, cell: float) -> tuple[Affine, int, int]:
    """A grid aligned to whole cells covering the park's bounds plus 8 km on every side."""
    west, south, east, north = to_lonlat(geo.park).bounds
    lat = math.radians((south + north) / 2.0)
    dlat = math.degrees(MARGIN_M / EARTH_RADIUS_M)
    dlon = dlat / math.cos(lat)
    west = math.floor((west - dlon) / cell) * cell
    north = math.ceil((north + dlat) / cell) * cell
    width = math.ceil((east + dlon - west) / cell)
    height = math.ceil((north - (south - dlat)) / cell)
    return from_origin(west, north, cell, cell), width, height


def _cell_centres(transform: Affine, width: int, height: int) -> tuple[FloatArray, FloatArray]:
    cols, rows = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    lon = transform.c + cols * transform.a
    lat = transform.f + rows * transform.e
    return lon, lat


def _mask(
    shapes: list[Polygon], transform: Affine, width: int, height: int
) -> npt.NDArray[np.bool_]:
    """Cells whose centre lies inside any of ``shapes`` (frame metres)."""
    lonlat = [to_lonlat(s) for s in shapes if not s.is_empty]
    outside = geometry_mask(lonlat, out_shape=(height, width), transform=transform)
    return np.logical_not(np.asarray(outside, dtype=bool))


def _write(path: Path, data: FloatArray, transform: Affine, unit: str, description: str) -> None:
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:4326",
        "transform": transform,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 3,
        "zlevel": 9,
        "interleave": "band",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data.astype(np.float32), 1)
        dst.set_band_description(1, description)
        dst.update_tags(1, units=unit)
        dst.update_tags(SOURCE="onemap demo generate (synthetic)")


def write_dem(path: Path, geo: Geography, terrain: Terrain) -> tuple[int, int]:
    transform, width, height = _grid(geo, DEM_CELL_DEG)
    lon, lat = _cell_centres(transform, width, height)
    u, v = lonlat_to_uv(lon.ravel(), lat.ravel())
    in_park = _mask([geo.park], transform, width, height).ravel()
    ground = terrain.surface(u, v, in_park)
    south_side = v < south_bank_v(u)
    ground = np.where(south_side, terrain.plain(u, v) + 0.6, ground)
    on_island = (np.abs(v - ISLAND_MID_V_M) < island_half_thickness(u)) & (v < north_bank_v(u))
    ground = np.where(on_island, 2.4 + 0.3 * np.sin(u / 400.0), ground)
    ground = np.where(is_yangtze_water(u, v), YANGTZE_WATER_M, ground)
    ground = ground.reshape(height, width)
    creeks = list(geo.creek_lines.items())
    banks = _mask(
        [line.buffer(28.0) for name, line in creeks if name not in {"长江", "新滩夹江"}],
        transform,
        width,
        height,
    )
    channels = _mask(
        [line.buffer(12.0) for name, line in creeks if name not in {"长江", "新滩夹江"}],
        transform,
        width,
        height,
    )
    ground = np.where(banks, np.minimum(ground, 3.0), ground)
    ground = np.where(channels, CHANNEL_WATER_M, ground)
    _write(path, np.round(ground, 1), transform, "m", "地面高程（1985国家高程基准）/ elevation")
    return width, height


def write_population(
    path: Path, geo: Geography, receptors: list[Receptor], rng: np.random.Generator
) -> float:
    """People per cell; returns the total."""
    transform, width, height = _grid(geo, POPULATION_CELL_DEG)
    lon, lat = _cell_centres(transform, width, height)
    u, v = lonlat_to_uv(lon.ravel(), lat.ravel())
    u = u.reshape(height, width)
    v = v.reshape(height, width)
    land = ~is_yangtze_water(u, v) & ~_mask([geo.park, geo.island], transform, width, height)
    cell_m = math.radians(POPULATION_CELL_DEG) * EARTH_RADIUS_M
    cell_km2 = cell_m * cell_m * np.cos(np.radians(lat)) / 1e6
    people = RURAL_DENSITY_PER_KM2 * cell_km2 * rng.lognormal(-0.125, 0.5, (height, width))
    people = np.where(land, people, 0.0)
    for r in receptors:
        if r.category != "residential" or not r.population:
            continue
        centre = r.geometry.centroid
        sigma = min(120.0 + 0.025 * r.population, 650.0)
        weight = np.exp(-((u - centre.x) ** 2 + (v - centre.y) ** 2) / (2.0 * sigma * sigma))
        weight = np.where(land, weight, 0.0)
        people += r.population * weight / weight.sum()
    people = np.round(people, 2)
    _write(path, people, transform, "人/persons", "常住人口（人/格网）/ population per cell")
    return float(people.sum())
