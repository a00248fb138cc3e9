"""Geodesic measures on WGS 84: azimuths, local metric projections, buffers and search boxes.

Nothing here measures or buffers in degrees. Distances and azimuths come from pyproj's ``Geod``
(Karney's geodesics); buffers are drawn in an azimuthal-equidistant projection centred on the
geometry, where distances from the centre are true, and projected back.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

from analytics.compass import normalise_deg

GEOD = Geod(ellps="WGS84")

#: Below this separation (m) two centroids coincide and a bearing between them means nothing.
COINCIDENT_M = 0.01


def azimuth_deg(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Forward geodesic azimuths (degrees clockwise from north, in [0, 360)) and distances (m)."""
    lons1, lats1, lons2, lats2 = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2))
    )
    forward, _back, distance = GEOD.inv(lons1, lats1, lons2, lats2)
    return normalise_deg(forward), np.asarray(distance, dtype=np.float64)


@lru_cache(maxsize=256)
def _aeqd(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")
    wgs84 = CRS.from_epsg(4326)
    return (
        Transformer.from_crs(wgs84, crs, always_xy=True),
        Transformer.from_crs(crs, wgs84, always_xy=True),
    )


def local_projection(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """Forward (lon/lat → x/y m) and inverse transformers of an azimuthal-equidistant
    projection centred on ``(lon, lat)``; x points east, y north.

    The centre is rounded to 1e-6° (about 0.1 m) so repeated calls share a cached transformer.
    """
    return _aeqd(round(lon, 6), round(lat, 6))


def to_local(geometry: BaseGeometry, forward: Transformer) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: np.column_stack(forward.transform(*xy.T)))


def geodesic_buffer(geometry: BaseGeometry, radius_m: float) -> BaseGeometry:
    """The area within ``radius_m`` of ``geometry`` (lon/lat), drawn in a local
    azimuthal-equidistant projection centred on the geometry's centroid."""
    centre = geometry.centroid
    forward, inverse = local_projection(centre.x, centre.y)
    local = to_local(geometry, forward).buffer(radius_m, quad_segs=32)
    return to_local(local, inverse)


def search_envelope(geometry: BaseGeometry, radius_m: float) -> tuple[float, float, float, float]:
    """A lon/lat box that surely holds everything within ``radius_m`` of ``geometry``.

    Used only as an index prefilter (``geom && box``) in front of an exact ``ST_DWithin`` on
    geography, so the geometry column's GiST index does the set work. The box comes from the
    geodesic buffer, widened by 1 % and 10 m for the projection's small scale error.
    """
    minx, miny, maxx, maxy = geodesic_buffer(geometry, radius_m * 1.01 + 10.0).bounds
    return (max(minx, -180.0), max(miny, -90.0), min(maxx, 180.0), min(maxy, 90.0))


def utm_epsg(lon: float, lat: float) -> int:
    """The EPSG code of the WGS 84 UTM zone holding ``(lon, lat)`` (scale error ≤ 0.1 %
    within the zone): a metric CRS for planar work where geodesic work would be slow."""
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


def sector_polygon(
    lon: float, lat: float, from_deg: float, to_deg: float, radius_m: float, step_deg: float = 2.0
) -> BaseGeometry:
    """A circular sector (lon/lat polygon) from ``(lon, lat)`` swept clockwise from ``from_deg``
    to ``to_deg`` out to ``radius_m``, with geodesic radii; a full circle when it spans 360°."""
    span = to_deg - from_deg
    if span <= 0:
        span += 360.0
    count = max(int(np.ceil(span / step_deg)), 2) + 1
    azimuths = from_deg + np.linspace(0.0, span, count)
    arc_lon, arc_lat, _ = GEOD.fwd(
        np.full(count, lon), np.full(count, lat), azimuths, np.full(count, radius_m)
    )
    if span >= 360.0:
        ring = list(zip(arc_lon, arc_lat, strict=True))
    else:
        ring = [(lon, lat), *zip(arc_lon, arc_lat, strict=True), (lon, lat)]
    return shapely.Polygon(ring)
