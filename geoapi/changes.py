"""A collection's change feed, read from the audit trail: which features changed since a point.

``GET /ogcapi/collections/{id}/changes`` answers ``{"latest": N}``: the audit trail's position
now. ``GET …/changes?after=N`` answers the features of that collection inserted, updated or
deleted after position N, each once with its last action, and the position they bring it to:

    {"collection": "stations", "after": 17, "latest": 42, "more": false,
     "changes": [{"id": 3, "action": "update"}, {"id": 9, "action": "delete"}]}

A harvester (``province.harvest``) keeps ``latest`` and asks again from it; with ``more`` it asks
again at once. Only ids and actions leave the park, never a row's values (the items say what
the reader may see of a row), and only of rows the reader may see (``accounts.policy``'s
``visible_fields`` on the row as it was written). Layers audited by batch (observations) have
no per-row trail: their feed is refused with a 404 and they are harvested by ``datetime``.

``latest`` never passes an entry that is not yet visible. Audit ids are drawn as rows are
written, but transactions commit in their own order, so a smaller id may become visible after
a larger one. Every entry written before the oldest transaction still open (``xact_start`` in
``pg_stat_activity``, read in a statement of its own before the trail) belongs to a committed
transaction and is visible to the next statement; the feed reads up to the last such entry.
Reads go to the primary (a standby's ``pg_stat_activity`` does not show the primary's
transactions), and the app's role must see the writers' sessions: they write as the same role
(as the app, the loader and the listener do here), or it is granted ``pg_read_all_stats``.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask, Response, request

from accounts import policy
from geoapi import auth
from geoapi.errors import GeoApiError, InvalidParameterValue, NotFound, error_response
from layers.spec import Layer

#: Entries of the trail read per answer at most (``more`` says when there are others).
PAGE_ENTRIES = 10_000

_HORIZON = sa.text(
    "SELECT coalesce(min(xact_start), now()) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND xact_start IS NOT NULL"
)
_END = sa.text("SELECT coalesce(max(id), 0) FROM audit_log")
_LATEST_BEFORE = sa.text("SELECT id FROM audit_log WHERE at < :horizon ORDER BY id DESC LIMIT 1")
_ENTRIES = sa.text(
    'SELECT id, feature_id, action, coalesce("after", "before") FROM audit_log'
    " WHERE layer = :layer AND id > :after AND id <= :latest AND feature_id IS NOT NULL"
    " ORDER BY id LIMIT :n"
)


def _after() -> int | None:
    raw = request.args.get("after")
    if raw is None:
        return None
    if not raw.isdigit():
        raise InvalidParameterValue(
            f"after 须为非负整数 / after must be a position of the trail (0, 1, …), not {raw!r}"
        )
    return int(raw)


def changes(connection: sa.Connection, layer: Layer, after: int | None) -> dict[str, object]:
    """The feed's answer for ``layer`` after position ``after`` (None: the position only)."""
    horizon = connection.execute(_HORIZON).scalar_one()
    latest = connection.execute(_LATEST_BEFORE, {"horizon": horizon}).scalar_one_or_none() or 0
    if after is None:
        return {"collection": layer.id, "latest": latest}
    if after > latest and after > connection.execute(_END).scalar_one():
        # a position this trail never reached: the park's database was replaced
        raise InvalidParameterValue(
            f"变更记录没有位置 {after} / the trail has no position {after}: read the collection"
            " whole and ask for the position again (without after)"
        )
    rows = connection.execute(
        _ENTRIES, {"layer": layer.id, "after": after, "latest": latest, "n": PAGE_ENTRIES}
    ).all()
    more = len(rows) == PAGE_ENTRIES
    if more:
        latest = rows[-1][0]
    principal = auth.current_principal()
    last: dict[int, str] = {}
    for _, fid, action, row in rows:
        if policy.visible_fields(principal, layer, row or {}) is None:
            continue  # a row this reader may not see: not even its id
        last.pop(fid, None)  # keep ids in the order of their last change
        last[fid] = action
    return {
        "collection": layer.id,
        "after": after,
        "latest": max(latest, after),
        "more": more,
        "changes": [{"id": fid, "action": action} for fid, action in last.items()],
    }


def install(app: Flask, engine: sa.Engine, layers_by_id: dict[str, Layer]) -> None:
    """Serve the feed of every row-audited collection at ``{mount}/collections/{id}/changes``."""
    mount = app.config["ONEMAP_MOUNT"]

    def feed(collection_id: str) -> Response:
        try:
            layer = layers_by_id.get(collection_id)
            if layer is None or layer.audit != "row":
                raise NotFound(
                    f"{collection_id} 无逐行变更记录 / {collection_id} has no per-row change"
                    " trail: harvest it by datetime"
                )
            after = _after()
            with engine.connect() as connection:
                body = changes(connection, layer, after)
        except GeoApiError as exc:
            return error_response(exc)
        return Response(json.dumps(body), mimetype="application/json")

    app.add_url_rule(
        mount + "/collections/<path:collection_id>/changes",
        endpoint="collection_changes",
        view_func=feed,
        methods=["GET"],
    )
