"""Declaring and reviewing on the page, in headless Chromium, as the users would (Jiangsu 7.1.1,
7.4.6): an enterprise user declares a month of solid waste through the panel's form (a waste
code off the national list is refused next to its field), sees it submitted; staff return one
declaration with a reason and accept another; the enterprise sees the reason; the year's total
changes only with the accepted one. Only rows of 2002, which the demo never uses, are written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onemap.database import engine_for
from sources.declarations import solid_waste_year


@pytest.fixture
def page(page: Any, demo_db_url: str) -> Iterator[Any]:
    """The ready page (tests/webmap/conftest.py); the test's 2002 declarations removed after."""
    yield page
    with engine_for(demo_db_url).begin() as connection:
        connection.exec_driver_sql("DELETE FROM solid_waste WHERE period LIKE '2002-%%'")


def _sign_out(page: Any) -> None:
    page.click(".om-sign-out")
    page.wait_for_selector(".om-sign-in-open")


def _open_solid_waste(page: Any) -> Any:
    panel = page.locator(".om-declarations")
    panel.locator(".om-declarations-open").click()
    panel.locator("select[name=layer]").select_option("solid_waste")
    panel.locator(
        "table.om-declared[data-layer=solid_waste], .om-declarations-list p"
    ).first.wait_for()
    return panel


def _declare(panel: Any, month: str, generated_t: str, waste_code: str) -> None:
    panel.locator("button.om-declare").click()
    form = panel.locator("form.om-declaration-form")
    form.locator("input[name=period]").fill(month)
    form.locator("select[name=category]").select_option("hazardous")
    form.locator("input[name=waste_code]").fill(waste_code)
    form.locator("input[name=name]").fill("废包装物")
    form.locator("input[name=max_permitted_t_per_year]").fill("10")
    form.locator("input[name=generated_t]").fill(generated_t)
    form.locator("button[type=submit]").click()


def _row(panel: Any, month: str) -> Any:
    return panel.locator("table.om-declared tr[data-id]", has_text=month)


def _year(demo_db_url: str, credit: str) -> float:
    with engine_for(demo_db_url).connect() as connection:
        year = solid_waste_year(connection, 2002)
    return float(year.loc[year["credit_code"] == credit, "generated_t"].sum())


def test_an_enterprise_declares_and_staff_return_and_accept_on_the_page(
    sign_in: Any, page: Any, demo_accounts: dict[str, Any], demo_db_url: str, artifacts_dir: Path
) -> None:
    credit = demo_accounts["codes"]["ent_a"]
    assert page.locator(".om-declarations").is_hidden()  # anonymous: no panel
    sign_in(page, "ent_a")
    panel = _open_solid_waste(page)
    # its own credit code is filled in; a code off the national list is refused at its field
    _declare(panel, "2002-04", "0.5", "999-999-99")
    error = panel.locator(".om-field[data-field=waste_code] .om-field-error")
    page.wait_for_function(
        "document.querySelector('.om-field[data-field=waste_code] .om-field-error')"
        ".textContent.length > 0"
    )
    assert "999-999-99" in error.inner_text()
    assert panel.locator("input[name=credit_code]").input_value() == credit
    panel.locator("form.om-declaration-form input[name=waste_code]").fill("900-041-49")
    panel.locator("form.om-declaration-form button[type=submit]").click()
    _row(panel, "2002-04").wait_for()
    assert "已提交" in panel.locator(".om-declarations-message").inner_text()
    assert "已申报待审核" in _row(panel, "2002-04").locator(".om-review-state").inner_text()
    _declare(panel, "2002-05", "0.25", "900-041-49")
    _row(panel, "2002-05").wait_for()
    assert panel.locator("button.om-accept").count() == 0  # an enterprise reviews nothing
    page.screenshot(path=str(artifacts_dir / "40-declared.png"))
    assert _year(demo_db_url, credit) == 0.0  # submitted: not counted
    _sign_out(page)

    sign_in(page, "staff")
    panel = _open_solid_waste(page)
    waiting = _row(panel, "2002-05")
    waiting.wait_for()
    waiting.locator("input[name=reason]").fill("缺少转移联单")
    waiting.locator("button.om-return").click()
    waiting.wait_for(state="detached")  # no longer waiting
    _row(panel, "2002-04").locator("button.om-accept").click()
    _row(panel, "2002-04").wait_for(state="detached")
    assert _year(demo_db_url, credit) == pytest.approx(0.5)  # only the accepted month
    panel.locator(".om-declarations-tools select[name=state]").select_option("")
    page.wait_for_function(
        "[...document.querySelectorAll('.om-declared tr[data-id]')]"
        ".some((tr) => tr.textContent.includes('2002-04') && tr.dataset.state === 'accepted')"
    )
    page.screenshot(path=str(artifacts_dir / "41-reviewed.png"))
    _sign_out(page)

    sign_in(page, "ent_a")
    panel = _open_solid_waste(page)
    returned = _row(panel, "2002-05").locator(".om-review-state")
    returned.wait_for()
    assert returned.inner_text() == "已退回：缺少转移联单"
    assert _row(panel, "2002-04").get_attribute("data-state") == "accepted"
    assert page.errors == []
