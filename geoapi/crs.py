"""The coordinate reference systems the API serves (OGC API - Features Part 2), cached.

Stock pygeoapi spends about 12 ms per ``pyproj.CRS.to_epsg()`` call, three times per bbox
request; here every CRS is resolved once per process and requests only look URIs up in a dict.
Storage is EPSG:4326 in lon/lat order, i.e. CRS84 (layers.schema).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyproj

from geoapi.errors import InvalidParameterValue

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"
STORAGE_SRID = 4326
#: Fixed members of the list; the park's own Gauss-Krüger zone is added by :func:`supported`.
BASE_SRIDS = (4326, 4490, 3857)


@dataclass(frozen=True)
class Crs:
    """One supported CRS: its URI, its PostGIS SRID and whether its first axis is northing."""

    uri: str
    srid: int
    lat_first: bool

    @property
    def is_storage(self) -> bool:
        """True when no transformation and no axis swap is needed (CRS84 itself)."""
        return self.srid == STORAGE_SRID and not self.lat_first


def cgcs2000_gk3_srid(longitude_deg: float) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss-Krüger CM zone for a longitude.

    EPSG:4534-4554 are "CGCS2000 / 3-degree Gauss-Kruger CM 75E" ... "CM 135E" in 3° steps
    (CM = 3 * round(lon / 3)); the zone-number variants 4513-4533 prefix the easting instead.
    """
    central_meridian = 3 * round(longitude_deg / 3)
    if not 75 <= central_meridian <= 135:
        raise ValueError(f"longitude {longitude_deg} is outside China's GK zones (75-135 E)")
    return 4534 + (central_meridian - 75) // 3


@cache
def _epsg_crs(srid: int) -> Crs:
    crs = pyproj.CRS.from_epsg(srid)
    first_axis = crs.axis_info[0].direction.lower() if crs.axis_info else "east"
    return Crs(EPSG_URI.format(srid), srid, first_axis in ("north", "south"))


@cache
def supported(zone_srid: int) -> dict[str, Crs]:
    """Every served CRS by URI, CRS84 first (it is the default of Part 1)."""
    out = {CRS84: Crs(CRS84, STORAGE_SRID, False)}
    for srid in (*BASE_SRIDS, zone_srid):
        crs = _epsg_crs(srid)
        out[crs.uri] = crs
    return out


def resolve(value: str | None, zone_srid: int, parameter: str = "crs") -> Crs:
    """The CRS named by a ``crs``/``bbox-crs``/``filter-crs`` value; CRS84 when absent.

    Accepts the OGC URIs, ``[EPSG:n]`` safe CURIEs and ``EPSG:n``.
    """
    table = supported(zone_srid)
    if value is None or value == "":
        return table[CRS84]
    key = value.strip()
    if key in table:
        return table[key]
    short = key.strip("[]").upper()
    if short in ("OGC:CRS84", "CRS84"):
        return table[CRS84]
    if short.startswith("EPSG:") and short[5:].isdigit():
        uri = EPSG_URI.format(int(short[5:]))
        if uri in table:
            return table[uri]
    raise InvalidParameterValue(
        f"不支持的坐标系 / unsupported {parameter} {value!r}; supported: {', '.join(table)}"
    )
