"""Every request passes here first: who is asking, and may they make this request at all.

Each endpoint of the app has exactly one rule in :data:`ROUTES`; the decision for a rule is
``accounts.policy.check``'s, never the view's. An endpoint missing from the table is refused
(and ``tests/geoapi/test_access_matrix.py``, generated from the app's URL map, fails), so a new
route cannot escape the policy. Rows and fields are limited further down, by the views asking
``accounts.policy.read_view`` / ``write_scope``.
"""

from __future__ import annotations

import json

from flask import Flask, Response, g, request

from accounts import policy
from accounts.policy import Rule
from geoapi import auth
from geoapi.feature_input import is_create
from layers import BY_ID

C, OPEN, S, H, K = Rule.COLLECTION, Rule.OPEN, Rule.SIGNED_IN, Rule.HISTORY, Rule.CASE

#: The rule of every endpoint (Flask endpoint name → rule).
ROUTES: dict[str, Rule] = {
    # the page, its assets and the sign-in routes
    "webmap.index": OPEN,
    "webmap.static": OPEN,
    "webmap.hillshade_png": OPEN,
    # the installable app: its manifest, icons and service worker (webmap/pwa.py)
    "webmap.web_manifest": OPEN,
    "webmap.app_icon": OPEN,
    "webmap.service_worker": OPEN,
    "static": OPEN,
    "login": OPEN,
    "logout": OPEN,
    "me": OPEN,  # answers 401 itself when nobody is signed in
    # health checks for a load balancer or systemd (they read no data)
    "healthz": OPEN,
    "readyz": OPEN,
    "edit_forms": S,
    "page_layers": S,  # the layers and fields of the page the policy lets this user read
    # OGC API: discovery
    "pygeoapi.landing_page": OPEN,
    "pygeoapi.conformance": OPEN,
    "pygeoapi.openapi": OPEN,  # filtered per user by geoapi.visibility
    "pygeoapi.static": OPEN,
    "pygeoapi.asyncapi": OPEN,
    "pygeoapi.get_tilematrix_sets": OPEN,
    "pygeoapi.get_tilematrix_set": OPEN,
    "pygeoapi.stac_catalog_root": OPEN,
    "pygeoapi.stac_catalog_path": OPEN,
    "pygeoapi.stac_landing_page": OPEN,
    "pygeoapi.stac_search": OPEN,
    # OGC API: collections (the list is filtered per user; a collection must be readable)
    "pygeoapi.collections": C,
    "pygeoapi.collection_items": C,
    "pygeoapi.collection_queryables": C,
    "pygeoapi.collection_schema": C,
    "pygeoapi.collection_coverage": C,
    "pygeoapi.collection_map": C,
    "pygeoapi.get_collection_edr_query": C,
    "pygeoapi.get_collection_tiles": C,
    "pygeoapi.get_collection_tiles_metadata": C,
    "pygeoapi.get_collection_tiles_data": C,
    "feature_history": H,
    # a collection's change feed: ids and actions of the rows the user may read (geoapi.changes)
    "collection_changes": C,
    # cases (geoapi.cases): the collection must exist for the user; who may make which
    # transition is accounts.policy.may_act's answer per case
    "case_create": K,
    "case_transitions": K,
    # anonymous complaints and their progress by receipt code (rate-limited, nothing private)
    "complaint_file": OPEN,
    "complaint_status": OPEN,
    # the inspection schedule (rows per the policy's view of inspections), the G.1 codes
    "inspection_schedule": C,
    "g1_codes": OPEN,
    # documents and the archive: signed in; which files is the policy's answer per file
    "document_read": S,
    "archive_file": S,
    "archive_table": S,
    "park_archive": S,
    "inspection_notice": C,  # the Appendix J notice of an inspection the user may read
    "case_statistics": C,  # counted over the rows the user may read
    "case_tasks": S,  # the signed-in user's list of cases waiting for them
    "weather_notice": C,  # a weather notice's responses, as the user may see them
    "weather_notice_close": K,  # the office closes it (accounts.policy.may_act)
    # OGC API: processes (analyses read public data only) and jobs (none are stored)
    "pygeoapi.get_processes": OPEN,
    "pygeoapi.execute_process_jobs": OPEN,
    "pygeoapi.get_jobs": S,
    "pygeoapi.get_job_result": S,
    # the QGIS project of what the caller may read, its hillshade, and each collection's style
    "qgis_project": OPEN,
    "qgis_hillshade": OPEN,
    "collection_style": C,
    # station plots (stations are public)
    "station_plot": OPEN,
    # live monitoring: the event stream (each event filtered per user by the policy) and
    # acknowledging an alert (a write of the alerts collection)
    "events": OPEN,
    "alert_acknowledge": C,
    # the office accepts or returns a declaration (accounts.policy.may_review decides who)
    "declaration_review": C,
    # reports (geoapi.reports): the list is filtered and each file decided by
    # accounts.policy.may_read_report (public runs are anyone's); /public is the disclosure
    # page; notices are published and withdrawn by accounts.policy.may_publish_notices
    "report_list": OPEN,
    "report_file": OPEN,
    "public_page": OPEN,
    "notice_publish": S,
    "notice_withdraw": S,
    # the provincial map (geoapi.province): the page and the table of parks (counts over the
    # harvested public layers) are anyone's; a layer's features follow the collection's rule
    "province_page": OPEN,
    "province_parks": OPEN,
    "province_items": C,
}
# the overview's figures (counts over public layers only: air, exceedances, enterprises)
ROUTES |= {f"summary_{name}": OPEN for name in ("air", "exceedances", "enterprises")}
#: Rules for endpoints added by other rooms at install time.
EXTRA_ROUTES: dict[str, Rule] = {}


