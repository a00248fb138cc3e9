"""Compass points (方位) for bearings, in the 8- and 16-point sets with Chinese names.

A bearing is in degrees clockwise from north. The 16-point index is
⌊((θ mod 360) + 11.25) / 22.5⌋ mod 16, the 8-point one ⌊((θ mod 360) + 22.5) / 45⌋ mod 8, so each
point is centred on its nominal bearing and north spans 337.5°-22.5° (8 points) across 0°/360°
(reference §2.7; openair #272 is the classic bug of a north sector that does not wrap).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

Points = Literal[8, 16]

POINTS_8: tuple[tuple[str, str], ...] = (
    ("N", "北"),
    ("NE", "东北"),
    ("E", "东"),
    ("SE", "东南"),
    ("S", "南"),
    ("SW", "西南"),
    ("W", "西"),
    ("NW", "西北"),
)

POINTS_16: tuple[tuple[str, str], ...] = (
    ("N", "北"),
    ("NNE", "东北偏北"),
    ("NE", "东北"),
    ("ENE", "东北偏东"),
    ("E", "东"),
    ("ESE", "东南偏东"),
    ("SE", "东南"),
    ("SSE", "东南偏南"),
    ("S", "南"),
    ("SSW", "西南偏南"),
    ("SW", "西南"),
    ("WSW", "西南偏西"),
    ("W", "西"),
    ("WNW", "西北偏西"),
    ("NW", "西北"),
    ("NNW", "西北偏北"),
)


def normalise_deg(angle_deg: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Angles folded into [0, 360)."""
    folded = np.mod(np.asarray(angle_deg, dtype=np.float64), 360.0)
    # np.mod(-1e-14, 360) rounds to 360.0 exactly; fold that back to 0.
    return np.where(folded >= 360.0, 0.0, folded)


def angular_difference_deg(a_deg: npt.ArrayLike, b_deg: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The unsigned smallest angle between two bearings, in [0, 180] (359° vs 1° → 2°)."""
    diff = np.mod(np.asarray(a_deg, dtype=np.float64) - np.asarray(b_deg, dtype=np.float64), 360.0)
    return np.minimum(diff, 360.0 - diff)


def point_index(bearing_deg: npt.ArrayLike, points: Points = 8) -> npt.NDArray[np.int64]:
    """The compass-point index of each bearing (0 = N, clockwise)."""
    width = 360.0 / points
    folded = normalise_deg(bearing_deg)
    return np.floor((folded + width / 2.0) / width).astype(np.int64) % points


def compass_point(bearing_deg: float, points: Points = 8) -> tuple[str, str]:
    """``(english, chinese)`` for one bearing, e.g. ``compass_point(359.0) == ("N", "北")``."""
    table = POINTS_8 if points == 8 else POINTS_16
    return table[int(point_index(bearing_deg, points))]


def compass_points(bearing_deg: npt.ArrayLike, points: Points = 8) -> tuple[list[str], list[str]]:
    """English and Chinese compass points of many bearings at once."""
    table = POINTS_8 if points == 8 else POINTS_16
    indices = np.atleast_1d(point_index(bearing_deg, points))
    return [table[i][0] for i in indices], [table[i][1] for i in indices]
