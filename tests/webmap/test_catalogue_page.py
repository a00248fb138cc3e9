"""The characteristic-pollutant catalogue by pollutant on the page, in headless Chromium, as an
anonymous visitor: choose COD, see the enterprises whose catalogue lists it, with the
concentration and load measured from their outfalls' stored loads (Jiangsu 7.4.5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from onemap.database import engine_for


def test_one_pollutants_emitters_with_what_they_were_measured_to_emit(
    page: Any, demo_db_url: str, artifacts_dir: Path
) -> None:
    with engine_for(demo_db_url).connect() as connection:
        expected = connection.execute(
            sa.text(
                "SELECT c.credit_code, e.name, c.measured_concentration, c.concentration_unit"
                " FROM pollutant_catalogue c JOIN enterprises e USING (credit_code)"
                " WHERE c.parameter = 'w01018' ORDER BY c.measured_load_t DESC NULLS LAST"
            )
        ).all()
    assert expected and expected[0][2] is not None  # the demo measures COD somewhere
    panel = page.locator(".om-catalogue")
    panel.locator(".om-catalogue-open").click()
    panel.locator("select[name=parameter]").select_option("w01018")
    table = panel.locator("table.om-catalogue-rows[data-parameter=w01018]")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == len(expected)
    first = rows.first
    assert first.get_attribute("data-credit-code") == expected[0][0]
    assert expected[0][1] in first.inner_text()
    measured = first.locator(".om-measured").inner_text()
    assert measured.startswith(f"{float(f'{expected[0][2]:.4g}'):g} {expected[0][3]} (在线 ")
    page.screenshot(path=str(artifacts_dir / "45-catalogue.png"))
    assert page.errors == []