def rule_of(endpoint: str | None) -> Rule | None:
    """The rule of ``endpoint``; None when it has none (refused)."""
    if endpoint is None:
        return None
    return ROUTES.get(endpoint) or EXTRA_ROUTES.get(endpoint)


def _refusal(status: int, message: str, code: str) -> Response:
    body = json.dumps({"code": code, "description": message}, ensure_ascii=False)
    return auth.challenge(Response(body, status=status, mimetype="application/json"))


CODES = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 429: "TooManyRequests"}


def _guard() -> Response | None:
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404/405 itself
    try:
        principal = auth.resolve()
    except auth.Unauthorized as exc:
        response = _refusal(exc.status, exc.message, CODES[exc.status])
        if exc.retry_after_s:
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    g.principal = principal
    rule = rule_of(request.endpoint)
    if rule is None:
        return _refusal(404, f"未开放的路径 / {request.path} is not served", "NotFound")
    if (
        principal.via == "session"
        and request.method not in ("GET", "HEAD", "OPTIONS")
        and request.endpoint != "login"
    ):
        sent = request.headers.get(auth.CSRF_HEADER, "")
        if not principal.csrf_token or not auth.passwords.same(sent, principal.csrf_token):
            return _refusal(
                403,
                f"缺少或错误的CSRF令牌 / missing or wrong {auth.CSRF_HEADER} header",
                "Forbidden",
            )
    collection_id = (request.view_args or {}).get("collection_id")
    layer = BY_ID.get(collection_id) if collection_id else None
    if layer is not None and layer.id not in served_ids():
        layer = None
    method = request.method
    if request.endpoint == "pygeoapi.collection_items" and method == "POST" and not is_create():
        method = "GET"  # pygeoapi's POST search with a CQL2 JSON body reads
    denial = policy.check(principal, rule, method, layer, collection_id)
    if denial is not None:
        return _refusal(denial.status, denial.message, CODES[denial.status])
    return None


def served_ids() -> frozenset[str]:
    """The ids of the layers the API serves as collections."""
    from geoapi.query import collection_layers

    return frozenset(layer.id for layer in collection_layers())


#: Endpoints whose answer is the same whoever asks (the page, its files, the hillshade).
SAME_FOR_EVERYONE = frozenset(
    {
        "webmap.index",
        "province_page",
        "webmap.static",
        "webmap.hillshade_png",
        "webmap.web_manifest",
        "webmap.app_icon",
        "webmap.service_worker",
        "static",
        "pygeoapi.static",
    }
)


def _personal(response: Response) -> Response:
    """Every other answer depends on who asks, the anonymous one included: it says so (Vary),
    or a browser reuses the anonymous copy of a URL for the user who signed in since (and the
    other way round). Answers to signed-in users are kept by no shared cache."""
    if request.endpoint not in SAME_FOR_EVERYONE:
        response.vary.add("Authorization")
        response.vary.add("Cookie")
    principal = auth.current_principal()
    if not principal.anonymous:  # a view's own no-store (forms, documents) stays
        stored = "no-store" in response.headers.get("Cache-Control", "")
        response.headers["Cache-Control"] = "private, no-store" if stored else "private"
    return response


def install(app: Flask) -> None:
    """Guard every request of ``app`` (before any other hook)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _guard)
    app.after_request(_personal)
