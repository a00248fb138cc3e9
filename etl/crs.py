"""Source coordinate systems and their conversion to WGS84 (EPSG:4326).

Any CRS pyproj understands is accepted (``EPSG:4490`` CGCS2000, the CGCS2000 Gauss-Krüger zones
such as ``EPSG:4549``, ``EPSG:3857``...), plus the two non-standard systems Chinese web maps
produce:

* ``gcj02`` (GCJ-02, "火星坐标", AMap/Tencent): WGS84 shifted by a published obfuscation polynomial
  evaluated on the Krasovsky 1940 ellipsoid. Outside mainland China's bounding box the shift is
  zero.
* ``bd09`` (BD-09, Baidu): GCJ-02 further rotated and scaled about the origin.

Both forward formulas are closed-form; their inverses are not, so they are inverted numerically by
fixed-point iteration ``w ← w − (F(w) − g)``. The shift changes by under 0.3 % of itself per
degree, so each step gains about two and a half digits and four or five steps bring the residual
``|F(w) − g|`` below 1e-9 degrees (~0.1 mm), far inside the required 0.5 m.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from pyproj.exceptions import CRSError

from etl.errors import UnknownCrsError

FloatArray = npt.NDArray[np.float64]

GCJ02 = "gcj02"
BD09 = "bd09"

_OBFUSCATION_NAMES = {
    "gcj02": GCJ02,
    "gcj-02": GCJ02,
    "gcj_02": GCJ02,
    "火星坐标": GCJ02,
    "火星坐标系": GCJ02,
    "bd09": BD09,
    "bd-09": BD09,
    "bd_09": BD09,
    "bd09ll": BD09,
    "百度坐标": BD09,
    "百度坐标系": BD09,
}
_PLAIN_NAMES = {"wgs84": "EPSG:4326", "wgs-84": "EPSG:4326", "cgcs2000": "EPSG:4490"}

# Krasovsky 1940 ellipsoid, on which the GCJ-02 shift is expressed: semi-major axis (m) and
# first eccentricity squared.
_KRASOVSKY_A_M = 6378245.0
_KRASOVSKY_E2 = 0.00669342162296594323
# BD-09 rotation constant: π·3000/180.
_BD_X_PI = np.pi * 3000.0 / 180.0
_BD_OFFSET_LON_DEG = 0.0065
_BD_OFFSET_LAT_DEG = 0.006

#: Iteration stops when every point's residual is below this (degrees; 1e-9° ≈ 0.1 mm).
INVERSE_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 50

WGS84 = pyproj.CRS.from_epsg(4326)


@dataclass(frozen=True)
class SourceCrs:
    """A source coordinate system: a pyproj CRS, or an obfuscation of geographic WGS84."""

    label: str
    crs: pyproj.CRS | None = None
    obfuscation: str | None = None

    @property
    def is_wgs84(self) -> bool:
        if self.obfuscation is not None or self.crs is None:
            return False
        return self.crs.equals(WGS84, ignore_axis_order=True)

    @property
    def is_geographic_wgs84_like(self) -> bool:
        """WGS84 or CGCS2000 lon/lat: what files holding GCJ-02 coordinates are labelled as."""
        if self.crs is None or self.obfuscation is not None:
            return False
        return any(
            self.crs.equals(pyproj.CRS.from_epsg(code), ignore_axis_order=True)
            for code in (4326, 4490)
        )


def parse_crs(text: str | pyproj.CRS) -> SourceCrs:
    """Resolve ``text`` (``EPSG:4549``, ``4549``, a WKT/PROJ string, ``gcj02``, ``bd09``)."""
    if isinstance(text, pyproj.CRS):
        return SourceCrs(label=_label(text), crs=text)
    key = text.strip().casefold()
    if key in _OBFUSCATION_NAMES:
        name = _OBFUSCATION_NAMES[key]
        return SourceCrs(label=name, obfuscation=name)
    user_input: str | int = _PLAIN_NAMES.get(key, text.strip())
    if isinstance(user_input, str) and user_input.isdigit():
        user_input = int(user_input)
    try:
        crs = pyproj.CRS.from_user_input(user_input)
    except CRSError:
        raise UnknownCrsError(
            f"未知坐标系 {text!r} / unknown coordinate system {text!r}; "
            "use an EPSG code such as EPSG:4490 or EPSG:4549, or gcj02 / bd09"
        ) from None
    return SourceCrs(label=_label(crs), crs=crs)


def _label(crs: pyproj.CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else crs.name


def coordinates_to_wgs84(
    x: npt.ArrayLike, y: npt.ArrayLike, source: SourceCrs
) -> tuple[FloatArray, FloatArray]:
    """Longitude and latitude in WGS84 of coordinates ``x, y`` in ``source``.

    Coordinates outside the source CRS's domain come back as ``inf`` or ``nan``.
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if source.obfuscation == GCJ02:
        return gcj02_to_wgs84(xs, ys)
    if source.obfuscation == BD09:
        return bd09_to_wgs84(xs, ys)
    if source.crs is None or source.is_wgs84:
        return xs.copy(), ys.copy()
    transformer = pyproj.Transformer.from_crs(source.crs, WGS84, always_xy=True)
    lon, lat = transformer.transform(xs, ys, errcheck=False)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def geometries_to_wgs84(
    geometries: npt.NDArray[np.object_], source: SourceCrs
) -> npt.NDArray[np.object_]:
    """The shapely geometries transformed vertex by vertex to WGS84 (2D; Z is dropped)."""

    def transform(coords: FloatArray) -> FloatArray:
        lon, lat = coordinates_to_wgs84(coords[:, 0], coords[:, 1], source)
        return np.column_stack([lon, lat])

    out: npt.NDArray[np.object_] = shapely.transform(
        shapely.force_2d(geometries), transform, include_z=False
    )
    return out


