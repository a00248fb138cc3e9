"""The declared registers' findings by hand, and their bad rows rejected with the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.load import load_file
from layers.solid_waste import waste_code_problem
from sources.registers import (
    carbon_intensity,
    energy_by,
    ldar_findings,
    leak_rates,
    solid_waste_findings,
)

A, B = "91321283MA00000011", "91321283MA00000022"


def months(generated_t: list[float], maximum_t: float, code: str = "900-041-49") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "credit_code": A,
            "period": [f"2025-{m:02d}" for m in range(1, len(generated_t) + 1)],
            "waste_code": code,
            "name": "废包装物",
            "generated_t": generated_t,
            "max_permitted_t_per_year": maximum_t,
        }
    )


def test_a_years_generation_just_at_and_just_above_the_permitted_maximum() -> None:
    assert solid_waste_findings(months([1.0] * 12, 12.0)).empty  # 12.0 t of 12.0: not above
    over = solid_waste_findings(months([1.0] * 11 + [1.1], 12.0))
    assert len(over) == 1 and over.iloc[0]["excess_t"] == pytest.approx(0.1)
    # another year's months do not add up with 2025's
    two_years = pd.concat([months([1.0] * 12, 12.0), months([1.0], 12.0).assign(period="2026-01")])
    assert solid_waste_findings(two_years).empty


def checks(rows: list[tuple[str, str, bool, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "credit_code": A,
                "component_id": cid,
                "checked_on": dt.date.fromisoformat(day),
                "leaking": leaking,
                "repaired_on": dt.date.fromisoformat(fixed) if fixed else None,
            }
            for cid, day, leaking, fixed in rows
        ]
    )


def test_a_leak_repaired_on_day_15_is_in_time_and_on_day_16_late() -> None:
    frame = checks(
        [
            ("V1", "2025-05-01", True, "2025-05-16"),  # 15 days
            ("V2", "2025-05-01", True, "2025-05-17"),  # 16 days
            ("V3", "2025-05-01", False, None),
            ("V4", "2025-05-01", True, None),  # still open on 20 May: 19 days
        ]
    )
    late = ldar_findings(frame, as_of=dt.date(2025, 5, 20))
    assert sorted(late["component_id"]) == ["V2", "V4"]
    assert dict(zip(late["component_id"], late["days_open"], strict=True)) == {"V2": 16, "V4": 19}


def test_leak_rate_per_round() -> None:
    frame = checks(
        [
            ("V1", "2025-05-01", True, "2025-05-03"),
            ("V2", "2025-05-01", False, None),
            ("V3", "2025-05-02", False, None),
            ("V4", "2025-05-02", False, None),
            ("V1", "2025-11-03", False, None),
        ]
    )
    rates = leak_rates(frame).set_index("round")
    assert rates.loc["2025Q2", "leak_rate_pct"] == 25.0 and rates.loc["2025Q4", "leaks"] == 0


def test_energy_summed_by_industry_and_carbon_intensity() -> None:
    energy = pd.DataFrame(
        {
            "credit_code": [A, B, A],
            "period": ["2025-01", "2025-01", "2025-02"],
            "water_m3": [100.0, 50.0, 10.0],
            "electricity_kwh": [1.0, 2.0, 3.0],
            "gas_m3": 0.0,
            "steam_t": 0.0,
            "oil_t": 0.0,
            "coal_t": 0.0,
            "biomass_t": 0.0,
        }
    )
    enterprises = pd.DataFrame({"credit_code": [A, B], "industry_code": ["2614", "2614"]})
    summed = energy_by(energy, enterprises, "industry_code").set_index("period")
    assert summed.loc["2025-01", "water_m3"] == 150.0 and summed.loc["2025-02", "water_m3"] == 10.0
    carbon = pd.DataFrame({"co2_t": [1000.0, 5.0], "output": [250.0, None]})
    assert carbon_intensity(carbon).iloc[0] == 4.0 and carbon_intensity(carbon).isna().iloc[1]


def test_waste_codes_on_the_list() -> None:
    assert waste_code_problem("900-041-49") is None and waste_code_problem("SW07") is None
    assert "not on the list" in str(waste_code_problem("900-041-51"))  # no category HW51
    assert waste_code_problem("HW49") is not None


def test_bad_declared_rows_are_rejected_with_their_reason_and_good_rows_load(
    park: object, engine: sa.Engine, tmp_path: Path
) -> None:
    credit = park.enterprise("化工甲", park.at(0, 0))  # type: ignore[attr-defined]
    park.conn.commit()  # type: ignore[attr-defined]
    next_year = dt.date.today().year + 1
    path = tmp_path / "solid_waste.csv"
    header = "credit_code,period,category,waste_code,name,max_permitted_t_per_year,generated_t\n"
    path.write_text(
        header
        + f"{credit},2025-01,hazardous,900-041-49,废包装物,12,1.0\n"
        + f"{credit},2025-02,hazardous,900-041-99,废包装物,12,1.0\n"
        + f"{credit},{next_year}-01,hazardous,900-041-49,废包装物,12,1.0\n"
        + f"{credit},2025-03,hazardous,900-041-49,废包装物,12,-1.0\n",
        encoding="utf-8",
    )
    report = load_file(path, "solid_waste", engine, rejects_path=str(tmp_path / "rejects.csv"))
    assert (report.inserted, report.rejected) == (1, 3)
    reasons = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert "not on the list" in reasons and "in the future" in reasons and "generated_t" in reasons
