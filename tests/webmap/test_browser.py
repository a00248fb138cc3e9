"""The page in a real browser: headless Chromium against the served demo park.

One page is opened for the module and the tests go through it in order, as a user would: the
default layers draw, the layer control lists every layer, a layer is switched on, a popup opens
with its deep link, the language switches, a search finds an enterprise, and the receptor
screening draws its ring and table. Every request the page makes must go to the app itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from layers import REGISTRY
from layers.spec import GROUP_TITLES, Access

#: The page's layers: public ones with a geometry (internal ones join a signed-in user's page).
GEOMETRIC = [
    layer for layer in REGISTRY if layer.geometry is not None and layer.access is Access.PUBLIC
]
HAN = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT_MS = 20_000
#: The container point of the layer's feature farthest from any other drawn point, away from the
#: controls: a real click there hits that feature.
LONELY_FEATURE = """(id) => {
  const app = window.onemap, map = app.map, size = map.getSize();
  const at = (l) => map.latLngToContainerPoint(l.getLatLng());
  const others = Object.values(app.layers)
    .filter((s) => s.cfg.id !== id && map.hasLayer(s.holder))
    .flatMap((s) => s.holder.getLayers()).filter((l) => l.getLatLng);
  let best = null;
  for (const m of app.layers[id].holder.getLayers()) {
    const p = at(m);
    if (p.x < 300 || p.x > size.x - 300 || p.y < 50 || p.y > size.y - 50) continue;
    const gap = Math.min(...others.map((o) => p.distanceTo(at(o))), 1e9);
    if (!best || gap > best.gap) best = { x: p.x, y: p.y, gap };
  }
  return best;
}"""


class PageLog:
    """Everything the page asked for and everything that went wrong."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []


@pytest.fixture(scope="module")
def opened(site_url: str, browser_context: Any) -> Iterator[tuple[Any, PageLog]]:
    page = browser_context.new_page()
    log = PageLog()
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("requestfailed", lambda r: log.failed.append(f"{r.url} {r.failure}"))
    page.on(
        "response", lambda r: log.failed.append(f"{r.url} {r.status}") if r.status >= 400 else None
    )
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(site_url + "/")
    yield page, log
    page.close()


def _origin(page: Any) -> str:
    """``http://HOST:PORT`` of the page (its URL also holds the deep link's fragment)."""
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


def _count(page: Any, layer_id: str) -> int:
    return int(page.evaluate(f"window.onemap.layers[{layer_id!r}].count"))


#: Resolves after the browser has painted twice (the canvas redraws on an animation frame).
TWO_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _settle(page: Any) -> None:
    """Wait until the map stands still, no layer is loading (after a move, the layers reload
    for the new view), no closed popup is still fading out, and the canvas has been drawn.

    Leaflet keeps a closed popup in the DOM for its 200 ms fade-out; a locator of
    ``.leaflet-popup`` taken in that window may match the closing popup instead of the new one,
    which made the ready-trace test fail by chance under load.
    """
    page.wait_for_function(
        "window.onemap && !window.onemap.moving"
        " && Object.values(window.onemap.layers).every((s) => !s.loading)"
        " && document.querySelectorAll('.leaflet-popup').length <= 1"
    )
    page.evaluate(TWO_FRAMES)


def _wait_drawn(page: Any, layer_id: str) -> None:
    page.wait_for_function(
        f"window.onemap && window.onemap.layers[{layer_id!r}].count > 0", timeout=TIMEOUT_MS
    )


def test_default_layers_draw(opened: tuple[Any, PageLog], artifacts_dir: Path) -> None:
    page, _ = opened
    page.wait_for_selector(".leaflet-container[data-ready]")
    zoom = page.evaluate("window.onemap.map.getZoom()")
    for layer in GEOMETRIC:
        if layer.style.visible and (layer.style.min_zoom or 0) <= zoom:
            _wait_drawn(page, layer.id)
    # drawn on the canvas, not only fetched
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    assert page.evaluate("window.onemap.layers.enterprises.holder.getLayers().length") > 0
    page.screenshot(path=str(artifacts_dir / "01-default-layers.png"))


def test_the_layer_control_lists_every_layer_in_its_group(opened: tuple[Any, PageLog]) -> None:
    page, _ = opened
    control = page.locator(".om-layer-control")
    for layer in GEOMETRIC:
        label = control.locator(f'[data-layer="{layer.id}"]')
        assert label.count() == 1, layer.id
        assert layer.zh in label.inner_text()
        group = control.locator(f'[data-group="{layer.group.value}"]')
        assert group.inner_text().strip() == GROUP_TITLES[layer.group][0]


