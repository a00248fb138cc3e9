"""The list of cases waiting for a signed-in user on the page, and a transition made from it
with the inputs its declaration names, in headless Chromium."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask

from onemap.database import engine_for
from tests.conftest import PASSWORD


def test_staff_assign_a_clue_from_their_list(
    page: Any, live_site: tuple[str, Flask], demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    client = live_site[1].test_client()
    body = {
        "properties": {
            "source": "patrol",
            "clue_type": "odour",
            "occurred_at": "2026-12-01T21:00:00+08:00",
            "description": "页面交办测试 / assigned on the page",
            "credit_code": demo_accounts["codes"]["ent_a"],
        }
    }
    created = client.post(
        "/ogcapi/collections/clues/cases", json=body, headers=demo_accounts["headers"]["staff"]
    )
    case_no, fid = created.get_json()["properties"]["case_no"], created.get_json()["id"]
    page.click(".om-sign-in-open")
    page.fill(".om-sign-in input[name=login]", "staff")
    page.fill(".om-sign-in input[name=password]", PASSWORD)
    page.click(".om-sign-in button[type=submit]")
    page.locator(".om-cases .om-task-list a", has_text=case_no).click()
    page.locator(".om-case .om-case-state", has_text="登记").wait_for()
    page.locator('.om-case button.om-transition[data-name="assign"]').click()
    form = page.locator(".om-transition-form")
    due = dt.datetime.now() + dt.timedelta(days=7)
    form.locator("input[name=deadline]").fill(due.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=handler]").fill("王工")
    form.locator("textarea[name=comment]").fill("请企业核查 / please check")
    form.locator("button[type=submit]").click()
    message = page.locator(".om-case .om-case-message")
    message.filter(has_text="已交办").wait_for()  # the new state, shown where it was made
    page.locator(".om-case .om-case-state", has_text="已交办").wait_for()
    with engine_for(demo_db_url).connect() as connection:
        row = connection.execute(
            sa.text("SELECT state, handler, deadline > now() FROM clues WHERE id = :i"), {"i": fid}
        ).one()
    assert tuple(row) == ("assigned", "王工", True)
    # it no longer waits for the office
    page.locator(".om-cases .om-task-list a", has_text=case_no).wait_for(state="detached")
    assert page.errors == []


def test_the_schedule_and_the_files_as_tables(page: Any, demo_db_url: str) -> None:
    page.click(".om-sign-in-open")
    page.fill(".om-sign-in input[name=login]", "staff")
    page.fill(".om-sign-in input[name=password]", PASSWORD)
    page.click(".om-sign-in button[type=submit]")
    page.locator('.om-reports button[data-report="schedule"]').click()
    table = page.locator('.om-case table[data-report="schedule"]')
    table.wait_for()
    with engine_for(demo_db_url).connect() as connection:
        classified = connection.execute(
            sa.text("SELECT count(*) FROM enterprises WHERE inspection_class IS NOT NULL")
        ).scalar_one()
    assert table.locator("tbody tr").count() == classified
    page.locator('.om-reports button[data-report="archive"]').click()
    files = page.locator('.om-case table[data-report="archive"]')
    files.wait_for()
    first = files.locator("tbody tr").first.locator("td").all_inner_texts()
    assert sum(int(n) for n in first[1:]) == 33  # present + expired + missing: the 33 items
    link = page.locator(".om-reports a.om-stats-xlsx").get_attribute("href")
    assert link.endswith("/collections/clues/statistics?by=source&f=xlsx")
    with page.expect_download() as download:  # with the session's cookie: the staff's rows
        page.locator(".om-reports a.om-stats-xlsx").click()
    assert download.value.suggested_filename == "clues-statistics-source.xlsx"
    assert page.errors == []


def test_an_exceedance_becomes_a_clue_with_one_click(page: Any, demo_db_url: str) -> None:
    page.click(".om-sign-in-open")
    page.fill(".om-sign-in input[name=login]", "staff")
    page.fill(".om-sign-in input[name=password]", PASSWORD)
    page.click(".om-sign-in button[type=submit]")
    page.wait_for_selector(".om-account .om-login:has-text('staff')")
    response = page.request.get(
        # the page's URL also holds the deep link's fragment: ask the app's origin
        urlsplit(page.url)._replace(path="", query="", fragment="").geturl()
        + "/ogcapi/collections/exceedances/items?f=json&limit=1&offset=3"
    )
    feature = response.json()["features"][0]
    page.evaluate(
        "(f) => { const app = window.onemap; app.show(app.layers.exceedances.cfg, f); }", feature
    )
    page.locator(".leaflet-popup .om-popup button.om-to-clue").click()
    answer = page.locator(".leaflet-popup .om-to-clue-answer")
    answer.filter(has_text="XS").wait_for()
    case_no = answer.inner_text().strip()
    page.locator(".om-case .om-case-title", has_text=case_no).wait_for()  # opened in the list
    with engine_for(demo_db_url).connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT c.exceedance_id, c.trace_process IS NOT DISTINCT FROM x.trace_process "
                "FROM clues c "
                "JOIN exceedances x ON x.id = c.exceedance_id WHERE c.case_no = :n"
            ),
            {"n": case_no},
        ).one()
    assert tuple(row) == (feature["id"], True)
    assert page.errors == []
