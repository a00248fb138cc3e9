"""Conditional probability function (CPF) by wind sector, after openair's ``percentileRose``
with ``method = "cpf"``.

For each wind-direction sector θ, CPF(θ) = m(θ) / n(θ): of the n hours whose wind came from θ,
the share m whose concentration exceeded the chosen percentile of all the hours' concentrations
(default the 75th). High CPF names the direction the high readings come from. Sectors are
centred on 0°, w, 2w, … so the north sector spans 360 - w/2 to w/2 and wraps; calm hours
(direction undefined) and hours missing either value are left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Cpf:
    """Per-sector results plus what was left out."""

    sectors: pd.DataFrame  # sector_deg (centre), hours, hours_above, cpf (NaN when no hours)
    threshold: float
    percentile: float
    calm_hours: int
    missing_hours: int


def sector_index(from_deg: FloatArray, sector_deg: float) -> npt.NDArray[np.int64]:
    """Index of the sector centred on ``k·sector_deg`` holding each direction (wraps at north)."""
    count = round(360 / sector_deg)
    return (
        np.floor(((np.mod(from_deg, 360.0)) + sector_deg / 2) / sector_deg).astype(np.int64) % count
    )


def conditional_probability(
    from_deg: npt.ArrayLike,
    speed_ms: npt.ArrayLike,
    concentration: npt.ArrayLike,
    *,
    percentile: float = 75.0,
    sector_deg: float = 10.0,
    calm_ms: float = 0.5,
) -> Cpf:
    """CPF per wind sector; see the module docstring for the formula."""
    if not 0 < percentile < 100:
        raise ValueError("percentile must lie between 0 and 100")
    if 360 % sector_deg:
        raise ValueError("sector width must divide 360")
    wd = np.asarray(from_deg, dtype=np.float64)
    ws = np.asarray(speed_ms, dtype=np.float64)
    conc = np.asarray(concentration, dtype=np.float64)
    known = np.isfinite(wd) & np.isfinite(ws) & np.isfinite(conc)
    calm = known & (ws < calm_ms)
    used = known & ~calm
    count = round(360 / sector_deg)
    if not used.any():
        empty = pd.DataFrame(
            {
                "sector_deg": np.arange(count) * sector_deg,
                "hours": 0,
                "hours_above": 0,
                "cpf": np.nan,
            }
        )
        return Cpf(empty, float("nan"), percentile, int(calm.sum()), int((~known).sum()))
    threshold = float(np.percentile(conc[used], percentile))
    index = sector_index(wd[used], sector_deg)
    hours = np.bincount(index, minlength=count)
    above = np.bincount(index, weights=(conc[used] > threshold).astype(float), minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        cpf = np.where(hours > 0, above / np.maximum(hours, 1), np.nan)
    sectors = pd.DataFrame(
        {
            "sector_deg": np.arange(count) * sector_deg,
            "hours": hours,
            "hours_above": above.astype(np.int64),
            "cpf": cpf,
        }
    )
    return Cpf(sectors, threshold, percentile, int(calm.sum()), int((~known).sum()))
