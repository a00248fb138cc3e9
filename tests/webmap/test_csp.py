"""The page draws under its Content-Security-Policy with no violation, in a browser that
enforces it (the other page tests bypass it: Playwright's string predicates use eval)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from tests.webmap.conftest import CHROMIUM, CHROMIUM_ARGS

TIMEOUT_MS = 30_000
#: Collects every CSP violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


@pytest.fixture(scope="module")
def enforcing_page(playwright_driver: Any) -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="onemap-chromium-csp-")
    context = playwright_driver.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    yield page
    context.close()
    shutil.rmtree(profile, ignore_errors=True)


def test_the_page_draws_with_no_csp_violation(enforcing_page: Any, site_url: str) -> None:
    page = enforcing_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(site_url + "/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    # drawn: the map is ready and the enterprises layer has features on the canvas
    page.wait_for_function(
        "() => window.onemap && window.onemap.layers.enterprises.count > 0", timeout=TIMEOUT_MS
    )
    page.wait_for_function(
        "() => Object.values(window.onemap.layers).every((s) => !s.loading)", timeout=TIMEOUT_MS
    )
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    # the legend's and the layer control's colour swatches got their colours without inline styles
    swatch = page.locator(".om-legend .om-dot, .om-legend .om-line").first
    assert swatch.evaluate("(el) => getComputedStyle(el).backgroundColor") not in (
        "",
        "rgba(0, 0, 0, 0)",
    )
    assert page.evaluate("() => window.__cspViolations") == []
    assert errors == []
