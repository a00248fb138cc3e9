"""The HJ 941 risk colours (Jiangsu 7.6.2: blue, yellow, red) stay apart from each other and
from every pixel of the demo hillshade they are drawn on (CIE76 ΔE in L*a*b*, D65)."""

from __future__ import annotations

import warnings
from itertools import combinations
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from layers.enterprises import RISK_COLOURS
from webmap.hillshade import render

DEM = Path(__file__).resolve().parents[2] / "data" / "demo" / "dem.tif"
#: ΔE76 ≈ 2.3 is just noticeable; 40 is a different colour at a glance.
APART = 40.0


def lab(rgb: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """sRGB (0-255) to CIE L*a*b* (D65)."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = c @ to_xyz.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1
    )


def _rgb(hex_colour: str) -> list[int]:
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


@pytest.fixture(scope="module")
def hillshade_lab() -> npt.NDArray[np.float64]:
    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.io import MemoryFile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # a plain PNG
        with MemoryFile(render(DEM).png) as memory, memory.open() as image:
            pixels = image.read()[:3].reshape(3, -1).T
    return lab(pixels)


def test_larger_is_drawn_yellow() -> None:
    colours = dict(RISK_COLOURS)
    lightness, a, b = lab(_rgb(colours["larger"]))
    hue = np.degrees(np.arctan2(b, a))
    assert 80 <= hue <= 100 and b > 70 and lightness > 75  # yellow, not orange (hue ≈ 67°)


@pytest.mark.parametrize(("grade", "colour"), RISK_COLOURS)
def test_each_grade_stands_out_from_the_hillshade(
    grade: str, colour: str, hillshade_lab: npt.NDArray[np.float64]
) -> None:
    distance = np.linalg.norm(hillshade_lab - lab(_rgb(colour)), axis=1)
    assert distance.min() >= APART, grade


def test_the_three_grades_are_apart() -> None:
    for (_, one), (_, other) in combinations(RISK_COLOURS, 2):
        assert np.linalg.norm(lab(_rgb(one)) - lab(_rgb(other))) >= APART