# --- GCJ-02 -----------------------------------------------------------------------------------


def outside_china(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    """Points outside the rough bounding box of mainland China, where GCJ-02 applies no shift."""
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _shift_polynomials(dx: FloatArray, dy: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The GCJ-02 shift polynomials of longitude and latitude, in metres of the Krasovsky
    ellipsoid, at ``dx = lon − 105°``, ``dy = lat − 35°``."""
    pi = np.pi
    common = (20.0 * np.sin(6.0 * dx * pi) + 20.0 * np.sin(2.0 * dx * pi)) * 2.0 / 3.0
    lon_m = 300.0 + dx + 2.0 * dy + 0.1 * dx * dx + 0.1 * dx * dy + 0.1 * np.sqrt(np.abs(dx))
    lon_m += common
    lon_m += (20.0 * np.sin(dx * pi) + 40.0 * np.sin(dx / 3.0 * pi)) * 2.0 / 3.0
    lon_m += (150.0 * np.sin(dx / 12.0 * pi) + 300.0 * np.sin(dx / 30.0 * pi)) * 2.0 / 3.0
    lat_m = -100.0 + 2.0 * dx + 3.0 * dy + 0.2 * dy * dy + 0.1 * dx * dy
    lat_m += 0.2 * np.sqrt(np.abs(dx)) + common
    lat_m += (20.0 * np.sin(dy * pi) + 40.0 * np.sin(dy / 3.0 * pi)) * 2.0 / 3.0
    lat_m += (160.0 * np.sin(dy / 12.0 * pi) + 320.0 * np.sin(dy * pi / 30.0)) * 2.0 / 3.0
    return lon_m, lat_m


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """The forward GCJ-02 obfuscation of WGS84 longitude/latitude (degrees)."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    # Only finite coordinates inside China are shifted; others pass through unchanged.
    shifted = ~outside_china(lon_a, lat_a) & np.isfinite(lon_a) & np.isfinite(lat_a)
    lon_in = np.where(shifted, lon_a, 105.0)
    lat_in = np.where(shifted, lat_a, 35.0)
    lon_m, lat_m = _shift_polynomials(lon_in - 105.0, lat_in - 35.0)
    # Metres to degrees on the Krasovsky ellipsoid: M = a(1−e²)/W³ is the meridian radius of
    # curvature and N = a/W the prime-vertical one, W = sqrt(1 − e² sin²φ).
    phi = np.radians(lat_in)
    w2 = 1.0 - _KRASOVSKY_E2 * np.sin(phi) ** 2
    w = np.sqrt(w2)
    meridian_m = _KRASOVSKY_A_M * (1.0 - _KRASOVSKY_E2) / (w2 * w)
    parallel_m = _KRASOVSKY_A_M / w * np.cos(phi)
    dlat = lat_m * 180.0 / (meridian_m * np.pi)
    dlon = lon_m * 180.0 / (parallel_m * np.pi)
    return (
        np.where(shifted, lon_a + dlon, lon_a),
        np.where(shifted, lat_a + dlat, lat_a),
    )


def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS84 longitude/latitude whose GCJ-02 obfuscation is ``lon, lat`` (iterative inverse)."""
    return _invert(wgs84_to_gcj02, lon, lat)


# --- BD-09 ------------------------------------------------------------------------------------

#: Beyond this many degrees a BD-09 value cannot be a place (NaN compares False: NaN excluded).
_FAR_OUTSIDE_DEG = 720.0


def gcj02_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """BD-09 of GCJ-02 coordinates: a small rotation and scaling about the origin, then a shift."""
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    # Degrees far outside any longitude or latitude are no place (and 1e308 × x_pi overflows):
    # NaN, which propagates quietly where inf would warn in sin/cos, and the loader reports.
    finite = (np.abs(x) <= _FAR_OUTSIDE_DEG) & (np.abs(y) <= _FAR_OUTSIDE_DEG)
    x = np.where(finite, x, np.nan)
    y = np.where(finite, y, np.nan)
    radius = np.hypot(x, y) + 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X_PI)
    return (
        radius * np.cos(theta) + _BD_OFFSET_LON_DEG,
        radius * np.sin(theta) + _BD_OFFSET_LAT_DEG,
    )


def bd09_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 coordinates whose BD-09 is ``lon, lat`` (iterative inverse)."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """BD-09 of WGS84 coordinates."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS84 coordinates whose BD-09 is ``lon, lat``."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


Forward = Callable[[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]


def _invert(
    forward: Forward, lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Solve ``forward(w) = g`` by fixed-point iteration ``w ← w − (forward(w) − g)``.

    ``forward`` is the identity plus a shift that varies slowly with position, so the map is a
    contraction and the iteration converges; non-finite inputs stay non-finite.
    """
    target_lon = np.asarray(lon, dtype=np.float64)
    target_lat = np.asarray(lat, dtype=np.float64)
    guess_lon = target_lon.copy()
    guess_lat = target_lat.copy()
    finite = np.isfinite(target_lon) & np.isfinite(target_lat)
    for _ in range(_MAX_ITERATIONS):
        fwd_lon, fwd_lat = forward(guess_lon, guess_lat)
        residual_lon = np.subtract(fwd_lon, target_lon, out=np.zeros_like(target_lon), where=finite)
        residual_lat = np.subtract(fwd_lat, target_lat, out=np.zeros_like(target_lat), where=finite)
        guess_lon = guess_lon - residual_lon
        guess_lat = guess_lat - residual_lat
        worst = max(np.abs(residual_lon).max(initial=0.0), np.abs(residual_lat).max(initial=0.0))
        if worst < INVERSE_TOLERANCE_DEG:
            break
    return guess_lon, guess_lat
