"""An enterprise's popup shows its one-enterprise-one-file completeness to a user the archive is
open to (an enterprise user for its own), in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import PASSWORD

TIMEOUT_MS = 20_000


@pytest.fixture
def page(site_url: str, browser_context: Any) -> Iterator[Any]:
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(site_url + "/")
    tab.wait_for_selector(".leaflet-container[data-ready]")
    tab.errors = errors
    yield tab
    tab.close()
    browser_context.clear_cookies()


def test_the_popup_counts_present_expired_and_missing_items(
    page: Any, demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    from onemap.database import engine_for

    with engine_for(demo_db_url).connect() as connection:
        name = connection.exec_driver_sql(
            "SELECT name FROM enterprises WHERE credit_code = %s",
            (demo_accounts["codes"]["ent_a"],),
        ).scalar_one()
    page.click(".om-sign-in-open")
    page.fill(".om-sign-in input[name=login]", "ent_a")
    page.fill(".om-sign-in input[name=password]", PASSWORD)
    page.click(".om-sign-in button[type=submit]")
    page.wait_for_selector(".om-account .om-login:has-text('ent_a')")
    page.locator(".om-mine a", has_text=name).first.click()
    archive = page.locator(".leaflet-popup .om-popup .om-archive p")
    archive.wait_for()
    counts = [
        int(page.locator(f".om-archive .om-archive-{s}").inner_text())
        for s in ("present", "expired", "missing")
    ]
    assert sum(counts) == 33
    assert "一企一档" in archive.inner_text()
    listed = page.locator(".om-archive li").count()
    assert listed == counts[1] + counts[2]
    assert page.errors == []
