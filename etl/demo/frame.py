"""The demo park's local frame, its river banks and its ground surface.

Everything is laid out in a riverside frame ``(u, v)`` in metres: ``u`` runs downstream along the
Yangtze's north bank (azimuth 125°, the river's course between Taixing and Jingjiang) and ``v``
runs inland, perpendicular to it (azimuth 35°). The frame's origin is 120.02°E, 32.02°N, on the
north bank in Taixing (泰兴市), Taizhou, Jiangsu. It is a rotation and translation of CGCS2000 /
3-degree Gauss-Krüger CM 120E (EPSG:4549), whose scale error at 0.02° from the central meridian is
below 1e-7, so lengths and areas measured in the frame are ground lengths and areas.

The river banks and the ground surface are closed-form functions of ``(u, v)``, so the DEM, the
sewer inverts and the rivers agree with each other without sharing a raster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

FloatArray = npt.NDArray[np.float64]

LOCAL_CRS = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E
ORIGIN_LON_DEG = 120.02
ORIGIN_LAT_DEG = 32.02
FLOW_AZIMUTH_DEG = 125.0  # the Yangtze flows towards the south-east here
INLAND_AZIMUTH_DEG = FLOW_AZIMUTH_DEG - 90.0
COORDINATE_DECIMALS = 7  # ~1 cm; the precision of every written coordinate

GEOD = Geod(ellps="GRS80")  # the CGCS2000 ellipsoid

# Where the side channel (夹江) leaves and rejoins the main channel, and the island between them.
SPLIT_U_M = -6000.0
REJOIN_U_M = 8000.0
ISLAND_U_M = (-4600.0, 6600.0)
ISLAND_MID_V_M = -780.0
ISLAND_HALF_THICKNESS_M = 300.0
SIDE_CHANNEL_V_M = -250.0
MAIN_CHANNEL_V_M = -1400.0
MAIN_CHANNEL_BESIDE_ISLAND_V_M = -1950.0
LEVEE_CREST_M = 8.1  # the park's Yangtze embankment crest (Huanghai datum)
YANGTZE_WATER_M = 1.6
CHANNEL_WATER_M = 1.0


@cache
def _transformers() -> tuple[Transformer, Transformer]:
    to_local = Transformer.from_crs("EPSG:4326", LOCAL_CRS, always_xy=True)
    to_lonlat = Transformer.from_crs(LOCAL_CRS, "EPSG:4326", always_xy=True)
    return to_local, to_lonlat


@cache
def _origin_xy() -> tuple[float, float]:
    x, y = _transformers()[0].transform(ORIGIN_LON_DEG, ORIGIN_LAT_DEG)
    return float(x), float(y)


_SIN_U = math.sin(math.radians(FLOW_AZIMUTH_DEG))
_COS_U = math.cos(math.radians(FLOW_AZIMUTH_DEG))
_SIN_V = math.sin(math.radians(INLAND_AZIMUTH_DEG))
_COS_V = math.cos(math.radians(INLAND_AZIMUTH_DEG))


def uv_to_xy(u: npt.ArrayLike, v: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Frame metres to EPSG:4549 easting/northing."""
    uu = np.asarray(u, dtype=float)
    vv = np.asarray(v, dtype=float)
    x0, y0 = _origin_xy()
    return x0 + uu * _SIN_U + vv * _SIN_V, y0 + uu * _COS_U + vv * _COS_V


