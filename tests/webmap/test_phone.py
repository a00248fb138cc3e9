"""The page on a phone (390 × 844 px, Jiangsu 7.1.2's mobile client): the map fills the screen,
every panel opens as a sheet from the bottom bar, works, and closes again, one at a time; popups
fit the screen; every target is at least 44 px. Screenshots go to the artifacts directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layers import REGISTRY
from layers.spec import Access

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000
MIN_TARGET_PX = 44
SHEETS = ("overview", "live", "layers", "legend", "tools", "search")
#: The share of the viewport, sampled on a grid, where what is under the finger is the map.
MAP_SHARE = """() => {
  const map = document.querySelector('.leaflet-container'), w = innerWidth, h = innerHeight;
  const panes = map.querySelector('.leaflet-map-pane');
  let on = 0, all = 0;
  for (let y = 2; y < h; y += 8) for (let x = 2; x < w; x += 8) {
    const el = document.elementFromPoint(x, y);
    all += 1;
    if (el && (el === map || panes.contains(el))) on += 1;
  }
  return on / all;
}"""
#: Visible buttons, inputs and selects of the open sheet and the bar smaller than a thumb.
SMALL_TARGETS = """(min) => [...document.querySelectorAll(
    '.om-panel.om-open button, .om-panel.om-open select, .om-panel.om-open input,'
    + ' .om-panel.om-open .om-search-results li, .om-bar button, .leaflet-control-zoom a')]
  .filter((el) => el.offsetParent && getComputedStyle(el).visibility !== 'hidden')
  .map((el) => {
    const target = el.type === 'checkbox' || el.type === 'radio' ? el.closest('label') || el : el;
    const r = target.getBoundingClientRect();
    return [el.outerHTML.slice(0, 80), Math.round(r.width), Math.round(r.height)];
  })
  .filter(([, w, h]) => h < min || w < min)"""


def _inside_viewport(page: Any, selector: str) -> bool:
    return page.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
          const bar = document.querySelector('.om-bar').getBoundingClientRect();
          return r.left >= 0 && r.top >= 0 && r.right <= innerWidth
            && r.bottom <= bar.top + 1; }""",
        selector,
    )


@pytest.fixture(scope="module")
def phone(site_url: str, browser_context: Any) -> Iterator[Any]:
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size(PHONE)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(site_url + "/")
    page.wait_for_selector(".leaflet-container[data-ready][data-overview]")
    page.wait_for_function(
        "!window.onemap.moving && Object.values(window.onemap.layers).every((s) => !s.loading)"
    )
    yield page
    page.close()
    assert errors == []


def _open(page: Any, sheet: str) -> Any:
    page.locator(f'.om-bar button[data-panel="{sheet}"]').click()
    panel = page.locator(f'.om-panel.om-open[data-panel="{sheet}"]')
    panel.wait_for()
    assert page.locator(".om-panel.om-open").count() == 1, "one sheet at a time"
    return panel


def _close(page: Any, sheet: str) -> None:
    page.locator(f'.om-panel[data-panel="{sheet}"] .om-panel-toggle').click()
    page.locator(f'.om-panel[data-panel="{sheet}"]').wait_for(state="hidden")
    assert page.locator(".om-panel.om-open").count() == 0


def test_with_the_sheets_closed_the_map_fills_the_screen(phone: Any, artifacts_dir: Path) -> None:
    assert page_share(phone) >= 0.85
    for sheet in SHEETS:  # every panel is behind the bar, none over the map
        assert not phone.locator(f'.om-panel[data-panel="{sheet}"]').is_visible()
    assert phone.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    phone.screenshot(path=str(artifacts_dir / "phone-00-map.png"))


def page_share(page: Any) -> float:
    return float(page.evaluate(MAP_SHARE))


def test_the_overview_sheet_shows_the_park_at_a_glance(phone: Any, artifacts_dir: Path) -> None:
    panel = _open(phone, "overview")
    assert panel.locator("[data-total=month]").inner_text().isdigit()
    assert panel.locator(".om-ov-worst .om-aqi").count() == 1
    assert panel.locator("svg.om-spark").count() == 2
    assert _inside_viewport(phone, ".om-panel.om-open")
    assert phone.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    phone.screenshot(path=str(artifacts_dir / "phone-01-overview.png"))
    _close(phone, "overview")


