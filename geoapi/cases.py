"""The case routes: registering cases, their transitions and their history.

A case type is a collection like any layer (``/ogcapi/collections/clues/items`` lists and reads
clues as the policy lets the user see them); these routes add what a collection cannot say:

* ``POST /ogcapi/collections/{id}/cases``: register a case (JSON: ``properties``, optional
  ``geometry`` as a GeoJSON Point, ``comment``) → 201 with the case;
* ``POST /ogcapi/collections/{id}/items/{fid}/transitions``: make a transition (JSON:
  ``transition``, ``comment``, ``properties`` it sets) → 200 with the case; 409 when the state
  does not allow it, 403 when the user may not make it, each naming the allowed ones;
* ``GET`` of the same path: the case, its history and the transitions the user may make now;
* ``GET /ogcapi/collections/inspections/schedule?as_of=&class=``: who is due and overdue;
* ``GET /ogcapi/collections/weather_responses/notices/{no}``: a notice's responses, late and
  missing ones flagged; ``POST …/close`` closes it at the end of the episode;
* ``GET /ogcapi/collections/{id}/statistics?by=&f=json|xlsx``: counts, overdue, time to close;
* ``GET /ogcapi/tasks``: the cases waiting for the signed-in user, near and past deadlines first;
* ``GET /ogcapi/g1-codes``: the problem codes of Guangxi Table G.1;
* ``POST /ogcapi/complaints``: an anonymous complaint (``properties.description``, a
  ``geometry``), rate-limited per address → 201 with its receipt code;
* ``GET /ogcapi/complaints/{receipt}``: that complaint's state and steps, nothing private.

The guard lets a request in by ``Rule.CASE``; which transition a user may make is
``accounts.policy.may_act``'s answer, asked by ``cases.store``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request

import cases
from cases.complaints import complaint_status, file_complaint
from cases.documents import ALL_TYPES, PHOTOS, XLSX, DocumentStore, Upload
from cases.errors import (
    BadCaseInput,
    CaseError,
    CaseNotFound,
    TooManyComplaints,
    TransitionForbidden,
    TransitionNotAllowed,
)
from cases.g1 import codes
from cases.history import read_case
from cases.inspections import INSPECTIONS
from cases.registering import register
from cases.schedule import PERIOD_MONTHS, schedule
from cases.spec import CaseType
from cases.statistics import statistics, workbook
from cases.store import make_transition
from cases.tasks import tasks
from cases.values import local_zone
from cases.weather import WEATHER_RESPONSES, close_notice, notice_summary
from geoapi.auth import current_principal
from geoapi.errors import (
    Conflict,
    Forbidden,
    GeoApiError,
    InvalidParameterValue,
    NotFound,
    TooManyRequests,
    error_response,
)

#: The one mapping from case error to API error (and so to HTTP status, geoapi.errors.STATUS).
API_ERRORS: tuple[tuple[type[CaseError], type[GeoApiError]], ...] = (
    (CaseNotFound, NotFound),
    (TransitionNotAllowed, Conflict),
    (TransitionForbidden, Forbidden),
    (TooManyComplaints, TooManyRequests),
    (BadCaseInput, InvalidParameterValue),
)


def api_error(exc: CaseError) -> GeoApiError:
    """The API error of a case error."""
    for cls, api in API_ERRORS:
        if isinstance(exc, cls):
            return api(exc.message)
    return GeoApiError(exc.message)


def respond(action: Callable[[], Response]) -> Response:
    """Run a case view; case and API errors become their OGC exception documents."""
    try:
        return action()
    except CaseError as exc:
        response = error_response(api_error(exc))
        if isinstance(exc, TooManyComplaints):
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except GeoApiError as exc:
        return error_response(exc)


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON answer that no shared cache keeps (cases are personal)."""
    text = json.dumps(body, ensure_ascii=False, default=str)
    response = Response(text, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def json_body() -> dict[str, Any]:
    """The request's JSON object; :class:`BadCaseInput` when there is none."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadCaseInput("请求体应为JSON对象 / the body must be a JSON object")
    return body


def _json_field(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise BadCaseInput(f"{name} 应为JSON / the {name} field must be JSON") from None


#: Form fields that are part of the request rather than properties of the case.
REQUEST_FIELDS = ("transition", "comment")


def request_body() -> tuple[dict[str, Any], list[Upload]]:
    """The body as JSON, or from a multipart form (a page's form with files): ``properties``
    and ``geometry`` as JSON text, ``lon``/``lat``, further fields as properties; the files."""
    if request.mimetype != "multipart/form-data":
        return json_body(), []
    form = request.form
    body: dict[str, Any] = {k: form[k] for k in REQUEST_FIELDS if k in form}
    properties = _json_field(form["properties"], "properties") if "properties" in form else {}
    if not isinstance(properties, dict):
        raise BadCaseInput("properties 应为对象 / properties must be a JSON object")
    for key in form:
        if key not in (*REQUEST_FIELDS, "properties", "geometry", "lon", "lat"):
            properties[key] = form[key]
    body["properties"] = properties
    if "geometry" in form:
        body["geometry"] = _json_field(form["geometry"], "geometry")
    elif "lon" in form or "lat" in form:
        body["geometry"] = {"lon": form.get("lon"), "lat": form.get("lat")}
    uploads = [
        Upload(f.filename, f.read()) for key in request.files for f in request.files.getlist(key)
    ]
    return body, uploads


def document_store() -> DocumentStore:
    """The documents' store: ``ONEMAP_DOCUMENTS_DIR``, else ``documents/`` in the data
    directory of the project's cluster (resolved per request, so it can be configured)."""
    from onemap.cluster import default_data_dir

    return DocumentStore.configured(default_data_dir() / "documents")


def case_type_of(collection_id: str) -> CaseType:
    """The case type served as ``collection_id``; 404 when the collection holds no cases."""
    case_type = cases.BY_ID.get(collection_id)
    if case_type is None:
        raise CaseNotFound(f"不是案件类型 / {collection_id} holds no cases")
    return case_type


def _as_of(text: str | None) -> dt.date:
    if not text:
        return dt.datetime.now(local_zone()).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadCaseInput(f"日期格式错误 / as_of {text!r}: use YYYY-MM-DD") from None


def _properties(body: dict[str, Any]) -> dict[str, Any]:
    properties = body.get("properties") or {}
    if not isinstance(properties, dict):
        raise BadCaseInput("properties 应为对象 / properties must be a JSON object")
    return properties


def install(app: Flask) -> None:
    """Add the case routes to ``app`` (guarded by ``Rule.CASE`` in geoapi.guard.ROUTES)."""
    mount = app.config["ONEMAP_MOUNT"]

    def engine() -> Any:
        return current_app.config["ONEMAP_ENGINE"]

    def create(collection_id: str) -> Response:
        def run() -> Response:
            case_type = case_type_of(collection_id)
            principal = current_principal()
            body, uploads = request_body()
            attachments = (document_store(), uploads, ALL_TYPES)
            case_id, opened = register(engine(), case_type, principal, body, attachments)
            answer = read_case(engine(), case_type, principal, case_id) | opened
            response = json_response(answer, 201)
            response.headers["Location"] = (
                f"{app.config['ONEMAP_PUBLIC_URL']}/collections/{case_type.id}/items/{case_id}"
            )
            return response

        return respond(run)

    def inspection_schedule(collection_id: str) -> Response:
        def run() -> Response:
            if collection_id != INSPECTIONS.id:
                raise CaseNotFound(f"没有检查计划 / {collection_id} has no schedule")
            as_of = _as_of(request.args.get("as_of"))
            wanted = tuple(c.strip().upper() for c in request.args.get("class", "").split(","))
            classes = tuple(c for c in wanted if c)
            unknown = sorted(set(classes) - set(PERIOD_MONTHS))
            if unknown:
                raise BadCaseInput(f"未知类别 / class {', '.join(unknown)}: use A, B or C")
            rows = schedule(engine(), current_principal(), as_of, classes)
            counts = {s: sum(r["state"] == s for r in rows) for s in ("overdue", "due", "done")}
            by_class = {
                c: {
                    s: sum(r["state"] == s and r["inspection_class"] == c for r in rows)
                    for s in ("overdue", "due", "done")
                }
                for c in PERIOD_MONTHS
            }
            return json_response(
                {
                    "as_of": as_of.isoformat(),
                    "counts": counts,
                    "by_class": by_class,
                    "enterprises": rows,
                }
            )

        return respond(run)

    def g1_codes() -> Response:
        return json_response({"codes": [c.as_json() for c in codes().values()]})

    def transitions(collection_id: str, item_id: int) -> Response:
        def run() -> Response:
            case_type = case_type_of(collection_id)
            principal = current_principal()
            if request.method == "POST":
                body, uploads = request_body()
                name = body.get("transition")
                if not isinstance(name, str) or not name:
                    raise BadCaseInput("缺少办理环节 / give the transition to make")
                comment = body.get("comment")
                if comment is not None and not isinstance(comment, str):
                    raise BadCaseInput("意见应为文本 / comment must be text")
                make_transition(
                    engine(),
                    case_type,
                    principal,
                    item_id,
                    name,
                    comment,
                    _properties(body),
                    (document_store(), uploads, ALL_TYPES),
                )
            return json_response(read_case(engine(), case_type, principal, item_id))

        return respond(run)

    def complain() -> Response:
        def run() -> Response:
            body, uploads = request_body()
            address = request.remote_addr or "unknown"
            photos = (document_store(), uploads, PHOTOS)
            _, receipt = file_complaint(
                engine(), address, _properties(body), body.get("geometry"), photos
            )
            status = complaint_status(engine(), receipt)
            response = json_response(status, 201)
            response.headers["Location"] = f"{app.config['ONEMAP_PUBLIC_URL']}/complaints/{receipt}"
            return response

        return respond(run)

    def complaint(receipt: str) -> Response:
        return respond(lambda: json_response(complaint_status(engine(), receipt)))

    def weather_notice(collection_id: str, notice_no: str) -> Response:
        def run() -> Response:
            if collection_id != WEATHER_RESPONSES.id:
                raise CaseNotFound(f"没有预警通知 / {collection_id} have no notices")
            principal = current_principal()
            if request.method == "POST":
                body = json_body() if request.get_data() else {}
                comment = body.get("comment")
                close_notice(
                    engine(), principal, notice_no, comment if isinstance(comment, str) else None
                )
            return json_response(notice_summary(engine(), principal, notice_no))

        return respond(run)

    def case_statistics(collection_id: str) -> Response:
        def run() -> Response:
            case_type = case_type_of(collection_id)
            report = statistics(
                engine(), current_principal(), case_type, request.args.get("by", "state")
            )
            if request.args.get("f") == "xlsx":
                response = Response(workbook(report), mimetype=XLSX)
                name = f"{case_type.id}-statistics-{report['by']}.xlsx"
                response.headers["Content-Disposition"] = f"attachment; filename={name}"
                response.headers["Cache-Control"] = "private, no-store"
                return response
            return json_response(report)

        return respond(run)

    def my_tasks() -> Response:
        return respond(lambda: json_response({"tasks": tasks(engine(), current_principal())}))

    app.add_url_rule(mount + "/tasks", endpoint="case_tasks", view_func=my_tasks)
    app.add_url_rule(
        mount + "/collections/<path:collection_id>/statistics",
        endpoint="case_statistics",
        view_func=case_statistics,
    )
    app.add_url_rule(
        mount + "/collections/<path:collection_id>/notices/<notice_no>",
        endpoint="weather_notice",
        view_func=weather_notice,
        methods=["GET"],
    )
    app.add_url_rule(
        mount + "/collections/<path:collection_id>/notices/<notice_no>/close",
        endpoint="weather_notice_close",
        view_func=weather_notice,
        methods=["POST"],
    )
    app.add_url_rule(
        mount + "/collections/<path:collection_id>/schedule",
        endpoint="inspection_schedule",
        view_func=inspection_schedule,
        methods=["GET"],
    )
    app.add_url_rule(mount + "/g1-codes", endpoint="g1_codes", view_func=g1_codes)
    app.add_url_rule(
        mount + "/complaints", endpoint="complaint_file", view_func=complain, methods=["POST"]
    )
    app.add_url_rule(
        mount + "/complaints/<receipt>",
        endpoint="complaint_status",
        view_func=complaint,
        methods=["GET"],
    )
    app.add_url_rule(
        mount + "/collections/<path:collection_id>/cases",
        endpoint="case_create",
        view_func=create,
        methods=["POST"],
    )
    app.add_url_rule(
        mount + "/collections/<path:collection_id>/items/<int:item_id>/transitions",
        endpoint="case_transitions",
        view_func=transitions,
        methods=["GET", "POST"],
    )
