"""The catalogue as measured (Jiangsu 7.4.5), by hand: each entry gets its enterprise's outfalls
of the medium that list the pollutant and the year's figures, online loads first, else the
accepted manual results; and on the demo park, the figures are those of the stored loads."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from onemap.database import engine_for
from sources.catalogue import store_catalogue_measures

ZONE = "Asia/Shanghai"


def _entry(park: Any, credit: str, medium: str, parameter: str) -> None:
    park.insert(
        "pollutant_catalogue",
        credit_code=credit,
        medium=medium,
        parameter=parameter,
        name=parameter,
    )


def _load(park: Any, outfall: str, credit: str, parameter: str, **values: Any) -> None:
    park.insert(
        "discharge_loads", outfall_code=outfall, credit_code=credit, parameter=parameter,
        interval="year", period_start="2025-01-01", unit="mg/L", **values,
    )  # fmt: skip


def test_online_loads_first_then_accepted_manual_results(park: Any) -> None:
    credit = park.enterprise("化工辛", park.at(0, 0))
    for code, where in (("W-DW001", 0), ("W-DW002", 90)):
        park.outfall(
            code, credit, park.at(where, 300), kind="wastewater", pollutants=["w01018", "w21003"]
        )
    park.outfall("W-DA001", credit, park.at(180, 300), kind="stack", pollutants=["a24088"])
    for medium, parameter in (("wastewater", "w01018"), ("wastewater", "w21003")):
        _entry(park, credit, medium, parameter)
    _entry(park, credit, "exhaust", "a21026")  # no outfall lists it
    # COD: 100 mg/L in 1000 m³ and 50 mg/L in 3000 m³ → (1e5 + 1.5e5) / 4000 = 62.5 mg/L
    _load(
        park, "W-DW001", credit, "w01018", load_kg=100.0, volume_m3=1000.0, mean_concentration=100.0
    )
    _load(
        park, "W-DW002", credit, "w01018", load_kg=150.0, volume_m3=3000.0, mean_concentration=50.0
    )
    # NH3-N: only manual results, 4 and 6 mg/L accepted; a submitted 100 does not count
    for value, state, day in ((4.0, "accepted", 3), (6.0, "accepted", 4), (100.0, "submitted", 5)):
        park.insert(
            "manual_monitoring", credit_code=credit, outfall_code="W-DW002", kind="manual",
            sampled_at=f"2025-03-0{day}T10:00:00+08:00", parameter="w21003", value=value,
            unit="mg/L", review_status=state,
        )  # fmt: skip
    assert store_catalogue_measures(park.conn, 2025, ZONE) == 2  # a21026: nothing to write
    rows = park.conn.execute(
        sa.text(
            "SELECT parameter, outfalls, measured_from, measured_year, measured_concentration,"
            " concentration_unit, measured_load_t FROM pollutant_catalogue"
            " WHERE credit_code = :c ORDER BY parameter"
        ),
        {"c": credit},
    ).all()
    by = {r[0]: tuple(r[1:]) for r in rows}
    assert by["w01018"][:3] == ("W-DW001、W-DW002", "online", 2025)
    assert by["w01018"][3] == pytest.approx(62.5)
    assert by["w01018"][4:] == ("mg/L", pytest.approx(0.25))  # 250 kg
    assert by["w21003"] == ("W-DW001、W-DW002", "manual", 2025, pytest.approx(5.0), "mg/L", None)
    assert by["a21026"] == (None, None, None, None, None, None)
    assert store_catalogue_measures(park.conn, 2025, ZONE) == 0  # nothing changed: no write
    assert store_catalogue_measures(park.conn, 2024, ZONE) == 2  # another year: no figures
    measured = park.conn.execute(
        sa.text("SELECT count(*) FROM pollutant_catalogue WHERE measured_from IS NOT NULL")
    ).scalar_one()
    assert measured == 0


def test_one_pollutants_view_on_the_demo_is_the_stored_loads(
    client: Any, demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    answer = client.get(
        "/ogcapi/collections/pollutant_catalogue/items?f=json&parameter=w01018&limit=1000",
        headers=demo_accounts["headers"]["staff"],
    )
    assert answer.status_code == 200
    entries = [f["properties"] for f in answer.json["features"]]
    online = [p for p in entries if p["measured_from"] == "online"]
    assert online and all(p["parameter"] == "w01018" for p in entries)
    first = online[0]
    with engine_for(demo_db_url).connect() as connection:
        total_kg = connection.execute(
            sa.text(
                "SELECT sum(load_kg) FROM discharge_loads WHERE interval = 'year'"
                " AND parameter = 'w01018' AND outfall_code = ANY(:codes)"
                " AND extract(year FROM period_start) = :year"
            ),
            {"codes": first["outfalls"].split("、"), "year": first["measured_year"]},
        ).scalar_one()
    assert first["measured_load_t"] == pytest.approx(float(total_kg) / 1000)
    assert first["measured_concentration"] > 0 and first["concentration_unit"] == "mg/L"
