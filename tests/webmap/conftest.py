"""Fixtures of the page tests: the demo park served on 127.0.0.1, and headless Chromium.

The demo database and the live app are the session's shared ones (tests/conftest.py). Chromium is
Debian's (``scripts/install-system-packages.sh`` installs it), driven by Playwright through its
``executable_path``; Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("ONEMAP_CHROMIUM", "/usr/bin/chromium")
#: The machine's rules for headless Chromium: no network of its own, no first-run work.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site_url(live_site: tuple[str, Any]) -> str:
    """``http://127.0.0.1:PORT`` of the whole app (page and API) on the demo park."""
    return live_site[0]


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Playwright's driver, one per session (its sync API cannot be started twice at once)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} not found: run `make setup` (installs Debian's chromium) "
        "or set ONEMAP_CHROMIUM"
    )
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser_context(playwright_driver: Any) -> Iterator[Any]:
    """A headless Chromium context with a fresh profile directory."""
    profile = tempfile.mkdtemp(prefix="onemap-chromium-")
    context = playwright_driver.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 900},
        locale="zh-CN",
        # Playwright evaluates string predicates with eval(), which the page's strict
        # Content-Security-Policy forbids; test_csp.py checks the page under the policy.
        bypass_csp=True,
        # the page alone, without its service worker in between (test_app.py tests the worker)
        service_workers="block",
    )
    yield context
    context.close()
    shutil.rmtree(profile, ignore_errors=True)


#: The screenshots' default home, in the checkout but ignored by git (.gitignore).
DEFAULT_ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where the browser tests save their screenshots: ONEMAP_TEST_ARTIFACTS, else
    ``test-artifacts/`` of the checkout (git ignores it), each in ``webmap/``."""
    path = Path(os.environ.get("ONEMAP_TEST_ARTIFACTS") or DEFAULT_ARTIFACTS) / "webmap"
    path.mkdir(parents=True, exist_ok=True)
    return path


#: How long a page test waits for what it expects (Playwright's default timeout).
PAGE_TIMEOUT_MS = 20_000


@pytest.fixture
def page(site_url: str, browser_context: Any) -> Iterator[Any]:
    """The one-map page, loaded and ready (``data-ready``), its uncaught errors kept in
    ``page.errors``; closed afterwards and the context's cookies cleared (signed out)."""
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.set_default_timeout(PAGE_TIMEOUT_MS)
    tab.goto(site_url + "/")
    tab.wait_for_selector(".leaflet-container[data-ready]")
    tab.errors = errors
    yield tab
    tab.close()
    browser_context.clear_cookies()


@pytest.fixture
def sign_in() -> Any:
    """``sign_in(page, login)``: sign in on the page's form as a demo account
    (``demo_accounts``' password) and wait until the account shows."""
    from tests.conftest import PASSWORD

    def signing_in(page: Any, login: str) -> None:
        page.click(".om-sign-in-open")
        page.fill(".om-sign-in input[name=login]", login)
        page.fill(".om-sign-in input[name=password]", PASSWORD)
        page.click(".om-sign-in button[type=submit]")
        page.wait_for_selector(f".om-account .om-login:has-text('{login}')")

    return signing_in
