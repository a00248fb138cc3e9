"""Compass points and angle arithmetic across north."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.compass import angular_difference_deg, compass_point, compass_points, normalise_deg


@pytest.mark.parametrize(
    ("bearing", "points", "expected"),
    [
        (0.0, 8, ("N", "北")),
        (359.0, 8, ("N", "北")),
        (1.0, 8, ("N", "北")),
        (360.0, 8, ("N", "北")),
        (-1.0, 8, ("N", "北")),
        (22.49, 8, ("N", "北")),
        (22.5, 8, ("NE", "东北")),
        (337.49, 8, ("NW", "西北")),
        (337.5, 8, ("N", "北")),
        (180.0, 8, ("S", "南")),
        (11.24, 16, ("N", "北")),
        (11.25, 16, ("NNE", "东北偏北")),
        (348.75, 16, ("N", "北")),
        (348.74, 16, ("NNW", "西北偏北")),
        (247.5, 16, ("WSW", "西南偏西")),
    ],
)
def test_compass_points(bearing: float, points: int, expected: tuple[str, str]) -> None:
    assert compass_point(bearing, points) == expected  # type: ignore[arg-type]


def test_vectorised_compass_points_match_single_ones() -> None:
    bearings = np.arange(0.0, 360.0, 7.5)
    english, chinese = compass_points(bearings, 16)
    assert list(zip(english, chinese, strict=True)) == [compass_point(b, 16) for b in bearings]


@pytest.mark.parametrize(
    ("a", "b", "difference"),
    [
        (359.0, 1.0, 2.0),
        (1.0, 359.0, 2.0),
        (350.0, 10.0, 20.0),
        (90.0, 270.0, 180.0),
        (0.0, 0.0, 0.0),
    ],
)
def test_angular_difference_wraps_at_north(a: float, b: float, difference: float) -> None:
    assert float(angular_difference_deg(a, b)) == pytest.approx(difference)


def test_normalise_keeps_angles_in_0_360() -> None:
    assert normalise_deg([-1e-14, 360.0, 725.0, -90.0]).tolist() == [0.0, 0.0, 5.0, 270.0]