def test_the_legend_explains_the_colours(opened: tuple[Any, PageLog]) -> None:
    page, _ = opened
    legend = page.locator(".om-legend")
    assert legend.is_visible()
    for layer in GEOMETRIC:
        assert legend.locator(f'[data-layer="{layer.id}"]').count() == 1
    text = legend.inner_text()
    assert "重大" in text and "较大" in text and "一般" in text  # HJ 941 risk levels


def test_toggling_a_layer_shows_its_features(opened: tuple[Any, PageLog]) -> None:
    page, _ = opened
    hidden = next(layer for layer in GEOMETRIC if not layer.style.visible)
    assert _count(page, hidden.id) == 0
    checkbox = page.locator(f'.om-layer-control label:has([data-layer="{hidden.id}"]) input')
    checkbox.check()
    if hidden.style.min_zoom:
        page.evaluate(
            f"void window.onemap.map.setZoom({hidden.style.min_zoom + 1}, {{animate: false}})"
        )
    _wait_drawn(page, hidden.id)
    page.locator(f'.om-layer-control label:has([data-layer="{hidden.id}"]) input').uncheck()
    page.wait_for_function(
        f"!window.onemap.map.hasLayer(window.onemap.layers[{hidden.id!r}].holder)"
    )
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)


def test_a_popup_opens_with_chinese_titles_and_its_deep_link(
    opened: tuple[Any, PageLog], artifacts_dir: Path
) -> None:
    page, _ = opened
    layer = next(x for x in GEOMETRIC if x.geometry == ("POINT",) and x.style.visible)
    _wait_drawn(page, layer.id)
    _settle(page)
    # the feature of this layer drawn on top nowhere near another one: click where it is
    point = page.evaluate(LONELY_FEATURE, layer.id)
    assert point is not None, "a feature in view"
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    popup = page.locator(".leaflet-popup .om-popup")
    popup.wait_for()
    assert popup.get_attribute("data-layer") == layer.id
    titles = popup.locator("th").all_inner_texts()
    assert titles and all(HAN.search(t) for t in titles)
    link = popup.locator("a.om-api").get_attribute("href")
    assert re.fullmatch(rf"/ogcapi/collections/{layer.id}/items/\d+\?f=json", link)
    # the popup fades in (a CSS transition of its opacity)
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    page.screenshot(path=str(artifacts_dir / "02-popup.png"))
    response = page.request.get(_origin(page) + link.split("?")[0])
    assert response.status == 200
    assert response.json()["id"] is not None


#: Open the popup of the layer's first feature whose ``type`` is ``kind`` the way search does.
OPEN_POPUP_OF_TYPE = """([id, kind]) => {
  const app = window.onemap, state = app.layers[id];
  const hit = state.holder.getLayers().find((l) => l.feature && l.feature.properties.type === kind);
  if (!hit) return null;
  app.show(state.cfg, hit.feature);
  return hit.feature.properties.code;
}"""


def test_a_station_popup_links_its_plots(opened: tuple[Any, PageLog]) -> None:
    page, _ = opened
    _wait_drawn(page, "stations")
    _settle(page)
    for kind, plots in (("air", {"series", "cpf"}), ("met", {"series", "windrose"})):
        code = page.evaluate(OPEN_POPUP_OF_TYPE, ["stations", kind])
        assert code, f"a {kind} station on the map"
        popup = page.locator(".leaflet-popup .om-popup", has_text=code)
        popup.wait_for()
        links = popup.locator("a.om-plot")
        hrefs = {
            links.nth(i).get_attribute("data-kind"): links.nth(i).get_attribute("href")
            for i in range(links.count())
        }
        assert set(hrefs) == plots, hrefs
        assert hrefs["series"].startswith(f"/plots/stations/{code}/series.svg")
        if kind == "air":
            assert hrefs["series"].endswith("?parameter=a34004")
            assert hrefs["cpf"].endswith("?parameter=a21026")
        for href in hrefs.values() if kind == "air" else [hrefs["windrose"]]:
            response = page.request.get(_origin(page) + href)
            assert response.status == 200, (href, response.text()[:300])
            assert response.headers["content-type"].split(";")[0] == "image/svg+xml"
            assert b"<svg" in response.body()[:2000]
    page.keyboard.press("Escape")
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)


