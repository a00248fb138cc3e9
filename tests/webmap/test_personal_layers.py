"""A signed-in user's page (GET /page/layers): the internal layers the policy lets them read join
the map (staff see the clues, an enterprise user only its own), and public layers show the
private fields they may read, in headless Chromium. Signing out takes both away again (issue
10: internal layers on the page, private fields in one's own popups)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from onemap.database import engine_for

TIMEOUT_MS = 20_000
OFFERED = "(id) => !!window.onemap.layers[id]"
POPUP_FIELDS = "(id) => window.onemap.layers[id].cfg.popup"
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


def _clue(client: Any, staff: dict[str, str], code: str, text: str) -> dict[str, Any]:
    """A clue filed by staff about enterprise ``code``: the created feature."""
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
    feature: dict[str, Any] = made.get_json()
    return feature


def _enterprise(demo_db_url: str, code: str) -> dict[str, Any]:
    with engine_for(demo_db_url).connect() as connection:
        row = connection.execute(
            sa.text("SELECT id, name, phone FROM enterprises WHERE credit_code = :c"), {"c": code}
        ).mappings()
        return dict(row.one())


def _popup_text(page: Any, feature_id: int) -> str:
    # the last popup gone first (Leaflet fades a closed one out before removing it)
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    page.evaluate(
        """(fid) => fetch(`/ogcapi/collections/enterprises/items/${fid}?f=json`)
             .then((r) => r.json()).then((f) => window.onemap.show(
               window.onemap.layers.enterprises.cfg, f)).then(() => null)""",
        feature_id,
    )
    popup = page.locator(".leaflet-popup .om-popup[data-layer=enterprises]")
    popup.wait_for()
    text: str = popup.inner_text()
    page.evaluate("() => { window.onemap.map.closePopup(); }")
    return text


def test_staff_see_internal_layers_and_private_fields_until_they_sign_out(
    sign_in: Any, page: Any, demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    a = _enterprise(demo_db_url, demo_accounts["codes"]["ent_a"])
    assert a["phone"], "the demo's enterprises carry a phone number"
    # anonymous: no internal layer, no private field, not even asked for
    assert not page.evaluate(OFFERED, "clues")
    assert "phone" not in page.evaluate(POPUP_FIELDS, "enterprises")
    assert a["phone"] not in _popup_text(page, a["id"])

    sign_in(page, "staff")
    page.wait_for_function(OFFERED, arg="clues")
    assert page.locator(".om-layer-control .om-layer-name[data-layer=clues]").count() == 1
    assert page.locator(".om-legend-layer[data-layer=clues]").count() == 1
    assert "phone" in page.evaluate(POPUP_FIELDS, "enterprises")
    assert a["phone"] in _popup_text(page, a["id"])

    page.click(".om-sign-out")
    page.wait_for_selector(".om-sign-in-open")
    page.wait_for_function("(id) => !window.onemap.layers[id]", arg="clues")
    assert page.locator(".om-layer-control .om-layer-name[data-layer=clues]").count() == 0
    assert "phone" not in page.evaluate(POPUP_FIELDS, "enterprises")
    assert a["phone"] not in _popup_text(page, a["id"])
    assert page.errors == []


def test_a_link_to_a_clue_opens_for_staff_signed_in(
    sign_in: Any,
    page: Any,
    browser_context: Any,
    site_url: str,
    live_site: Any,
    demo_accounts: dict[str, Any],
) -> None:
    client = live_site[1].test_client()
    fid = _clue(
        client,
        demo_accounts["headers"]["staff"],
        demo_accounts["codes"]["ent_a"],
        "链接打开 / opened from a link",
    )["id"]
    sign_in(page, "staff")
    # a new tab on the link, with the session: the clue's layer is the user's, so it opens
    other = browser_context.new_page()
    other.set_default_timeout(TIMEOUT_MS)
    try:
        other.goto(f"{site_url}/#feature=clues/{fid}")
        popup = other.locator(".leaflet-popup .om-popup[data-layer=clues]")
        popup.wait_for()
        assert "链接打开" in popup.inner_text()
        assert other.locator(".om-link-note").count() == 0
    finally:
        other.close()


def test_an_enterprise_sees_its_own_private_fields_and_internal_rows_only(
    sign_in: Any, page: Any, demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    a = _enterprise(demo_db_url, demo_accounts["codes"]["ent_a"])
    b = _enterprise(demo_db_url, demo_accounts["codes"]["ent_b"])
    assert a["phone"] and b["phone"] and a["phone"] != b["phone"]
    sign_in(page, "ent_b")
    # internal layers join with its own rows only (read:*:own): its hazardous chemicals
    page.wait_for_function(OFFERED, arg="hazardous_chemicals")
    assert b["phone"] in _popup_text(page, b["id"])
    assert a["phone"] not in _popup_text(page, a["id"])
    # the layer's rows as the API gives them to this user: its own enterprise's only
    owners = page.evaluate(
        """async () => {
          const app = window.onemap, s = app.layers.hazardous_chemicals;
          const r = await fetch(app.itemsUrl(s.cfg, app.map.getBounds().pad(5)));
          const body = await r.json();
          return [...new Set(body.features.map((f) => f.properties.credit_code))];
        }"""
    )
    assert owners in ([], [demo_accounts["codes"]["ent_b"]])
    assert page.errors == []


def test_the_page_layers_need_a_signed_in_user(site_url: str, demo_accounts: Any) -> None:
    import requests

    anonymous = requests.get(site_url + "/page/layers", timeout=30)
    assert anonymous.status_code == 401
    staff = requests.get(
        site_url + "/page/layers", headers=demo_accounts["headers"]["staff"], timeout=30
    )
    assert staff.status_code == 200
    assert staff.headers["Cache-Control"] == "private, no-store"
    ids = {c["id"] for c in staff.json()["layers"]}
    assert {"clues", "inspections", "hazardous_chemicals", "enterprises"} <= ids


def test_staff_see_the_clues_on_the_map_and_lose_them_when_signing_out(
    sign_in: Any, page: Any, live_site: tuple[str, Flask], demo_accounts: dict[str, Any]
) -> None:
    client = live_site[1].test_client()
    case_no = _clue(
        client,
        demo_accounts["headers"]["staff"],
        demo_accounts["codes"]["ent_b"],
        "地图显示 / drawn for staff",
    )["properties"]["case_no"]
    assert page.locator(CLUES).count() == 0  # the public page has no clues
    assert page.evaluate("window.onemap.layers.clues === undefined")
    sign_in(page, "staff")
    page.locator(CLUES).first.wait_for()
    page.wait_for_function(f"() => ({DRAWN})().includes({case_no!r})")
    page.locator(".om-legend-layer[data-layer='clues']").wait_for(state="attached")
    page.click(".om-sign-out")
    page.locator(CLUES).first.wait_for(state="detached")
    assert page.evaluate("window.onemap.layers.clues === undefined")
    assert page.errors == []


def test_an_enterprise_user_sees_only_its_own_clues(
    sign_in: Any, page: Any, live_site: tuple[str, Flask], demo_accounts: dict[str, Any]
) -> None:
    client = live_site[1].test_client()
    staff, codes = demo_accounts["headers"]["staff"], demo_accounts["codes"]
    mine = _clue(client, staff, codes["ent_a"], "地图可见性 A / map visibility A")["properties"][
        "case_no"
    ]
    theirs = _clue(client, staff, codes["ent_b"], "地图可见性 B / map visibility B")["properties"][
        "case_no"
    ]
    sign_in(page, "ent_a")
    page.locator(CLUES).first.wait_for()
    page.wait_for_function(f"() => ({DRAWN})().includes({mine!r})")
    shown = page.evaluate(DRAWN)
    assert theirs not in shown
    assert page.errors == []
