"""Deep links in a real browser: the URL's fragment holds the view, the layers on and the open
feature, and a link opened in another tab (as from a chat) restores all three."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

TIMEOUT_MS = 20_000
#: The fragment's fields as links.js reads them.
PARSED = "(hash) => OneMapLinks.parse(hash)"
#: What the page shows: its zoom and centre, the layers on and the open popup's layer and id.
SHOWN = """() => {
  const map = onemap.map, c = map.getCenter();
  const on = Object.values(onemap.layers)
    .filter((s) => map.hasLayer(s.holder)).map((s) => s.cfg.id);
  const popup = map._popup && map.hasLayer(map._popup) ? map._popup._onemap : null;
  return { zoom: map.getZoom(), lat: c.lat, lon: c.lng, on: on.sort(), popup };
}"""


def _first_feature(site_url: str, layer_id: str) -> dict[str, Any]:
    url = f"{site_url}/ogcapi/collections/{layer_id}/items?f=json&limit=1"
    with urllib.request.urlopen(url, timeout=30) as response:
        return dict(json.load(response)["features"][0])


@pytest.fixture()
def tab(browser_context: Any) -> Iterator[tuple[Any, list[str]]]:
    """A new tab, with the failed requests and errors it logs."""
    page = browser_context.new_page()
    problems: list[str] = []
    page.on(
        "response", lambda r: problems.append(f"{r.url} {r.status}") if r.status >= 400 else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.set_default_timeout(TIMEOUT_MS)
    yield page, problems
    page.close()


def _open(page: Any, url: str) -> None:
    page.goto("about:blank")  # a URL that differs only in its fragment would not reload the page
    page.goto(url)
    page.wait_for_function("window.onemap && window.onemap.ready")
    page.evaluate("() => onemap.ready")  # the view, the layers and the linked feature


def test_the_fragment_is_read_and_written_back_alike(
    site_url: str, tab: tuple[Any, list[str]]
) -> None:
    page, _ = tab
    _open(page, site_url + "/")
    link = "#map=15/22.51234/108.31234&layers=rivers,outfalls&feature=outfalls/7"
    parsed = page.evaluate(PARSED, link)
    assert parsed == {
        "view": {"zoom": 15, "lat": 22.51234, "lon": 108.31234},
        "layers": ["rivers", "outfalls"],
        "feature": {"layer": "outfalls", "id": "7"},
    }
    assert page.evaluate("(s) => OneMapLinks.format(s)", parsed) == link
    # malformed or out-of-range parts are ignored, not guessed at
    bad = page.evaluate(PARSED, "#map=40/95/200&layers=Robert');drop&feature=../etc")
    assert bad == {"view": None, "layers": [], "feature": None}
    # the page writes its own state back into the fragment once it is ready
    written = page.evaluate(PARSED, page.evaluate("location.hash"))
    shown = page.evaluate(SHOWN)
    assert written["view"]["zoom"] == shown["zoom"]
    assert sorted(written["layers"]) == shown["on"]
    assert written["feature"] is None


def test_a_link_opened_in_another_tab_restores_the_view_layers_and_popup(
    site_url: str, browser_context: Any, tab: tuple[Any, list[str]]
) -> None:
    page, problems = tab
    feature = _first_feature(site_url, "outfalls")
    lon, lat = feature["geometry"]["coordinates"][:2]
    _open(page, site_url + "/")
    # the sender: switch to two layers, centre on the outfall at zoom 16 and open its popup
    page.evaluate(
        """([lat, lon]) => {
          for (const s of Object.values(onemap.layers)) {
            const want = s.cfg.id === "rivers" || s.cfg.id === "outfalls";
            if (want && !onemap.map.hasLayer(s.holder)) s.holder.addTo(onemap.map);
            if (!want && onemap.map.hasLayer(s.holder)) onemap.map.removeLayer(s.holder);
          }
          onemap.map.setView([lat, lon], 16, { animate: false });
        }""",
        [lat, lon],
    )
    page.evaluate(
        """async (f) => {
          const cfg = onemap.config.layers.find((c) => c.id === "outfalls");
          await onemap.show(cfg, f, { keepView: true });
        }""",
        feature,
    )
    page.wait_for_function("location.hash.includes('feature=outfalls/')")
    link = page.evaluate("location.href")
    sent = page.evaluate(SHOWN)
    assert sent["on"] == ["outfalls", "rivers"]
    assert sent["popup"] == {"layer": "outfalls", "id": feature["id"]}

    # the receiver: a new tab opened on the link shows the same map
    other = browser_context.new_page()
    other.set_default_timeout(TIMEOUT_MS)
    try:
        _open(other, link)
        got = other.evaluate(SHOWN)
        assert got["zoom"] == sent["zoom"]
        assert got["on"] == sent["on"]
        assert got["popup"] == sent["popup"]
        # the centre within a few metres (the fragment keeps about a pixel's precision), unless
        # the popup's autopan moved the view to fit it
        popup = other.locator(".leaflet-popup .om-popup")
        popup.wait_for()
        assert popup.get_attribute("data-layer") == "outfalls"
        href = popup.locator("a.om-api").get_attribute("href")
        assert href.startswith(f"/ogcapi/collections/outfalls/items/{feature['id']}?")
        # closing the popup takes the feature out of the link; the view stays in it
        other.evaluate("() => { onemap.map.closePopup(); }")
        other.wait_for_function("!location.hash.includes('feature=')")
        assert "map=16/" in other.evaluate("location.hash")
    finally:
        other.close()
    assert problems == []


def test_a_link_to_what_this_user_may_not_read_is_refused_with_a_note(
    site_url: str, tab: tuple[Any, list[str]]
) -> None:
    page, problems = tab
    # an internal layer: the anonymous page does not offer it, so nothing is even asked for
    _open(page, site_url + "/#feature=hazardous_chemicals/1")
    note = page.locator(".om-link-note")
    note.wait_for()
    assert "无权" in note.inner_text()
    assert page.evaluate(SHOWN)["popup"] is None
    assert not any("hazardous_chemicals" in p for p in problems)
    assert "feature=" not in page.evaluate("location.hash")
    # a public layer's feature that does not exist: the API says 404 and the page says why
    _open(page, site_url + "/#layers=outfalls&feature=outfalls/999999999")
    page.locator(".om-link-note").wait_for()
    assert page.evaluate(SHOWN)["popup"] is None
    assert [p for p in problems if "/items/999999999" not in p] == []