def test_the_language_switches_to_english_and_back(opened: tuple[Any, PageLog]) -> None:
    page, _ = opened
    page.keyboard.press("Escape")
    page.locator(".om-lang").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    control = page.locator(".om-layer-control")
    for layer in GEOMETRIC:
        assert layer.en in control.locator(f'[data-layer="{layer.id}"]').inner_text()
        group = control.locator(f'[data-group="{layer.group.value}"]')
        assert group.inner_text().strip() == GROUP_TITLES[layer.group][1]
    assert "Legend" in page.locator(".om-legend").inner_text()
    page.locator(".om-lang").click()
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    assert "图例" in page.locator(".om-legend").inner_text()


def test_search_finds_an_enterprise_by_name_and_by_credit_code(
    opened: tuple[Any, PageLog],
) -> None:
    page, _ = opened
    first = page.evaluate(
        "window.onemap.layers.enterprises.holder.getLayers()[0].feature.properties"
    )
    search = page.locator(".om-search input")
    for text in (first["name"][:4], first["credit_code"]):
        search.fill(text)
        search.press("Enter")
        hit = page.locator(".om-search-results li", has_text=first["name"]).first
        hit.wait_for()
    hit.click()
    page.locator(".leaflet-popup .om-popup h4", has_text=first["name"]).wait_for()


def test_receptor_screening_draws_the_ring_and_the_table(
    opened: tuple[Any, PageLog], artifacts_dir: Path
) -> None:
    page, _ = opened
    page.keyboard.press("Escape")
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)
    page.locator('.om-tools button[data-tool="screen"]').click()
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".om-result table.om-table tbody tr").first.wait_for()
    assert page.locator("path.om-ring").count() == 1
    assert page.locator(".om-result a.om-xlsx").count() == 1
    page.screenshot(path=str(artifacts_dir / "03-receptor-screening.png"))


def _run_tool_at_the_park_centre(page: Any, tool: str) -> None:
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)
    page.locator(f'.om-tools button[data-tool="{tool}"]').click()
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_air_tracing_draws_sectors_trajectory_and_ranked_sources(
    opened: tuple[Any, PageLog], artifacts_dir: Path
) -> None:
    page, _ = opened
    _run_tool_at_the_park_centre(page, "air")
    page.locator(".om-result table.om-table caption", has_text="后向轨迹").wait_for()
    assert page.locator("path.om-sector").count() > 0
    assert page.locator("path.om-trajectory").count() == 1
    ranks = page.locator(".om-result table.om-table").first.locator("tbody tr td:first-child")
    assert ranks.all_inner_texts()[:3] == ["1", "2", "3"]
    page.screenshot(path=str(artifacts_dir / "04-air-trace.png"))


def test_network_trace_highlights_the_network(
    opened: tuple[Any, PageLog], artifacts_dir: Path
) -> None:
    page, _ = opened
    _run_tool_at_the_park_centre(page, "network")
    page.locator(".om-result table.om-table caption", has_text="候选污染源").wait_for()
    assert page.locator("path.om-trace").count() > 0
    page.screenshot(path=str(artifacts_dir / "05-network-trace.png"))


#: The biggest cluster of the layer in view, away from the controls: where it is on screen, how
#: many points it holds, and one of them (kept on window to ask after the click).
BIGGEST_CLUSTER = """(id) => {
  const app = window.onemap, map = app.map, size = map.getSize(), holder = app.layers[id].holder;
  let best = null;
  holder._featureGroup.eachLayer((l) => {
    if (!(l instanceof L.MarkerCluster)) return;
    const p = map.latLngToContainerPoint(l.getLatLng());
    if (p.x < 300 || p.x > size.x - 300 || p.y < 80 || p.y > size.y - 80) return;
    if (!best || l.getChildCount() > best.getChildCount()) best = l;
  });
  if (!best) return null;
  window.__cluster = best;
  window.__member = best.getAllChildMarkers()[0];
  const p = map.latLngToContainerPoint(best.getLatLng());
  return { x: p.x, y: p.y, count: best.getChildCount(), zoom: map.getZoom() };
}"""


EXPANDED = """() => {
  const cluster = window.__cluster, member = window.__member;
  if (cluster._icon) return false;
  if (member._map) return true;
  let shown = member.__parent;
  while (shown && !shown._icon) shown = shown.__parent;
  return !!shown && shown.getChildCount() < cluster.getChildCount();
}"""


