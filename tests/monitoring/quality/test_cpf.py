"""CPF by wind sector, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from monitoring.quality.cpf import conditional_probability, sector_index


def test_sectors_wrap_at_north() -> None:
    # 10° sectors centred on 0°, 10°, …: 355° up to 5° is the north sector.
    directions = np.array([359.0, 1.0, 4.99, 5.0, 355.0, 354.99, 360.0, -1.0])
    assert sector_index(directions, 10).tolist() == [0, 0, 0, 1, 0, 35, 0, 0]


def test_high_readings_from_the_north_give_cpf_there() -> None:
    wd = np.array([359, 1, 2, 358, 90, 90, 180, 180, 270, 270.0])
    ws = np.full(10, 3.0)
    conc = np.array([50, 60, 55, 52, 1, 2, 3, 4, 5, 6.0])
    result = conditional_probability(wd, ws, conc)
    # 75th percentile (linear): sorted position 0.75·9 = 6.75, 50 + 0.75·(52 - 50) = 51.5;
    # above it: 52, 55, 60, all in the north sector of 4 hours.
    assert result.threshold == pytest.approx(51.5)
    north = result.sectors.set_index("sector_deg").loc[0.0]
    assert (north["hours"], north["hours_above"], north["cpf"]) == (4, 3, 0.75)
    assert result.sectors.set_index("sector_deg").loc[90.0, "cpf"] == 0.0
    assert np.isnan(result.sectors.set_index("sector_deg").loc[40.0, "cpf"])


def test_calm_and_missing_hours_are_left_out_and_counted() -> None:
    wd = np.array([10.0, 20.0, np.nan, 30.0])
    ws = np.array([0.2, 3.0, 3.0, 3.0])
    conc = np.array([100.0, 5.0, 5.0, np.nan])
    result = conditional_probability(wd, ws, conc)
    assert (result.calm_hours, result.missing_hours) == (1, 2)
    assert int(result.sectors["hours"].sum()) == 1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="percentile"):
        conditional_probability([0.0], [1.0], [1.0], percentile=100)
    with pytest.raises(ValueError, match="divide 360"):
        conditional_probability([0.0], [1.0], [1.0], sector_deg=7)
