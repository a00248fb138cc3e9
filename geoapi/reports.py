"""The report routes (``reports/``):

* ``GET /reports``: the runs the user may read (every run with ``read:reports``, else the
  public ones), as a page or, with ``?f=json`` or ``Accept: application/json``, as JSON;
* ``GET /reports/{id}/{pdf|xlsx}``: a run's file, when the policy lets the user read it;
* ``GET /public``: the public disclosure page (Jiangsu 7.8.3): the park's published notices and
  the public reports (the annual environmental quality report), for anyone; for staff with a
  form to publish a notice and a button to withdraw each;
* ``POST /public/notices`` (JSON: ``title_zh``, ``body_zh``, optional ``title_en``,
  ``body_en``, ``category``) publishes a notice; ``POST /public/notices/{id}/withdraw``
  withdraws one: staff (``accounts.policy.may_publish_notices``).

Which run and which notice a user may touch is ``accounts.policy``'s answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from flask import Flask, Response, current_app, request

from accounts import policy
from geoapi import auth
from geoapi.auth import current_principal
from geoapi.errors import GeoApiError, InvalidParameterValue, NotFound, error_response
from reports import notices
from reports.errors import ReportError, ReportNotFoundError
from reports.gather import park_name
from reports.runs import Run, get_run, list_runs
from reports.schema import CATEGORIES

TEMPLATES = Path(__file__).resolve().parents[1] / "reports" / "templates"
MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _denied(what: str) -> Response:
    denial = policy.refusal(current_principal(), what)
    code = "Unauthorized" if denial.status == 401 else "Forbidden"
    body = json.dumps({"code": code, "description": denial.message}, ensure_ascii=False)
    return auth.challenge(Response(body, status=denial.status, mimetype="application/json"))


def _wants_json() -> bool:
    if request.args.get("f") in ("json", "html"):
        return request.args.get("f") == "json"
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _run_json(run: Run, root: str) -> dict[str, Any]:
    return {
        "id": run.id,
        "kind": run.kind,
        "period": run.period,
        "title_zh": run.title_zh,
        "title_en": run.title_en,
        "public": run.public,
        "generated_at": run.generated_at.isoformat(),
        "links": [
            {"rel": "enclosure", "type": MEDIA[f], "href": f"{root}/reports/{run.id}/{f}"}
            for f in ("pdf", "xlsx")
        ],
    }


def _page(**values: Any) -> Response:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    html = env.get_template("runs.html").render(**values)
    return Response(html, mimetype="text/html")


def _json(body: Any, status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False, default=str)
    return Response(text, status=status, mimetype="application/json")


def install(app: Flask) -> None:
    """Add the report and public-disclosure routes to ``app``."""

    def engine() -> Any:
        return current_app.config["ONEMAP_ENGINE"]

    def root() -> str:
        return request.script_root

    def readable_runs() -> list[Run]:
        principal = current_principal()
        return [r for r in list_runs(engine()) if policy.may_read_report(principal, r.public)]

    def report_list() -> Response:
        runs = readable_runs()
        if _wants_json():
            return _json({"runs": [_run_json(r, root()) for r in runs]})
        with engine().connect() as connection:
            name = park_name(connection)
        return _page(
            park_name=name, title_zh="报告", title_en="Reports", reports_zh="报告",
            reports_en="Reports you may read", runs=runs, notices=None, root=root(),
        )  # fmt: skip

    def report_file(run_id: int, fmt: str) -> Response:
        if fmt not in MEDIA:
            return error_response(InvalidParameterValue(
                f"未知格式 / unknown format {fmt!r}: pdf or xlsx"))  # fmt: skip
        try:
            run = get_run(engine(), run_id)
        except KeyError:
            return error_response(NotFound(f"无此报告 / no report {run_id}"))
        if not policy.may_read_report(current_principal(), run.public):
            return _denied(f"read report {run_id}")
        path = run.pdf_path if fmt == "pdf" else run.xlsx_path
        if not path.is_file():
            return error_response(NotFound(
                f"报告文件缺失 / the file of report {run_id} is missing: run it again "
                f"(onemap report run --kind {run.kind} --period {run.period})"))  # fmt: skip
        # the bytes, not send_file: flask-compress leaves a sent file's handle open
        response = Response(path.read_bytes(), mimetype=MEDIA[fmt])
        name = path.name
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def public_page() -> Response:
        db = engine()
        runs = list_runs(db, public_only=True)
        published = notices.published(db)
        if _wants_json():
            return _json({"notices": published, "runs": [_run_json(r, root()) for r in runs]})
        with db.connect() as connection:
            name = park_name(connection)
        principal = current_principal()
        return _page(
            park_name=name, title_zh="信息公开", title_en="Public disclosure",
            reports_zh="公开报告", reports_en="Public reports", runs=runs, notices=published,
            root=root(), may_publish=policy.may_publish_notices(principal),
            # a signed-in browser sends its session's CSRF token with the form's POST
            csrf_header=auth.CSRF_HEADER, csrf_token=principal.csrf_token,
            categories=[(k, f"{zh} / {en}") for k, (zh, en) in CATEGORIES.items()],
        )  # fmt: skip

    def respond(action: Any) -> Response:
        principal = current_principal()
        if not policy.may_publish_notices(principal):
            return _denied("publish or withdraw notices")
        try:
            return action(principal.login)  # type: ignore[no-any-return]
        except notices.BadNoticeError as exc:
            return error_response(InvalidParameterValue(str(exc)))
        except ReportNotFoundError as exc:
            return error_response(NotFound(str(exc)))
        except (ReportError, GeoApiError) as exc:
            return error_response(InvalidParameterValue(str(exc)))

    def notice_publish() -> Response:
        def run(login: str) -> Response:
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                raise notices.BadNoticeError("请求体应为JSON对象 / the body must be a JSON object")
            return _json(notices.publish(engine(), body, login), 201)

        return respond(run)

    def notice_withdraw(notice_id: int) -> Response:
        return respond(lambda login: _json(notices.withdraw(engine(), notice_id, login)))

    app.add_url_rule("/reports", "report_list", report_list, methods=["GET"])
    app.add_url_rule("/reports/<int:run_id>/<fmt>", "report_file", report_file, methods=["GET"])
    app.add_url_rule("/public", "public_page", public_page, methods=["GET"])
    app.add_url_rule("/public/notices", "notice_publish", notice_publish, methods=["POST"])
    app.add_url_rule(
        "/public/notices/<int:notice_id>/withdraw", "notice_withdraw", notice_withdraw,
        methods=["POST"],
    )  # fmt: skip
