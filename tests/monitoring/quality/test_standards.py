"""The standards' data: editions chosen by date, IAQI hand-computed, loaded by the command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from monitoring.quality.aqi import iaqi, read_breakpoints
from monitoring.quality.limits import limit_for, read_limit_files, read_limits
from onemap.commands.standards import standards
from onemap.database import ENV_URL

STANDARDS = Path(__file__).resolve().parents[3] / "data" / "standards"


@pytest.fixture(scope="module")
def limits() -> pd.DataFrame:
    return read_limit_files(STANDARDS)


@pytest.mark.parametrize(
    ("day", "edition", "pm25_24h", "pm25_annual"),
    [
        (dt.date(2025, 6, 1), "2012", 75, 35),
        (dt.date(2026, 2, 28), "2012", 75, 35),
        (dt.date(2026, 3, 1), "2026", 60, 30),
        (dt.date(2030, 12, 31), "2026", 60, 30),
        (dt.date(2031, 1, 1), "2026", 50, 25),
    ],
)
def test_pm25_class_ii_limit_follows_the_date(
    limits: pd.DataFrame, day: dt.date, edition: str, pm25_24h: float, pm25_annual: float
) -> None:
    daily = limit_for(
        limits, standard="GB 3095", quality_class="II", parameter="a34004", period="24h", on=day
    )
    annual = limit_for(
        limits, standard="GB 3095", quality_class="II", parameter="a34004", period="annual", on=day
    )
    assert daily is not None and annual is not None
    assert (daily["edition"], daily["limit_value"], annual["limit_value"]) == (
        edition,
        pm25_24h,
        pm25_annual,
    )
    assert daily["confirmed"]


def test_class_i_has_no_transition_and_carried_values_are_unconfirmed(limits: pd.DataFrame) -> None:
    pm = limit_for(
        limits,
        standard="GB 3095",
        quality_class="I",
        parameter="a34004",
        period="24h",
        on=dt.date(2026, 3, 1),
    )
    assert pm is not None and pm["limit_value"] == 25
    so2 = limit_for(
        limits,
        standard="GB 3095",
        quality_class="II",
        parameter="a21026",
        period="1h",
        on=dt.date(2026, 3, 1),
    )
    assert so2 is not None and so2["edition"] == "2026" and not so2["confirmed"]
    assert "未查到" in so2["clause"]


def test_dissolved_oxygen_is_a_lower_bound(limits: pd.DataFrame) -> None:
    do = limit_for(
        limits,
        standard="GB 3838",
        quality_class="III",
        parameter="w01009",
        period="sample",
        on=dt.date(2025, 1, 1),
    )
    assert do is not None and (do["bound"], do["limit_value"]) == ("lower", 5)


def test_ph_is_a_range_of_two_bounds_in_every_class(limits: pd.DataFrame) -> None:
    for quality_class in ("I", "II", "III", "IV", "V"):
        bounds = {
            bound: limit_for(
                limits,
                standard="GB 3838",
                quality_class=quality_class,
                parameter="w01001",
                period="sample",
                on=dt.date(2025, 1, 1),
                bound=bound,
            )
            for bound in ("lower", "upper")
        }
        assert {b: row["limit_value"] for b, row in bounds.items() if row is not None} == {
            "lower": 6,
            "upper": 9,
        }


@pytest.mark.parametrize(
    ("edition", "parameter", "period", "concentration", "expected"),
    [
        ("2012", "a34004", "24h", 75, 100),  # a breakpoint
        ("2012", "a34004", "24h", 80, 107),  # 50/40·5 + 100 = 106.25, rounded up
        ("2026", "a34004", "24h", 60, 100),  # the 2026 IAQI-100 breakpoint
        ("2026", "a34004", "24h", 75, 114),  # 50/55·15 + 100 = 113.6
        ("2012", "a34002", "24h", 150, 100),
        ("2026", "a34002", "24h", 120, 100),
        ("2026", "a34002", "24h", 150, 112),  # 50/130·30 + 100 = 111.5
        ("2012", "a21005", "24h", 3, 75),  # 50/2·1 + 50
        ("2026", "a21026", "1h", 900, 200),  # above 800: IAQI 200
        ("2026", "a05024", "8h", 900, 300),  # above 800: IAQI 300
        ("2012", "a34004", "24h", 0, 0),
    ],
)
def test_iaqi_hand_computed(
    edition: str, parameter: str, period: str, concentration: float, expected: float
) -> None:
    assert iaqi(read_breakpoints(), edition, parameter, period, [concentration])[0] == expected


def test_2012_so2_1h_above_800_is_not_rated_by_the_1h_table() -> None:
    value = iaqi(read_breakpoints(), "2012", "a21026", "1h", [900])[0]
    assert value != value  # NaN: the 24 h value decides


def test_standards_load_command_fills_the_table(engine: sa.Engine, db_url: str) -> None:
    result = CliRunner().invoke(standards, ["load", "--dir", str(STANDARDS)], env={ENV_URL: db_url})
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        stored = read_limits(connection)
    assert len(stored) == len(read_limit_files(STANDARDS))
    ph = stored[(stored["parameter"] == "w01001") & (stored["quality_class"] == "III")]
    assert sorted(zip(ph["bound"], ph["limit_value"], strict=True)) == [("lower", 6), ("upper", 9)]
    assert ph["unit"].isna().all()  # dimensionless: stored without a unit
    assert set(stored["standard"]) >= {"GB 3095", "GB 3838", "HJ 633"}
    again = CliRunner().invoke(standards, ["load", "--dir", str(STANDARDS)], env={ENV_URL: db_url})
    assert "inserted 0, updated 0" in again.output
