"""The document routes: reading one document, and the one-enterprise-one-file archive.

* ``GET /ogcapi/documents/{id}``: the file, when the policy lets the user read it (the case it
  is attached to is theirs to see, or the archive it is filed in); each read is audited;
* ``GET /ogcapi/archive/{credit_code}``: the enterprise's E.1 file: per item present,
  expired or missing, with its documents; ``POST`` (multipart: ``file``, ``item``, ``title``,
  ``issued_on``, ``expires_on``) files a document;
* ``GET /ogcapi/archive``: the completeness table, one line per enterprise the user may see;
* ``GET /ogcapi/park-archive``: the park's E.2 archive (item 1 sums the enterprises' E.1
  files); ``POST`` (multipart, as above, ``item`` 2-7) files a park document; staff only;
* ``GET /ogcapi/collections/inspections/items/{id}/notice.docx``: the Appendix J notice.

All signed-in only (``Rule.SIGNED_IN``); the rest is ``accounts.policy``'s answer, asked by
``cases.documents`` and ``cases.archive``.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, current_app, request

from cases import archive, documents, park_archive
from cases.errors import BadCaseInput, CaseNotFound
from cases.notice import notice_docx
from geoapi.auth import current_principal
from geoapi.cases import _as_of, document_store, json_response, respond


def _sent(meta: dict[str, object], data: bytes) -> Response:
    response = Response(data, mimetype=str(meta["media_type"]))
    name = str(meta["filename"])
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def install(app: Flask) -> None:
    """Add the document and archive routes to ``app``."""
    mount = app.config["ONEMAP_MOUNT"]

    def document(document_id: int) -> Response:
        def run() -> Response:
            meta, data = documents.read(
                current_app.config["ONEMAP_ENGINE"],
                document_store(),
                current_principal(),
                document_id,
            )
            return _sent(meta, data)

        return respond(run)

    def enterprise_file(credit_code: str) -> Response:
        def run() -> Response:
            db = current_app.config["ONEMAP_ENGINE"]
            principal = current_principal()
            if request.method == "POST":
                upload = request.files.get("file")
                if upload is None:
                    raise BadCaseInput("缺少文件 / send the document as the multipart field file")
                archive.file_document(
                    db,
                    document_store(),
                    principal,
                    credit_code,
                    dict(request.form),
                    documents.Upload(upload.filename, upload.read()),
                )
                body = archive.completeness(db, principal, credit_code)
                return json_response(body, 201)
            today = _as_of(request.args.get("as_of"))
            return json_response(archive.completeness(db, principal, credit_code, today))

        return respond(run)

    def table() -> Response:
        def run() -> Response:
            today = _as_of(request.args.get("as_of"))
            rows = archive.completeness_table(
                current_app.config["ONEMAP_ENGINE"], current_principal(), today
            )
            return json_response({"as_of": today.isoformat(), "enterprises": rows})

        return respond(run)

    def notice(collection_id: str, item_id: int) -> Response:
        def run() -> Response:
            if collection_id != "inspections":
                raise CaseNotFound(f"没有整改通知书 / {collection_id} have no notices")
            name, data = notice_docx(
                current_app.config["ONEMAP_ENGINE"], current_principal(), item_id
            )
            return _sent({"media_type": documents.DOCX, "filename": name}, data)

        return respond(run)

    app.add_url_rule(
        mount + "/collections/<path:collection_id>/items/<int:item_id>/notice.docx",
        endpoint="inspection_notice",
        view_func=notice,
    )
    app.add_url_rule(
        mount + "/documents/<int:document_id>", endpoint="document_read", view_func=document
    )
    app.add_url_rule(
        mount + "/archive/<credit_code>",
        endpoint="archive_file",
        view_func=enterprise_file,
        methods=["GET", "POST"],
    )
    app.add_url_rule(mount + "/archive", endpoint="archive_table", view_func=table)

    def park_file() -> Response:
        def run() -> Response:
            db = current_app.config["ONEMAP_ENGINE"]
            principal = current_principal()
            if request.method == "POST":
                upload = request.files.get("file")
                if upload is None:
                    raise BadCaseInput("缺少文件 / send the document as the multipart field file")
                park_archive.file_park_document(
                    db,
                    document_store(),
                    principal,
                    dict(request.form),
                    documents.Upload(upload.filename, upload.read()),
                )
                return json_response(park_archive.park_completeness(db, principal), 201)
            today = _as_of(request.args.get("as_of"))
            return json_response(park_archive.park_completeness(db, principal, today))

        return respond(run)

    # a path of its own: /archive/{credit_code} would take "park" for a credit code
    app.add_url_rule(
        mount + "/park-archive",
        endpoint="park_archive",
        view_func=park_file,
        methods=["GET", "POST"],
    )