def xy_to_uv(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """EPSG:4549 easting/northing to frame metres (the inverse rotation)."""
    x0, y0 = _origin_xy()
    dx = np.asarray(x, dtype=float) - x0
    dy = np.asarray(y, dtype=float) - y0
    return dx * _SIN_U + dy * _COS_U, dx * _SIN_V + dy * _COS_V


def uv_to_lonlat(u: npt.ArrayLike, v: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Frame metres to WGS84 longitude/latitude, rounded to the written precision."""
    x, y = uv_to_xy(u, v)
    lon, lat = _transformers()[1].transform(x, y)
    return (
        np.round(np.asarray(lon, dtype=float), COORDINATE_DECIMALS),
        np.round(np.asarray(lat, dtype=float), COORDINATE_DECIMALS),
    )


def lonlat_to_uv(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS84 longitude/latitude to frame metres."""
    x, y = _transformers()[0].transform(np.asarray(lon, float), np.asarray(lat, float))
    return xy_to_uv(x, y)


def to_lonlat(geometry: BaseGeometry) -> BaseGeometry:
    """A frame geometry in WGS84, coordinates rounded to 7 decimals (RFC 7946 ring order)."""

    def convert(coords: FloatArray) -> FloatArray:
        lon, lat = uv_to_lonlat(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    converted = shapely.transform(geometry, convert)
    if converted.geom_type in ("Polygon", "MultiPolygon"):
        converted = shapely.orient_polygons(converted)
    if not converted.is_valid:
        raise ValueError(f"geometry invalid after rounding: {shapely.is_valid_reason(converted)}")
    return converted


def bearing_deg(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic azimuth from point 1 to point 2, degrees clockwise from north in [0, 360)."""
    azimuth, _, _ = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(azimuth) % 360.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two points (m)."""
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


# --- the river banks -------------------------------------------------------------------------


def smoothstep(x: FloatArray, lo: float, hi: float) -> FloatArray:
    """0 below ``lo``, 1 above ``hi``, a cubic ramp between."""
    t = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def north_bank_v(u: npt.ArrayLike) -> FloatArray:
    """The Yangtze's north bank (the park's side)."""
    uu = np.asarray(u, dtype=float)
    return 25.0 * np.sin(uu / 1900.0) + 15.0 * np.sin(uu / 730.0 + 1.0)


def south_bank_v(u: npt.ArrayLike) -> FloatArray:
    """The Yangtze's south bank, about 2.9 km across."""
    uu = np.asarray(u, dtype=float)
    return -2900.0 + 60.0 * np.sin(uu / 2600.0 + 0.5)


def island_half_thickness(u: npt.ArrayLike) -> FloatArray:
    """Half the island's width at ``u``; 0 outside it (a lens between the two channels)."""
    uu = np.asarray(u, dtype=float)
    lo, hi = ISLAND_U_M
    s = (uu - (lo + hi) / 2.0) / ((hi - lo) / 2.0)
    return ISLAND_HALF_THICKNESS_M * np.sqrt(np.clip(1.0 - s * s, 0.0, 1.0))


def main_channel_v(u: npt.ArrayLike) -> FloatArray:
    """The main channel's centre line, bending south to pass the island."""
    uu = np.asarray(u, dtype=float)
    beside = smoothstep(uu, SPLIT_U_M, ISLAND_U_M[0]) * (
        1.0 - smoothstep(uu, ISLAND_U_M[1], REJOIN_U_M)
    )
    return MAIN_CHANNEL_V_M + (MAIN_CHANNEL_BESIDE_ISLAND_V_M - MAIN_CHANNEL_V_M) * beside


def side_channel_v(u: npt.ArrayLike) -> FloatArray:
    """The side channel's centre line: leaves the main channel at SPLIT_U_M, rejoins at
    REJOIN_U_M, and runs between the island and the north bank in between."""
    uu = np.asarray(u, dtype=float)
    weight = smoothstep(uu, SPLIT_U_M, SPLIT_U_M + 1200.0) * (
        1.0 - smoothstep(uu, REJOIN_U_M - 1200.0, REJOIN_U_M)
    )
    channel = SIDE_CHANNEL_V_M + 0.5 * north_bank_v(uu)
    main = main_channel_v(uu)
    return main + (channel - main) * weight


def is_yangtze_water(u: npt.ArrayLike, v: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Inside the Yangtze (either channel) and not on the island."""
    uu = np.asarray(u, dtype=float)
    vv = np.asarray(v, dtype=float)
    half = island_half_thickness(uu)
    on_island = np.abs(vv - ISLAND_MID_V_M) < half
    return (vv < north_bank_v(uu)) & (vv > south_bank_v(uu)) & ~on_island


# --- the ground --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terrain:
    """The ground surface (Huanghai 1985 heights, m) of the Yangtze plain around the park.

    Taixing slopes gently from north-east to south-west (its gazetteer: 地势东北高、西南低), a few
    metres above the river; the park's land is filled to about 5 m and the north bank carries an
    embankment. ``phases`` and ``mounds`` come from the seed.
    """

    phases: tuple[float, ...]
    mounds: tuple[tuple[float, float, float, float], ...]  # u, v, height m, radius m

    @classmethod
    def from_rng(cls, rng: np.random.Generator) -> Terrain:
        phases = tuple(float(p) for p in rng.uniform(0.0, 2.0 * math.pi, 6))
        mounds = []
        for _ in range(5):
            u = float(rng.uniform(-9000.0, 11000.0))
            v = float(rng.uniform(2500.0, 10000.0))
            mounds.append((u, v, float(rng.uniform(3.0, 9.0)), float(rng.uniform(250.0, 700.0))))
        return cls(phases, tuple(mounds))

    def plain(self, u: npt.ArrayLike, v: npt.ArrayLike) -> FloatArray:
        """The natural ground, ignoring water, the levee and the park's fill."""
        uu = np.asarray(u, dtype=float)
        vv = np.asarray(v, dtype=float)
        p = self.phases
        # north side: 3.2 m at the bank rising to ~7 m 12 km inland; south bank a little higher
        height = np.where(vv > 0, 3.2 + 3.8 * np.clip(vv / 12000.0, 0.0, 1.0), 4.0)
        height = height + 0.6 * np.sin(uu / 2300.0 + p[0]) * np.sin(vv / 1700.0 + p[1])
        height = height + 0.35 * np.sin(uu / 610.0 + p[2]) + 0.3 * np.sin(vv / 530.0 + p[3])
        height = height + 0.15 * np.sin((uu + vv) / 170.0 + p[4])
        for mu, mv, mh, mr in self.mounds:
            height = height + mh * np.exp(-((uu - mu) ** 2 + (vv - mv) ** 2) / (2.0 * mr * mr))
        return np.asarray(height, dtype=float)

    def ground(self, u: npt.ArrayLike, v: npt.ArrayLike, in_park: npt.ArrayLike) -> FloatArray:
        """Ground level on land, with the park filled to at least 4.8 m (m)."""
        natural = self.plain(u, v)
        uu = np.asarray(u, dtype=float)
        vv = np.asarray(v, dtype=float)
        filled = np.maximum(natural, 4.8 + 0.25 * np.sin(uu / 900.0 + vv / 1300.0))
        return np.where(np.asarray(in_park, dtype=bool), filled, natural)

    def levee(self, u: npt.ArrayLike, v: npt.ArrayLike) -> FloatArray:
        """Level of the north-bank embankment's surface at a point, 0 away from it (crest at
        8.1 m from 40 to 80 m inland of the bank, side slopes 1:3)."""
        uu = np.asarray(u, dtype=float)
        vv = np.asarray(v, dtype=float)
        offset = vv - north_bank_v(uu)
        distance = np.maximum(np.abs(offset - 60.0) - 20.0, 0.0)
        return np.clip(LEVEE_CREST_M - distance / 3.0, 0.0, None)

    def surface(self, u: npt.ArrayLike, v: npt.ArrayLike, in_park: npt.ArrayLike) -> FloatArray:
        """Ground level on the north bank's land including the embankment (m)."""
        return np.maximum(self.ground(u, v, in_park), self.levee(u, v))
