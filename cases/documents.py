"""Documents: files attached to case transitions and to the one-enterprise-one-file archive.

* Content-addressed: a file is stored once under its SHA-256 in a directory the project owns
  (``ONEMAP_DOCUMENTS_DIR``, default ``documents/`` in the data directory); the path is made
  from the digest alone, so nothing a user sends (a file name, an id) ever reaches the file
  system. Writes go to a temporary file first and are renamed into place.
* Checked by content, never by name or declared type: JPEG, PNG, PDF, DOCX, XLSX; at most
  ``ONEMAP_DOCUMENT_MAX_BYTES`` (default 8 MiB) each.
* Metadata in PostGIS (``documents``: digest, type, size, the display name, owner enterprise,
  the case and history entry or the archive item, issue and expiry dates).
* Every read is the policy's to allow (the case must be visible, or ``accounts.policy.
  may_read_documents``) and is recorded in the audit trail (action ``read``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from accounts import policy
from accounts.principal import Principal
from cases.errors import BadCaseInput, CaseNotFound

ENV_DIR = "ONEMAP_DOCUMENTS_DIR"
ENV_MAX_BYTES = "ONEMAP_DOCUMENT_MAX_BYTES"
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHOTOS = frozenset({"image/jpeg", "image/png"})
ALL_TYPES = PHOTOS | {"application/pdf", DOCX, XLSX}
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
MAX_ATTACHMENTS = 10


def max_bytes() -> int:
    """The size limit of one document (``ONEMAP_DOCUMENT_MAX_BYTES``)."""
    raw = os.environ.get(ENV_MAX_BYTES, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_BYTES


def sniff(data: bytes) -> str | None:
    """The media type ``data`` is, by its content; None for a type not accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def display_name(name: str | None, media_type: str) -> str:
    """A file name safe to show and to send in Content-Disposition: no directories, no control
    or quoting characters, at most 120 characters (it is never used as a path)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r'[\x00-\x1f\x7f"<>:|?*;]', "_", base).strip(" .") or "document"
    return base[:120]


@dataclass(frozen=True)
class Upload:
    """A file as received: the name the client gave (display only) and its bytes."""

    filename: str | None
    data: bytes


class DocumentStore:
    """The content-addressed files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def configured(cls, default_root: Path) -> DocumentStore:
        """The store at ``ONEMAP_DOCUMENTS_DIR``, else at ``default_root``."""
        configured = os.environ.get(ENV_DIR)
        return cls(Path(configured).expanduser() if configured else default_root)

    def path_of(self, sha256: str) -> Path:
        """Where the file of a digest lives (``ab/cd/abcd…``)."""
        if not _DIGEST.match(sha256):
            raise ValueError("not a SHA-256 digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (once); its digest."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path_of(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        """The bytes of a stored file."""
        return self.path_of(sha256).read_bytes()


def checked(upload: Upload, allowed: frozenset[str] = ALL_TYPES) -> tuple[str, str]:
    """``(media type, display name)`` of an upload; :class:`BadCaseInput` when it is too large,
    empty, or not of an ``allowed`` type by its content."""
    limit = max_bytes()
    if not upload.data:
        raise BadCaseInput(f"空文件 / {upload.filename or 'the file'} is empty")
    if len(upload.data) > limit:
        raise BadCaseInput(
            f"文件过大 / {upload.filename or 'the file'} is {len(upload.data)} bytes; "
            f"at most {limit} are accepted"
        )
    media_type = sniff(upload.data)
    if media_type not in allowed:
        kinds = ", ".join(sorted(k.split("/")[-1].split(".")[-1] for k in allowed))
        raise BadCaseInput(
            f"文件类型不支持 / {upload.filename or 'the file'} is not one of {kinds} "
            "(judged by its content)"
        )
    return media_type, display_name(upload.filename, media_type)


def save(
    connection: sa.Connection,
    store: DocumentStore,
    uploads: Iterable[Upload],
    uploaded_by: str,
    *,
    owner: str | None,
    allowed: frozenset[str] = ALL_TYPES,
    link: Mapping[str, Any] | None = None,
) -> list[int]:
    """Store ``uploads`` and their metadata in the caller's transaction; their ids.

    ``link`` holds the columns tying them to a case (``case_type``, ``case_id``,
    ``transition_id``) or to the archive (``archive_item``, ``title``, ``issued_on``,
    ``expires_on``). Every upload is checked before any is stored.
    """
    files = list(uploads)
    if len(files) > MAX_ATTACHMENTS:
        raise BadCaseInput(f"附件过多 / at most {MAX_ATTACHMENTS} files at once")
    kinds = [checked(upload, allowed) for upload in files]
    ids = []
    for upload, (media_type, name) in zip(files, kinds, strict=True):
        sha256 = store.put(upload.data)
        row = {
            "sha256": sha256,
            "media_type": media_type,
            "size_bytes": len(upload.data),
            "filename": name,
            "uploaded_by": uploaded_by,
            "credit_code": owner,
            **(link or {}),
        }
        names = ", ".join(f'"{c}"' for c in row)
        binds = ", ".join(f":{c}" for c in row)
        ids.append(
            int(
                connection.execute(
                    sa.text(f"INSERT INTO documents ({names}) VALUES ({binds}) RETURNING id"),
                    row,
                ).scalar_one()
            )
        )
    return ids


def _case_visible(connection: sa.Connection, principal: Principal, row: Mapping[str, Any]) -> bool:
    from layers import BY_ID

    layer = BY_ID.get(row["case_type"] or "")
    view = policy.read_view(principal, layer) if layer is not None else None
    if view is None:
        return False
    return bool(
        connection.execute(
            sa.text(f"SELECT EXISTS (SELECT 1 FROM {view.relation} v WHERE v.id = :i)"),
            {"i": row["case_id"]},
        ).scalar_one()
    )


def read(
    engine: sa.Engine, store: DocumentStore, principal: Principal, document_id: int
) -> tuple[dict[str, Any], bytes]:
    """A document's metadata and bytes, when ``principal`` may read it (recorded in the audit
    trail); :class:`CaseNotFound` otherwise, as for a document that does not exist."""
    with engine.begin() as connection:
        row = (
            connection.execute(sa.text("SELECT * FROM documents WHERE id = :i"), {"i": document_id})
            .mappings()
            .one_or_none()
        )
        allowed = row is not None and (
            policy.may_read_documents(principal, row["credit_code"])
            or (row["case_id"] is not None and _case_visible(connection, principal, dict(row)))
        )
        if row is None or not allowed:
            raise CaseNotFound(f"无此文件 / no document {document_id}")
        connection.execute(
            sa.text(
                "INSERT INTO audit_log (actor, layer, feature_id, action) "
                "VALUES (:a, 'documents', :i, 'read')"
            ),
            {"a": "public" if principal.anonymous else f"user:{principal.login}", "i": document_id},
        )
    meta = {
        k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v) for k, v in row.items()
    }
    return meta, store.get(row["sha256"])
