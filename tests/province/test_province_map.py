"""The provincial map in headless Chromium: two parks harvested (park B's hazardous chemicals
with its token), served by the province's own ``onemap serve``; the park filter shows one park's
features or all, the table of parks carries their figures, and an internal layer harvested
with a park's token stays the province staff's."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from accounts import store
from province.harvest import add_park, harvest

CHROMIUM = os.environ.get("ONEMAP_CHROMIUM", "/usr/bin/chromium")
#: where the screenshot goes (as tests/webmap's: ONEMAP_TEST_ARTIFACTS, else ignored by git)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 30_000


@pytest.fixture
def province_site(
    parks: dict[str, tuple[str, str]],
    province: sa.Engine,
    onemap_server: Callable[[str], str],
) -> tuple[str, dict[str, str]]:
    """``(site root, {name: bearer token of the province's own accounts})`` of the province,
    served after harvesting both parks (park B's internal chemicals layer with its token)."""
    park_b = sa.create_engine(parks["PARK-B"][1])
    store.add_role(park_b, "province", ["read:hazardous_chemicals"], "省级汇聚", "province")
    store.add_user(park_b, "jiangsu", "province")
    _, token = store.create_token(park_b, "jiangsu")
    park_b.dispose()
    with province.begin() as connection:
        for code, (root, _) in parks.items():
            add_park(connection, code, root, token if code == "PARK-B" else None)
    report = harvest(province)
    assert not report.failed and report.read[("PARK-B", "hazardous_chemicals")] > 0
    with province.begin() as connection:
        store.ensure_shipped_roles(connection)
    store.add_user(province, "officer", "staff")
    tokens = {"staff": store.create_token(province, "officer")[1]}
    api = onemap_server(province.url.render_as_string(hide_password=False))
    return api.removesuffix("/ogcapi"), tokens


@pytest.fixture
def page(province_site: tuple[str, dict[str, str]]) -> Iterator[Any]:
    """A headless Chromium page (Debian's chromium, as tests/webmap drives it)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} not found: run `make setup`"
    profile = tempfile.mkdtemp(prefix="onemap-province-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
            viewport={"width": 1400, "height": 900},
            locale="zh-CN",
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def _get(url: str, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


class Loads:
    """Waits for the page's next finished load: province.js removes ``data-ready`` from the
    body when a load starts and sets it to the load's number when every layer has arrived.
    (A selector, not a JavaScript predicate: the page runs under its strict CSP, which
    forbids the eval Playwright's predicates need.)"""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.last = "0"

    def counts(self) -> dict[str, int]:
        """Features drawn per layer once the load after the last one has finished."""
        selector = f'body[data-ready]:not([data-ready="{self.last}"])'
        self.page.wait_for_selector(selector, state="attached", timeout=TIMEOUT_MS)
        self.last = str(self.page.get_attribute("body", "data-ready"))
        return dict(self.page.evaluate("window.provinceMap.counts"))


def test_the_park_filter(page: Any, province_site: tuple[str, dict[str, str]]) -> None:
    site, _ = province_site
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(f"{site}/province")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    loads = Loads(page)
    everything = loads.counts()
    # anonymous: the public layers only; the chemicals harvested with B's token are not offered
    assert everything == {"stations": 56, "enterprises": 120}
    assert page.locator("#pv-layer-hazardous_chemicals").count() == 0
    drawn = page.locator("path.pv-stations").count() + page.locator("path.pv-enterprises").count()
    assert drawn == 176
    rows = page.locator("#pv-parks tbody tr")
    assert rows.count() == 2
    assert rows.nth(1).locator("td").nth(0).inner_text() == "PARK-B"
    assert rows.nth(1).locator("td").nth(1).inner_text() == "120"
    page.select_option("#pv-park", "PARK-A")
    assert loads.counts() == {"stations": 28, "enterprises": 0}
    assert page.locator("path.pv-stations").count() == 28
    assert page.locator("path.pv-enterprises").count() == 0
    # a click on a park's row of the table chooses it too, and a popup names the park
    rows.nth(1).click()
    assert loads.counts() == {"stations": 28, "enterprises": 120}
    assert page.locator("#pv-park").input_value() == "PARK-B"
    # a layer switched off is not loaded
    page.locator("#pv-layer-enterprises").uncheck()
    assert loads.counts() == {"stations": 28}
    page.locator("path.pv-stations").first.click()  # no enterprise drawn over it now
    assert "PARK-B" in page.locator(".leaflet-popup-content").inner_text(timeout=TIMEOUT_MS)
    page.select_option("#pv-park", "")
    assert loads.counts() == {"stations": 56}
    assert page.locator("#pv-status").inner_text().startswith("显示 56 个要素")
    artifacts = Path(os.environ.get("ONEMAP_TEST_ARTIFACTS") or ARTIFACTS) / "province"
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "province-map.png"))
    assert errors == []


def test_shared_layer_is_the_staffs(province_site: tuple[str, dict[str, str]]) -> None:
    site, tokens = province_site
    items = f"{site}/province/collections/hazardous_chemicals/items"
    assert _get(items)[0] == 404  # it does not exist for the anonymous
    status, body = _get(items, tokens["staff"])
    assert status == 200 and body["numberReturned"] > 0
    assert {f["properties"]["park_code"] for f in body["features"]} == {"PARK-B"}
    status, parks = _get(f"{site}/province/parks", tokens["staff"])
    assert "hazardous_chemicals" in {layer["id"] for layer in parks["layers"]}
    assert _get(f"{site}/province/collections/stations/items?limit=0")[0] == 400
    status, one = _get(f"{site}/province/collections/stations/items?park=PARK-A&limit=5")
    assert (status, one["numberReturned"], one["truncated"]) == (200, 5, True)
