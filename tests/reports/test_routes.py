"""``/reports`` and ``/public``: the annual environmental quality report is anyone's from the
disclosure page; other reports only for users the policy lets read them; staff publish and
withdraw the park's notices."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from onemap.database import ENV_URL
from tests.reports.conftest import ONEMAP


@pytest.fixture
def client(live_site: tuple[str, Flask]) -> FlaskClient:
    """Flask's test client on the session's live app (demo park)."""
    return live_site[1].test_client()


@pytest.fixture(scope="module")
def runs(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    """The annual report of 2025 (public) and a daily report (not), made once by the command
    for this module's tests; the runs removed after them."""
    from onemap.database import engine_for

    engine = engine_for(demo_db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM report_runs")
    out = tmp_path_factory.mktemp("reports")
    for kind, period in (("annual", "2025"), ("daily", "2024-06-01")):
        done = subprocess.run(
            [ONEMAP, "report", "run", "--kind", kind, "--period", period, "--output-dir",
             str(out)],
            capture_output=True, text=True, timeout=600, check=False,
            env={**os.environ, ENV_URL: demo_db_url},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT kind, id FROM report_runs")).all()
    yield {kind: int(run_id) for kind, run_id in rows}
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM report_runs")


@pytest.fixture
def own_notices(demo_engine: sa.Engine):  # type: ignore[no-untyped-def]
    """The notices a test publishes are removed after it."""
    yield
    with demo_engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM public_notices WHERE published_by = 'staff'")


def test_the_annual_report_is_downloadable_from_public_without_signing_in(
    client: FlaskClient, runs: dict[str, int], demo_accounts: dict[str, Any]
) -> None:
    page = client.get("/public")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "信息公开 / Public disclosure" in html
    assert f"/reports/{runs['annual']}/pdf" in html
    assert f"/reports/{runs['daily']}/" not in html
    pdf = client.get(f"/reports/{runs['annual']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.get_data()[:5] == b"%PDF-"
    xlsx = client.get(f"/reports/{runs['annual']}/xlsx")
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
    listed = client.get("/public?f=json").get_json()
    assert [r["kind"] for r in listed["runs"]] == ["annual"]


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("ent_a", 403), ("staff", 200), ("admin", 200)]
)
def test_other_reports_only_for_those_who_may_read_them(
    client: FlaskClient, runs: dict[str, int], demo_accounts: dict[str, Any], who: str,
    status: int,
) -> None:  # fmt: skip
    headers = demo_accounts["headers"][who]
    response = client.get(f"/reports/{runs['daily']}/pdf", headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    listed = client.get("/reports?f=json", headers=headers).get_json()
    kinds = sorted(r["kind"] for r in listed["runs"])
    assert kinds == (["annual", "daily"] if status == 200 else ["annual"])


def test_unknown_runs_and_formats(client: FlaskClient, runs: dict[str, int]) -> None:
    assert client.get("/reports/999999999/pdf").status_code == 404
    bad = client.get(f"/reports/{runs['annual']}/docx")
    assert bad.status_code == 400 and "pdf or xlsx" in bad.get_json()["description"]


def test_a_missing_file_says_how_to_make_it_again(
    client: FlaskClient, runs: dict[str, int], demo_engine: sa.Engine
) -> None:
    with demo_engine.connect() as connection:
        path = connection.execute(
            sa.text("SELECT pdf_path FROM report_runs WHERE id = :id"), {"id": runs["annual"]}
        ).scalar_one()
    aside = Path(f"{path}.aside")
    shutil.move(path, aside)
    try:
        response = client.get(f"/reports/{runs['annual']}/pdf")
    finally:
        shutil.move(aside, path)
    assert response.status_code == 404
    assert "onemap report run --kind annual --period 2025" in response.get_json()["description"]


@pytest.mark.usefixtures("own_notices")
def test_staff_publish_and_withdraw_notices(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    staff, enterprise = demo_accounts["headers"]["staff"], demo_accounts["headers"]["ent_a"]
    body = {
        "title_zh": "园区2025年度环境质量公告",
        "title_en": "Annual notice",
        "body_zh": "园区2025年环境空气质量优良天数比例见年度报告。",
        "category": "report",
    }
    assert client.post("/public/notices", json=body).status_code == 401
    assert client.post("/public/notices", json=body, headers=enterprise).status_code == 403
    made = client.post("/public/notices", json=body, headers=staff)
    assert made.status_code == 201, made.get_data(as_text=True)
    notice = made.get_json()
    assert notice["published_by"] == "staff" and notice["category_title"] == "报告 / Report"
    assert "园区2025年度环境质量公告" in client.get("/public").get_data(as_text=True)
    withdraw = f"/public/notices/{notice['id']}/withdraw"
    assert client.post(withdraw, headers=enterprise).status_code == 403
    gone = client.post(withdraw, headers=staff)
    assert gone.status_code == 200 and gone.get_json()["withdrawn_by"] == "staff"
    assert "园区2025年度环境质量公告" not in client.get("/public").get_data(as_text=True)
    assert client.post("/public/notices/999999999/withdraw", headers=staff).status_code == 404


def test_staff_see_the_publishing_form_and_others_do_not(
    client: FlaskClient, demo_accounts: dict[str, Any]
) -> None:
    for who, shown in (("anonymous", False), ("ent_a", False), ("staff", True)):
        html = client.get("/public", headers=demo_accounts["headers"][who]).get_data(as_text=True)
        assert ('id="notice-form"' in html) is shown, who
        assert ("/public/notices" in html) is shown, who
    page = client.get("/public", headers=demo_accounts["headers"]["staff"])
    # the inline script carries the response's CSP nonce
    nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"body_zh": "x"}, "title_zh is required"),
        ({"title_zh": "x", "body_zh": "y", "category": "gossip"}, "unknown category 'gossip'"),
        ({"title_zh": "x", "body_zh": "y", "colour": "red"}, "unknown fields: colour"),
        ({"title_zh": 5, "body_zh": "y"}, "title_zh must be a string"),
    ],
)
def test_bad_notices_are_one_line_400s(
    client: FlaskClient, demo_accounts: dict[str, Any], body: dict[str, Any], message: str
) -> None:
    response = client.post("/public/notices", json=body, headers=demo_accounts["headers"]["staff"])
    assert response.status_code == 400
    assert message in response.get_json()["description"]
