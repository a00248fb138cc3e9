"""The disclosure page in headless Chromium, under the app's Content-Security-Policy: staff
signed in with the page's session publish a notice with the form and withdraw it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("ONEMAP_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TITLE = "园区2025年第四季度环境信息公告"


@pytest.fixture
def page(live_site: tuple[str, Flask], demo_accounts: dict[str, Any]) -> Iterator[Any]:
    """A Chromium page (CSP enforced) signed in as staff through ``POST /login``."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} not found: run `make setup`"
    profile = tempfile.mkdtemp(prefix="onemap-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, locale="zh-CN",
            service_workers="block",
        )  # fmt: skip
        signed_in = context.request.post(
            f"{live_site[0]}/login", data={"login": "staff", "password": PASSWORD}
        )
        assert signed_in.ok, signed_in.text()
        yield context.new_page()
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def cleanup(demo_engine: sa.Engine) -> Iterator[None]:
    yield
    with demo_engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM public_notices WHERE title_zh = :t"), {"t": TITLE})


@pytest.mark.usefixtures("cleanup")
def test_staff_publish_and_withdraw_with_the_page(
    page: Any, live_site: tuple[str, Flask], demo_engine: sa.Engine
) -> None:
    refused: list[str] = []  # the form's requests the app refused (a CSRF or policy 4xx)
    page.on(
        "response",
        lambda r: refused.append(f"{r.status} {r.url}")
        if "/public/notices" in r.url and r.status >= 400 else None,
    )  # fmt: skip
    page.goto(f"{live_site[0]}/public")
    form = page.locator("#notice-form")
    form.locator("input[name=title_zh]").fill(TITLE)
    form.locator("select[name=category]").select_option("report")
    form.locator("textarea[name=body_zh]").fill("第四季度园区环境空气质量优良天数比例见季报。")
    form.locator("button[type=submit]").click()
    notice = page.locator(".notice", has_text=TITLE)
    notice.wait_for()
    assert "报告 / Report" in notice.inner_text()
    with demo_engine.connect() as connection:
        by = connection.execute(
            sa.text("SELECT published_by FROM public_notices WHERE title_zh = :t"), {"t": TITLE}
        ).scalar_one()
    assert by == "staff"
    notice.locator("button.withdraw").click()
    notice.wait_for(state="detached")
    assert refused == []
