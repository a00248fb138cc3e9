"""ETags of features (OGC API Features Part 4, optimistic locking): what a feature's tag names,
and the check of ``If-Match`` before a write.

A tag names the row's stored version (``md5`` of the row) and, for a signed-in reader, the view
it was read through; ``If-Match`` compares versions only, whatever coding or view suffix the
client's copy carries.
"""

from __future__ import annotations

import hashlib
import re

from flask import request

from geoapi.access import view_of
from geoapi.errors import PreconditionFailed
from layers.spec import Layer

#: The stored version of row ``t`` of a layer's table.
ETAG_SQL = "md5(row_to_json(t)::text)"
_CODING_SUFFIX = re.compile(r":(gzip|br|deflate|zstd)$")
_VIEW_SUFFIX = re.compile(r"-v[0-9a-f]{8}$")


def version_of(tag: str) -> str:
    """The stored version an ETag names: a compressed response's ETag carries its coding
    (flask-compress: ``"abc:gzip"``), a weak one ``W/``, a signed-in reader's its view
    (``"abc-v1234abcd"``, :func:`representation_tag`); all name the same row version."""
    tag = tag.strip()
    if tag == "*":
        return tag
    tag = tag.removeprefix("W/").strip('"')
    return _VIEW_SUFFIX.sub("", _CODING_SUFFIX.sub("", tag))


def representation_tag(version: str, layer: Layer) -> str:
    """The ETag of one feature as the current user reads it (quoted). The row's version alone
    would name the anonymous and the staff copy alike, and a browser revalidating its
    anonymous copy after signing in would be told 304 (flask-compress answers conditional
    requests) and keep showing it; so a signed-in reader's view (its fields and rows) is part
    of the tag. If-Match compares the version only (:func:`version_of`)."""
    view = view_of(layer)
    if not view.personal:
        return f'"{version}"'
    key = ",".join(f.name for f in view.fields) + "|" + view.relation
    return f'"{version}-v{hashlib.sha256(key.encode()).hexdigest()[:8]}"'


def check_if_match(etag: str) -> None:
    """Refuse a write whose ``If-Match`` names no current version of the feature (412)."""
    wanted = request.headers.get("If-Match")
    if wanted is None:
        return
    tags = {version_of(t) for t in wanted.split(",")}
    if "*" not in tags and version_of(etag) not in tags:
        raise PreconditionFailed(
            f"要素已被他人修改 / the feature has changed since {wanted}: read it again"
        )