def test_a_clustered_layer_draws_clusters_and_a_click_expands_one(
    opened: tuple[Any, PageLog], artifacts_dir: Path
) -> None:
    page, _ = opened
    page.keyboard.press("Escape")
    layer = next(x for x in GEOMETRIC if x.style.cluster)
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)
    page.locator(f'.om-layer-control label:has([data-layer="{layer.id}"]) input').check()
    page.evaluate(f"void window.onemap.map.setZoom({layer.style.min_zoom}, {{animate: false}})")
    _wait_drawn(page, layer.id)
    _settle(page)
    assert page.locator(".leaflet-marker-pane .marker-cluster").count() > 0
    cluster = page.evaluate(BIGGEST_CLUSTER, layer.id)
    assert cluster is not None and cluster["count"] > 1, cluster
    page.screenshot(path=str(artifacts_dir / "06-clusters.png"))

    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + cluster["x"], box["y"] + cluster["y"])
    page.wait_for_function(f"window.onemap.map.getZoom() > {cluster['zoom']}")
    _settle(page)
    # that cluster is gone, and its point is drawn itself or within a smaller cluster
    page.wait_for_function(EXPANDED)
    page.screenshot(path=str(artifacts_dir / "07-cluster-expanded.png"))
    page.locator(f'.om-layer-control label:has([data-layer="{layer.id}"]) input').uncheck()
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)


def test_items_requests_carry_the_compact_profile(opened: tuple[Any, PageLog]) -> None:
    _, log = opened
    items = [u for u in log.requests if "/items?" in u and "bbox=" in u]
    assert items
    for url in items:
        assert parse_qs(urlsplit(url).query)["profile"] == ["rel-as-key"], url


def _exceedance_with(page: Any, process: str) -> dict[str, Any]:
    """An exceedance whose ready trace is ``process``, as the page gets it."""
    query = f"f=json&limit=1&trace_process={process}&properties=trace_process,trace_inputs"
    response = page.request.get(_origin(page) + f"/ogcapi/collections/exceedances/items?{query}")
    assert response.status == 200, response.text()[:300]
    features = response.json()["features"]
    assert features, f"the demo has an exceedance calling for {process}"
    return features[0]


#: Whether what a person sees at the middle of the element is the element itself (nothing
#: covers it: no control, no other popup).
UNCOVERED = """(selector) => {
  const el = document.querySelector(selector), r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!hit && (hit === el || el.contains(hit));
}"""

#: Every control's box that the open popup overlaps.
POPUP_UNDER_CONTROLS = """() => {
  const box = document.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
  return [...document.querySelectorAll('.leaflet-control')].filter((c) => c.offsetParent)
    .map((c) => [c.className, c.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.right && box.left < r.right && r.top < box.bottom
      && box.top < r.bottom).map(([name]) => name);
}"""


def test_a_popup_opened_beside_a_control_is_panned_clear_of_it(
    opened: tuple[Any, PageLog],
) -> None:
    page, _ = opened
    page.keyboard.press("Escape")
    _settle(page)
    feature = _exceedance_with(page, "network-trace")
    # open its popup where the tools panel is (left, halfway down), as a click there would
    page.evaluate(
        """(f) => { const app = window.onemap, map = app.map;
          const tools = document.querySelector('.om-tools').getBoundingClientRect();
          const origin = map.getContainer().getBoundingClientRect();
          const at = map.containerPointToLatLng([tools.left + 30 - origin.left,
                                                 tools.bottom - 20 - origin.top]);
          app.openPopup(app.layers.exceedances.cfg, f, at); }""",
        feature,
    )
    page.locator(".leaflet-popup .om-popup button.om-run-trace").wait_for()
    _settle(page)
    assert page.evaluate(POPUP_UNDER_CONTROLS) == []
    assert page.evaluate(UNCOVERED, ".leaflet-popup .om-popup button.om-run-trace")
    page.keyboard.press("Escape")


@pytest.mark.parametrize(
    ("process", "drawn", "caption"),
    [
        ("wind-sector-trace", "path.om-sector", "上风向扇区"),
        ("network-trace", "path.om-trace", "候选污染源"),
    ],
)
def test_an_exceedance_popup_runs_its_ready_trace(
    opened: tuple[Any, PageLog], artifacts_dir: Path, process: str, drawn: str, caption: str
) -> None:
    page, _ = opened
    page.locator('.om-tools button[data-tool="clear"]').click()
    feature = _exceedance_with(page, process)
    page.evaluate(
        "(f) => { const app = window.onemap; return app.show(app.layers.exceedances.cfg, f); }",
        feature,
    )
    _settle(page)
    button = page.locator(".leaflet-popup .om-popup button.om-run-trace")
    assert page.evaluate(UNCOVERED, ".leaflet-popup .om-popup button.om-run-trace")
    assert button.inner_text() == "运行溯源分析"
    with page.expect_request(f"**/processes/{process}/execution") as request:
        button.click()
    assert request.value.method == "POST"
    assert request.value.post_data_json == {
        "inputs": json.loads(feature["properties"]["trace_inputs"])
    }
    page.locator(".om-result table.om-table caption", has_text=caption).wait_for()
    assert page.locator(drawn).count() > 0
    page.screenshot(path=str(artifacts_dir / f"08-exceedance-{process}.png"))


