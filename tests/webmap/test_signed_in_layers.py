"""The internal layers join the page of a signed-in user who may read them (GET /page/layers):
staff see the clues on the map, an enterprise user only its own, the public none; signing out
removes them. In headless Chromium against the demo park."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.conftest import PASSWORD

TIMEOUT_MS = 20_000
CLUES = '.om-layer-control .om-layer-name[data-layer="clues"]'
#: the case numbers of the clues drawn on the map
DRAWN = """() => {
  const out = [];
  const state = window.onemap.layers.clues;
  if (!state) return out;
  const visit = (x) => {
    if (x.feature) out.push(x.feature.properties.case_no);
    if (x.eachLayer) x.eachLayer(visit);
  };
  state.holder.eachLayer(visit);
  return out;
}"""


@pytest.fixture
def page(site_url: str, browser_context: Any) -> Iterator[Any]:
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(site_url + "/")
    tab.wait_for_selector(".leaflet-container[data-ready]")
    tab.errors = errors
    yield tab
    tab.close()
    browser_context.clear_cookies()


def _sign_in(page: Any, login: str) -> None:
    page.click(".om-sign-in-open")
    page.fill(".om-sign-in input[name=login]", login)
    page.fill(".om-sign-in input[name=password]", PASSWORD)
    page.click(".om-sign-in button[type=submit]")
    page.locator(".om-account .om-login", has_text=login).wait_for()


def _clue(client: Any, staff: dict[str, str], code: str, text: str) -> str:
    body = {
        "properties": {
            "source": "patrol",
            "clue_type": "odour",
            "occurred_at": "2026-12-01T20:00:00+08:00",
            "description": text,
            "credit_code": code,
        }
    }
    made = client.post("/ogcapi/collections/clues/cases", json=body, headers=staff)
    assert made.status_code == 201, made.get_data(as_text=True)
    return str(made.get_json()["properties"]["case_no"])


def test_staff_see_the_clues_on_the_map_and_lose_them_when_signing_out(
    page: Any, live_site: tuple[str, Flask], demo_accounts: dict[str, Any]
) -> None:
    client = live_site[1].test_client()
    case_no = _clue(
        client,
        demo_accounts["headers"]["staff"],
        demo_accounts["codes"]["ent_b"],
        "地图显示 / drawn for staff",
    )
    assert page.locator(CLUES).count() == 0  # the public page has no clues
    assert page.evaluate("window.onemap.layers.clues === undefined")
    _sign_in(page, "staff")
    page.locator(CLUES).first.wait_for()
    page.wait_for_function(f"() => ({DRAWN})().includes({case_no!r})")
    page.locator(".om-legend-layer[data-layer='clues']").wait_for(state="attached")
    page.click(".om-sign-out")
    page.locator(CLUES).first.wait_for(state="detached")
    assert page.evaluate("window.onemap.layers.clues === undefined")
    assert page.errors == []


def test_an_enterprise_user_sees_only_its_own_clues(
    page: Any, live_site: tuple[str, Flask], demo_accounts: dict[str, Any]
) -> None:
    client = live_site[1].test_client()
    staff, codes = demo_accounts["headers"]["staff"], demo_accounts["codes"]
    mine = _clue(client, staff, codes["ent_a"], "地图可见性 A / map visibility A")
    theirs = _clue(client, staff, codes["ent_b"], "地图可见性 B / map visibility B")
    _sign_in(page, "ent_a")
    page.locator(CLUES).first.wait_for()
    page.wait_for_function(f"() => ({DRAWN})().includes({mine!r})")
    shown = page.evaluate(DRAWN)
    assert theirs not in shown
    assert page.errors == []
