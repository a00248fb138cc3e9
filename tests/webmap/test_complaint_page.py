"""Filing a complaint on the page without an account, in headless Chromium: the tool, a click on
the map, a description and a photo, the receipt code, and looking the code up again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from onemap.database import engine_for

TIMEOUT_MS = 20_000
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)


@pytest.fixture(scope="module")
def page(site_url: str, browser_context: Any) -> Iterator[Any]:
    tab = browser_context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.goto(site_url + "/")
    tab.wait_for_selector(".leaflet-container[data-ready]")
    yield tab
    tab.close()


def test_a_complaint_filed_on_the_page_gets_a_receipt(
    page: Any, demo_db_url: str, artifacts_dir: Any
) -> None:
    tab = page
    tab.evaluate("window.onemap.fitToPark().then(() => null)")
    tab.locator('.om-tools button[data-tool="complaint"]').click()
    box = tab.locator(".leaflet-container").bounding_box()
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    form = tab.locator(".om-complaint-form")
    form.locator("textarea[name=description]").fill("河边有刺鼻气味 / a sharp smell by the river")
    form.locator("input[name=photo]").set_input_files(
        {"name": "smell.png", "mimeType": "image/png", "buffer": PNG}
    )
    with tab.expect_response("**/ogcapi/complaints") as sent:
        form.locator("button[type=submit]").click()
    assert sent.value.status == 201
    receipt = tab.locator(".om-receipt-code").inner_text().strip()
    assert len(receipt) == 14 and receipt.count("-") == 2
    assert tab.locator(".om-complaint-answer .om-complaint-state").inner_text() == "登记"
    tab.screenshot(path=str(artifacts_dir / "14-complaint.png"))
    # staff find it with its photo, at the place clicked
    engine = engine_for(demo_db_url)
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT c.source, (SELECT count(*) FROM documents d WHERE d.case_type = 'clues' "
                "AND d.case_id = c.id) AS photos FROM clues c WHERE c.case_no = :n"
            ),
            {"n": sent.value.json()["case_no"]},
        ).one()
    assert row == ("complaint", 1)
    # the receipt code looked up again in the same panel
    lookup = tab.locator(".om-receipt-form")
    lookup.locator("input[name=receipt]").fill(receipt.lower())
    lookup.locator("button[type=submit]").click()
    tab.locator(".om-receipt-answer .om-complaint-state").wait_for()
    assert tab.locator(".om-receipt-answer .om-complaint-state").inner_text() == "登记"
    lookup.locator("input[name=receipt]").fill("AAAA-BBBB-CCCC")
    lookup.locator("button[type=submit]").click()
    tab.locator(".om-receipt-answer .om-error").wait_for()