def test_screening_the_park_draws_its_buffer_not_a_circle(opened: tuple[Any, PageLog]) -> None:
    page, _ = opened
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)
    page.locator('.om-tools button[data-tool="screen-park"]').click()
    page.locator(".om-result table.om-table tbody tr").first.wait_for()
    assert page.locator("path.om-ring").count() >= 1
    # the ring lies 5 km beyond the park's boundary on every side (a circle around the park's
    # centre would not): compare the extents in metres
    gaps = page.evaluate(
        """() => { const app = window.onemap;
          const ring = app.tools.result.getLayers()[0].getBounds();
          const park = app.layers.park.holder.getBounds();
          const c = park.getCenter(), m = (a, b) => app.map.distance(a, b);
          return [m([ring.getNorth(), c.lng], [park.getNorth(), c.lng]),
                  m([ring.getSouth(), c.lng], [park.getSouth(), c.lng]),
                  m([c.lat, ring.getEast()], [c.lat, park.getEast()]),
                  m([c.lat, ring.getWest()], [c.lat, park.getWest()])]; }"""
    )
    assert gaps == pytest.approx([5000.0] * 4, rel=0.01)


def test_the_receptor_table_downloads_as_xlsx(opened: tuple[Any, PageLog], tmp_path: Path) -> None:
    page, _ = opened
    shown = page.locator(".om-result table.om-table tbody tr").count()
    with page.expect_download() as download:
        page.locator(".om-result a.om-xlsx").click()
    assert download.value.suggested_filename == "receptor-screening.xlsx"
    path = tmp_path / "receptors.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[2]] == ["方向", "距离（m）", "敏感目标名称"]
    names = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[2]]
    table_names = page.locator(
        ".om-result table.om-table tbody tr td:nth-child(3)"
    ).all_inner_texts()
    assert len(table_names) == shown and names[: len(table_names)] == table_names


#: Start the network tool on a feature of ``layer`` as a click on it does; the request's inputs.
PICK_FEATURE = """([id, index, direction]) => {
  const app = window.onemap, state = app.layers[id];
  const feature = state.holder.getLayers().map((l) => l.feature).filter(Boolean)[index];
  app.tools.network.direction = direction;
  app.tools.mode = "network";
  const g = L.geoJSON(feature).getBounds().getCenter();
  app.tools.pick(g, state.cfg, feature);
  return feature.properties;
}"""


@pytest.mark.parametrize(
    ("layer_id", "direction", "network", "start_from"),
    [
        ("sewer_nodes", "upstream", "sewer", "code"),
        ("sewer_pipes", "upstream", "sewer", "to_node"),
        ("sewer_pipes", "downstream", "sewer", "from_node"),
        ("rivers", "downstream", "river", None),
    ],
)
def test_a_network_trace_starts_in_the_clicked_features_own_network(
    opened: tuple[Any, PageLog], layer_id: str, direction: str, network: str, start_from: str | None
) -> None:
    page, _ = opened
    page.keyboard.press("Escape")
    page.evaluate("window.onemap.fitToPark().then(() => null)")
    _settle(page)
    state = f"window.onemap.layers[{layer_id!r}]"
    page.evaluate(f"void {state}.holder.addTo(window.onemap.map)")
    zoom = next(x for x in GEOMETRIC if x.id == layer_id).style.min_zoom
    if zoom:
        page.evaluate(f"void window.onemap.map.setZoom({zoom}, {{animate: false}})")
    _wait_drawn(page, layer_id)
    _settle(page)
    with page.expect_request("**/processes/network-trace/execution") as request:
        props = page.evaluate(PICK_FEATURE, [layer_id, 0, direction])
    inputs = request.value.post_data_json["inputs"]
    assert inputs["network"] == network and inputs["direction"] == direction
    if start_from:
        assert inputs["start"] == f"node:{props[start_from]}"
    else:
        assert inputs["start"].startswith("point:")
    page.locator(".om-result table.om-table caption", has_text="候选污染源").wait_for()
    assert page.locator("path.om-trace").count() > 0
    page.evaluate(f"void {state}.holder.remove()")


def test_nothing_failed_and_nothing_left_the_app(
    opened: tuple[Any, PageLog], site_url: str
) -> None:
    _, log = opened
    app = urlsplit(site_url).netloc
    outside = [
        u for u in log.requests if urlsplit(u).scheme != "data" and urlsplit(u).netloc != app
    ]
    assert outside == []
    assert log.failed == []
    assert log.errors == []
