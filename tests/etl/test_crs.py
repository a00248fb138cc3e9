"""GCJ-02 and BD-09 round trips, measured on the WGS84 ellipsoid; EPSG systems via pyproj."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from etl.crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    coordinates_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    parse_crs,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from etl.errors import UnknownCrsError

GEOD = pyproj.Geod(ellps="WGS84")

# Tiananmen (Beijing), Xinjiekou (Nanjing), Futian (Shenzhen), Urumqi, Harbin, Sanya, and a
# point on the 105°E meridian where the shift polynomial has its sqrt(|lon − 105|) kink.
CHINA_LON = np.array([116.391275, 118.784138, 114.057868, 87.616880, 126.642464, 109.511909, 105.0])
CHINA_LAT = np.array([39.906217, 32.041544, 22.543099, 43.825592, 45.756967, 18.252847, 35.0])


def _metres(lon_a, lat_a, lon_b, lat_b) -> np.ndarray:
    return np.asarray(GEOD.inv(lon_a, lat_a, lon_b, lat_b)[2])


def test_gcj02_shifts_points_in_china_by_hundreds_of_metres() -> None:
    gcj_lon, gcj_lat = wgs84_to_gcj02(CHINA_LON, CHINA_LAT)
    shift = _metres(CHINA_LON, CHINA_LAT, gcj_lon, gcj_lat)
    assert np.all((shift > 50) & (shift < 1000)), shift


def test_gcj02_inverse_returns_within_half_a_metre() -> None:
    gcj_lon, gcj_lat = wgs84_to_gcj02(CHINA_LON, CHINA_LAT)
    lon, lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert _metres(CHINA_LON, CHINA_LAT, lon, lat).max() < 0.5
    # The iteration converges far beyond the requirement: forward(inverse(g)) == g to 1e-9°.
    again_lon, again_lat = wgs84_to_gcj02(lon, lat)
    assert np.abs(again_lon - gcj_lon).max() < 1e-9
    assert np.abs(again_lat - gcj_lat).max() < 1e-9


def test_bd09_round_trips_within_half_a_metre() -> None:
    bd_lon, bd_lat = wgs84_to_bd09(CHINA_LON, CHINA_LAT)
    shift = _metres(CHINA_LON, CHINA_LAT, bd_lon, bd_lat)
    assert np.all(shift > 300), shift  # BD-09 adds ~0.0065°/0.006° on top of GCJ-02
    lon, lat = bd09_to_wgs84(bd_lon, bd_lat)
    assert _metres(CHINA_LON, CHINA_LAT, lon, lat).max() < 0.5
    gcj_lon, gcj_lat = wgs84_to_gcj02(CHINA_LON, CHINA_LAT)
    back_lon, back_lat = bd09_to_gcj02(*gcj02_to_bd09(gcj_lon, gcj_lat))
    assert _metres(gcj_lon, gcj_lat, back_lon, back_lat).max() < 0.01


def test_points_outside_china_are_not_shifted_by_gcj02() -> None:
    lon = np.array([2.294481, -74.044502, 139.767125, 151.215297])  # Paris, NY, Tokyo, Sydney
    lat = np.array([48.858370, 40.689247, 35.681236, -33.856784])
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    np.testing.assert_array_equal(gcj_lon, lon)
    np.testing.assert_array_equal(gcj_lat, lat)
    back_lon, back_lat = gcj02_to_wgs84(lon, lat)
    np.testing.assert_array_equal(back_lon, lon)
    np.testing.assert_array_equal(back_lat, lat)


def test_non_finite_coordinates_stay_non_finite() -> None:
    lon, lat = gcj02_to_wgs84(np.array([np.nan, 118.8]), np.array([32.0, np.inf]))
    assert not np.isfinite(lon[0]) and not np.isfinite(lat[1])


def test_gauss_kruger_central_meridian_maps_to_its_longitude() -> None:
    # EPSG:4549 is CGCS2000 3-degree Gauss-Krüger with central meridian 120°E: easting 500 km
    # (the false easting) lies on that meridian at any northing.
    lon, lat = coordinates_to_wgs84([500000.0, 500000.0], [3500000.0, 3600000.0], parse_crs("4549"))
    np.testing.assert_allclose(lon, [120.0, 120.0], atol=1e-9)
    assert 31 < lat[0] < lat[1] < 33


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("EPSG:4490", "EPSG:4490"),
        ("epsg:4549", "EPSG:4549"),
        ("3857", "EPSG:3857"),
        ("CGCS2000", "EPSG:4490"),
        ("WGS84", "EPSG:4326"),
        ("GCJ-02", "gcj02"),
        ("gcj02", "gcj02"),
        ("BD09", "bd09"),
    ],
)
def test_parse_crs_names(text: str, label: str) -> None:
    assert parse_crs(text).label == label


@pytest.mark.parametrize("text", ["EPSG:999999", "mars", ""])
def test_unknown_crs_is_an_error(text: str) -> None:
    with pytest.raises(UnknownCrsError, match="unknown coordinate system"):
        parse_crs(text)
