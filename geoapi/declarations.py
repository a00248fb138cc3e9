"""``POST /collections/{id}/items/{fid}/review``: the office accepts or returns a declaration.

The body is ``{"decision": "accept" | "return", "reason": "..."}`` (a return needs a reason).
Who may review is ``accounts.policy.may_review``'s answer (the office, never the declaring
enterprise); the transition is ``sources.declarations.review``'s, in one transaction naming
the reviewer, so the audit trail records it. What an enterprise may change of its own
declarations is the policy's rule for every write (``geoapi.editing``).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask, Response, request

from accounts import audit, policy
from geoapi.auth import current_principal
from geoapi.errors import (
    Conflict,
    Forbidden,
    InvalidParameterValue,
    NotFound,
    UnsupportedMediaType,
    error_response,
)
from layers import BY_ID
from sources.declarations import (
    DeclarationNotFoundError,
    ReviewError,
    ReviewStateError,
    review,
)


def _decision() -> tuple[object, object]:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("请以 application/json 提交审核 / send the review as JSON")
    try:
        body = json.loads(request.get_data() or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidParameterValue("请求体不是JSON / the body is not JSON") from None
    if not isinstance(body, dict):
        raise InvalidParameterValue(
            '审核须为对象 / the review must be an object: {"decision": "accept"}'
        )
    return body.get("decision"), body.get("reason")


def install(app: Flask, engine: sa.Engine) -> None:
    """Add the review route of declared layers to ``app``."""
    mount = app.config["ONEMAP_MOUNT"]

    def review_declaration(collection_id: str, item_id: int) -> Response:
        layer = BY_ID.get(collection_id)
        if layer is None or not layer.declared:
            return error_response(
                NotFound(f"{collection_id} 没有审核 / {collection_id} holds no declarations")
            )
        principal = current_principal()
        if not policy.may_review(principal, layer):
            return error_response(
                Forbidden(f"无审核权限 / {principal.login} may not review {layer.id}")
            )
        try:
            decision, reason = _decision()
            with engine.begin() as connection:
                audit.set_actor(connection, f"user:{principal.login}")
                done = review(connection, layer, item_id, decision, reason, principal.login or "")
        except ReviewError as exc:
            return error_response(InvalidParameterValue(str(exc)))
        except DeclarationNotFoundError as exc:
            return error_response(NotFound(str(exc)))
        except ReviewStateError as exc:
            return error_response(Conflict(str(exc)))
        except (InvalidParameterValue, UnsupportedMediaType) as exc:
            return error_response(exc)
        body = json.dumps(done.as_json(), ensure_ascii=False)
        return Response(body, status=200, mimetype="application/json")

    app.add_url_rule(
        mount + "/collections/<path:collection_id>/items/<int:item_id>/review",
        "declaration_review",
        review_declaration,
        methods=["POST"],
    )
