"""While the API answers 503 (its database down) the page shows a banner and retries; once the
API answers again the layer draws and the banner goes, without a reload. The 503s are the
server's own answer (tests/onemap/test_restart.py checks it says so); here the browser gets
them from a route that stands in for the first answers of one layer."""

from __future__ import annotations

import json
from typing import Any

TIMEOUT_MS = 30_000
UNAVAILABLE = {
    "code": "ServiceUnavailable",
    "description": "数据库暂时不可用，请稍后重试 / the database is unavailable: retry",
}


def test_the_page_shows_a_banner_and_recovers_by_itself(
    browser_context: Any, site_url: str
) -> None:
    page = browser_context.new_page()
    refused: list[str] = []

    def unavailable_at_first(route: Any) -> None:
        if len(refused) < 2:
            refused.append(route.request.url)
            route.fulfill(
                status=503,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body=json.dumps(UNAVAILABLE),
            )
        else:
            route.continue_()

    try:
        page.route("**/ogcapi/collections/enterprises/items*", unavailable_at_first)
        page.goto(site_url + "/")
        banner = page.locator(".om-unavailable")
        banner.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert "数据库" in banner.inner_text() and "retrying" in banner.inner_text()
        page.wait_for_function(
            "window.onemap && window.onemap.layers.enterprises.count > 0", timeout=TIMEOUT_MS
        )
        banner.wait_for(state="detached", timeout=TIMEOUT_MS)
        assert len(refused) == 2
    finally:
        page.close()
