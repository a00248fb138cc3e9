"""The page as an installed app: its manifest and icons, and a shell that opens without a network
and says when the data it shows was fetched (headless Chromium with its service worker on; the
other page tests block service workers, so that what they see is the page alone)."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image

from tests.conftest import PASSWORD
from tests.webmap.conftest import CHROMIUM, CHROMIUM_ARGS

TIMEOUT_MS = 30_000
KEPT = "async () => (await (await caches.open('onemap-data')).keys()).map((r) => r.url)"


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def test_the_manifest_names_the_app_and_its_icons_exist(site_url: str) -> None:
    status, headers, body = _get(site_url + "/manifest.webmanifest")
    assert status == 200 and headers["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(body)
    assert "园区生态环境一张图" in manifest["name"] and manifest["start_url"] == "/"
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        status, headers, png = _get(site_url + icon["src"])
        assert status == 200 and headers["Content-Type"] == "image/png"
        width, height = Image.open(io.BytesIO(png)).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add(width)
    assert {192, 512} <= sizes  # what Chromium asks of an installable app
    # the page links the manifest; the worker is served at the root, never cached stale
    _, _, page = _get(site_url + "/")
    assert b'rel="manifest" href="/manifest.webmanifest"' in page
    status, headers, worker = _get(site_url + "/sw.js")
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    assert b"/*SETTINGS*/{}" not in worker and b'"shell": ["/", "/webmap/static/' in worker


@pytest.fixture()
def app_page(playwright_driver: Any) -> Iterator[tuple[Any, Any, list[str]]]:
    """A phone-sized page in a context of its own that lets the service worker run."""
    profile = tempfile.mkdtemp(prefix="onemap-chromium-app-")
    context = playwright_driver.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        bypass_csp=True,  # string predicates use eval; test_csp.py checks the page under its policy
        service_workers="allow",
    )
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(TIMEOUT_MS)
    try:
        yield context, page, errors
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def _drawn(page: Any) -> None:
    page.wait_for_function("window.onemap && window.onemap.ready")
    page.evaluate("() => onemap.ready")
    page.wait_for_function("onemap.layers.enterprises.count > 0")


def test_the_shell_opens_offline_with_the_time_its_data_was_fetched(
    app_page: tuple[Any, Any, list[str]], site_url: str
) -> None:
    context, page, errors = app_page
    page.goto(site_url + "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    # once the worker controls the page, a visit keeps the shareable answers it loads
    before = datetime.now(UTC)
    page.reload()
    _drawn(page)
    page.wait_for_function(f"({KEPT})().then((urls) => urls.some((u) => u.includes('/items?')))")
    kept = page.evaluate(KEPT)
    assert any("/collections/enterprises/items?" in url for url in kept)
    drawn_online = page.evaluate("onemap.layers.enterprises.count")
    assert page.locator(".om-offline").count() == 0
    context.set_offline(True)
    try:
        page.reload()
        _drawn(page)
        assert page.evaluate("onemap.layers.enterprises.count") == drawn_online
        banner = page.locator(".om-offline")
        banner.wait_for()
        assert "离线" in banner.inner_text()
        fetched = datetime.fromisoformat(banner.get_attribute("data-fetched-at"))
        assert before <= fetched <= datetime.now(UTC)
    finally:
        context.set_offline(False)
    # with the network back, the next answer from the server takes the banner away
    page.evaluate("() => onemap.loadVisible()")
    page.evaluate("() => { onemap.map.setZoom(onemap.map.getZoom() - 1); }")
    page.locator(".om-offline").wait_for(state="detached")
    assert errors == []


#: Signs in from the page as the page's sign-in form does (account.js), and forgets as it does.
SIGN_IN = """async ([login, password]) => {
  const r = await fetch("/login", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Onemap-Page": "1" },
    body: JSON.stringify({ login, password }),
  });
  if (!r.ok) throw new Error(`sign-in: ${r.status}`);
  await OneMapPWA.forget();
}"""
#: An answer to the signed-in user, through the worker: its status and Cache-Control.
SIGNED_IN_GET = """async (url) => {
  const r = await fetch(url, { credentials: "same-origin" });
  return [r.status, r.headers.get("Cache-Control")];
}"""


def test_nothing_of_a_signed_in_user_is_kept(
    app_page: tuple[Any, Any, list[str]], site_url: str, demo_accounts: dict[str, Any]
) -> None:
    _, page, _ = app_page
    page.goto(site_url + "/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()
    _drawn(page)
    page.wait_for_function(f"({KEPT})().then((urls) => urls.some((u) => u.includes('/items?')))")
    # signing in forgets what the anonymous visit kept (the map's layer answers; an answer to a
    # request still in flight, such as the overview's, may land after: it is public)
    page.evaluate(SIGN_IN, ["ent_a", PASSWORD])
    assert [url for url in page.evaluate(KEPT) if "/items?" in url] == []
    # ... and the answers to the signed-in user (their own rows, private fields) are never kept
    own = "/ogcapi/collections/hazardous_chemicals/items?f=json&limit=5"
    assert page.evaluate(SIGNED_IN_GET, own) == [200, "private"]
    public = "/ogcapi/collections/enterprises/items?f=json&limit=5"
    assert page.evaluate(SIGNED_IN_GET, public) == [200, "private"]
    assert [url for url in page.evaluate(KEPT) if "/items?" in url] == []
