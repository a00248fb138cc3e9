"""The risk and emergency layers and the emergency-response tool on the page, in headless
Chromium: the group's layers with counts and legend, a click that draws the downwind sector and
the lists, the XLSX download, and no phone number or stream address in anything the page got."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from layers import REGISTRY
from layers.spec import GROUP_TITLES, Access, Group

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
RISK = [
    layer
    for layer in REGISTRY
    if layer.group is Group.RISK and layer.geometry and layer.access is Access.PUBLIC
]
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def page(site_url: str, browser_context: Any) -> Iterator[tuple[Any, list[str]]]:
    tab = browser_context.new_page()
    bodies: list[str] = []

    def keep(response: Any) -> None:
        kind = response.headers.get("content-type", "")
        if "json" in kind or "html" in kind:
            bodies.append(response.text())

    tab.on("response", keep)
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(site_url + "/")
    tab.wait_for_selector(".leaflet-container[data-ready]")
    yield tab, bodies
    tab.close()


def test_the_risk_group_holds_its_layers_with_counts_and_legend(
    page: tuple[Any, list[str]],
) -> None:
    tab, _ = page
    assert {layer.id for layer in RISK} >= {
        "hazard_sources", "emergency_supplies", "shelters", "emergency_teams",
        "risk_control_points", "facilities", "cameras",
    }  # fmt: skip
    group = tab.locator('.om-layer-control [data-group="risk"]')
    assert group.inner_text().strip() == GROUP_TITLES[Group.RISK][0]
    for layer in RISK:
        tab.wait_for_function(f"window.onemap.layers[{layer.id!r}].count > 0")
        label = tab.locator(f'.om-layer-control label:has([data-layer="{layer.id}"])')
        assert layer.zh in label.inner_text()
        assert label.locator(".om-count").inner_text().strip().isdigit()
        assert tab.locator(f'.om-legend [data-layer="{layer.id}"]').count() == 1
    assert "一级" in tab.locator('.om-legend [data-layer="hazard_sources"]').inner_text()


def test_a_click_draws_the_sector_and_the_lists_and_downloads_them(
    page: tuple[Any, list[str]], tmp_path: Path, artifacts_dir: Path
) -> None:
    tab, _ = page
    tab.evaluate("window.onemap.fitToPark().then(() => null)")
    tab.wait_for_function("Object.values(window.onemap.layers).every((s) => !s.loading)")
    tab.locator('.om-tools button[data-tool="emergency"]').click()
    box = tab.locator(".leaflet-container").bounding_box()
    with tab.expect_request("**/processes/emergency-response/execution") as request:
        tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    inputs = request.value.post_data_json["inputs"]
    # the browser's own zone (the test's Chromium runs in the machine's)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", inputs["time"])
    assert "site" in inputs
    tab.locator(".om-result p.om-summary").wait_for()
    assert tab.locator("path.om-sector").count() == 1
    captions = tab.locator(".om-result table.om-table caption").all_inner_texts()
    assert any(c.startswith("最近避难场所") for c in captions)
    assert any(c.startswith("最近应急物资库") for c in captions)
    tab.screenshot(path=str(artifacts_dir / "09-emergency-response.png"))
    with tab.expect_download() as download:
        tab.locator(".om-result a.om-xlsx").click()
    assert download.value.suggested_filename == "emergency-response.xlsx"
    saved = tmp_path / "er.xlsx"
    download.value.save_as(saved)
    assert openpyxl.load_workbook(saved).sheetnames[0] == "摘要 summary"


def test_no_phone_or_stream_address_reached_the_page(page: tuple[Any, list[str]]) -> None:
    _, bodies = page
    secrets = {"rtsp://"}
    for name in ("emergency_supplies", "emergency_teams", "cameras"):
        with (DEMO / f"{name}.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                secrets |= {v for k, v in row.items() if k in ("联系电话", "抓图地址") and v}
    assert len(secrets) > 10 and bodies
    for body in bodies:
        found = [s for s in secrets if s in body]
        assert found == [], found[:3]