def test_a_phone_opens_with_the_overview_layers_and_a_link_may_ask_for_more(
    phone: Any, site_url: str
) -> None:
    on = "() => Object.values(window.onemap.layers).filter((s) => window.onemap.map"
    on += ".hasLayer(s.holder)).map((s) => s.cfg.id)"
    expected = [
        layer.id
        for layer in REGISTRY
        if layer.geometry is not None
        and layer.access is Access.PUBLIC
        and (layer.style.visible if layer.style.on_phone is None else layer.style.on_phone)
    ]
    assert sorted(phone.evaluate(on)) == sorted(expected)
    assert "cameras" not in expected and "enterprises" in expected
    # a link sent from a desktop names its layers: the phone shows those
    phone.goto(site_url + "/#layers=enterprises,cameras")
    phone.wait_for_selector(".leaflet-container[data-ready]")
    phone.wait_for_function("window.onemap.map.hasLayer(window.onemap.layers.cameras.holder)")
    assert sorted(phone.evaluate(on)) == ["cameras", "enterprises"]


def test_the_layers_sheet_switches_a_layer_on_and_off(phone: Any, artifacts_dir: Path) -> None:
    panel = _open(phone, "layers")
    checkbox = panel.locator('label:has([data-layer="exceedances"]) input')
    checkbox.check()
    phone.wait_for_function("window.onemap.layers.exceedances.count > 0")
    assert phone.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    phone.screenshot(path=str(artifacts_dir / "phone-02-layers.png"))
    panel.locator('label:has([data-layer="exceedances"]) input').uncheck()
    phone.wait_for_function("!window.onemap.map.hasLayer(window.onemap.layers.exceedances.holder)")
    _close(phone, "layers")


def test_the_legend_sheet_explains_the_colours(phone: Any, artifacts_dir: Path) -> None:
    panel = _open(phone, "legend")
    assert "重大" in panel.inner_text()
    assert _inside_viewport(phone, ".om-panel.om-open")
    phone.screenshot(path=str(artifacts_dir / "phone-03-legend.png"))
    _close(phone, "legend")


def test_the_tools_sheet_screens_the_park(phone: Any, artifacts_dir: Path) -> None:
    panel = _open(phone, "tools")
    panel.locator('button[data-tool="screen-park"]').click()
    panel.locator(".om-result table.om-table tbody tr").first.wait_for()
    assert phone.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    phone.screenshot(path=str(artifacts_dir / "phone-04-tools.png"))
    panel.locator('button[data-tool="clear"]').click()
    _close(phone, "tools")


def test_the_search_sheet_finds_an_enterprise_and_its_popup_fits(
    phone: Any, artifacts_dir: Path
) -> None:
    name = phone.evaluate(
        "window.onemap.layers.enterprises.holder.getLayers()[0].feature.properties.name"
    )
    panel = _open(phone, "search")
    search = panel.locator("input")
    search.fill(name[:4])
    search.press("Enter")
    hit = panel.locator(".om-search-results li", has_text=name).first
    hit.wait_for()
    assert phone.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    phone.screenshot(path=str(artifacts_dir / "phone-05-search.png"))
    hit.click()
    # the sheet gives the map back and the popup opens inside the screen, above the bar
    phone.locator(".leaflet-popup .om-popup h4", has_text=name).wait_for()
    assert phone.locator(".om-panel.om-open").count() == 0
    phone.wait_for_function("!window.onemap.moving")
    phone.wait_for_function(
        "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    assert _inside_viewport(phone, ".leaflet-popup-content-wrapper")
    phone.screenshot(path=str(artifacts_dir / "phone-06-popup.png"))
    phone.keyboard.press("Escape")


def test_a_sheet_replaces_the_open_one_and_the_bar_closes_it(phone: Any) -> None:
    _open(phone, "overview")
    _open(phone, "legend")  # the overview closes
    assert not phone.locator('.om-panel[data-panel="overview"]').is_visible()
    phone.locator('.om-bar button[data-panel="legend"]').click()  # the same button again
    phone.locator('.om-panel[data-panel="legend"]').wait_for(state="hidden")
    assert page_share(phone) >= 0.85
