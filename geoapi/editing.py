"""Editing through the API: OGC API Features Part 4 (1.0.0-draft.2) on every layer's items.

* ``POST /collections/{id}/items`` (one GeoJSON Feature) → 201, ``Location`` and ``ETag``;
* ``PUT`` (replace), ``PATCH`` (``application/merge-patch+json``: ``null`` unsets a property)
  and ``DELETE`` on ``/items/{fid}``; ``If-Match`` with a stale ETag → 412, nothing changed;
* ``OPTIONS`` answers ``Allow`` with the methods this user may use there (QGIS >= 3.32 decides
  whether a layer is editable from exactly that);
* ``GET /items/{fid}/history`` → the feature's audit entries, newest first (staff, admin).

Who may write which rows is ``accounts.policy.write_scope``'s answer; a row must be within the
scope before and after the change (an enterprise cannot take another's row by PATCHing its
credit code). Each write is one transaction naming its actor, so the audit trigger records who.

What was sent is read and validated by ``geoapi.feature_input`` (bodies, media types, the
loader's own checks through ``etl.rows``); versions and ``If-Match`` are ``geoapi.etags``'; the
Part 4 conformance and OpenAPI operations are ``geoapi.editing_openapi``'.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import psycopg
import sqlalchemy as sa
from flask import Flask, Response, request

from accounts import audit, policy
from accounts.policy import WriteScope
from geoapi.access import readable_ids, scope_of, view_of
from geoapi.auth import current_principal
from geoapi.errors import (
    Conflict,
    Forbidden,
    GeoApiError,
    InvalidParameterValue,
    NotFound,
    Unauthenticated,
    error_response,
)
from geoapi.etags import ETAG_SQL, check_if_match, representation_tag
from geoapi.feature_input import (
    FEATURE_TYPES,
    MERGE_PATCH,
    check_properties,
    feature_from_body,
    feature_id,
    merge_patch,
    read_body,
    read_geometry,
    validated_row,
)
from geoapi.features import query_item
from geoapi.query import parse_items
from layers.schema import GEOMETRY_COLUMN
from layers.spec import Layer, input_fields


def _scope(layer: Layer) -> WriteScope:
    scope = scope_of(layer)
    if scope is None:
        principal = current_principal()
        if principal.anonymous:
            raise Unauthenticated(f"请先登录 / sign in to write {layer.id}")
        raise Forbidden(f"无写入权限 / {principal.login} may not write {layer.id}")
    return scope


def _declaration(scope: WriteScope, stored: Mapping[str, Any] | None, sent: Any) -> None:
    """Refuse what the policy's rule of declared layers refuses (review fields, accepted rows)."""
    denial = policy.declaration_denial(scope, stored, sent)
    if denial is not None:
        raise Forbidden(denial)


def _review(scope: WriteScope, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The review fields this write leaves (the policy's answer; {} for undeclared layers)."""
    actor = f"user:{current_principal().login}"
    return policy.review_on_write(scope, stored, actor, dt.datetime.now(dt.UTC))


def _own_only(scope: WriteScope, row: Mapping[str, Any] | None, when: str) -> None:
    if not scope.allows(row):
        raise Forbidden(
            f"只能编辑本企业的记录 / only your own enterprise's rows may be written ({when})"
        )


class Editor:
    """The editing routes of one app (its engine, mount URL and the park's GK zone)."""

    def __init__(self, engine: sa.Engine, base_url: str, zone_srid: int) -> None:
        self.engine = engine
        self.base_url = base_url
        self.zone_srid = zone_srid

    # reading back -----------------------------------------------------------------------
    def etag(self, layer: Layer, fid: int) -> str | None:
        """The current version of a feature as this user reads it, as an ETag value."""
        with self.engine.connect() as connection:
            value = connection.execute(
                sa.text(f'SELECT {ETAG_SQL} FROM "{layer.id}" t WHERE id = :i'), {"i": fid}
            ).scalar_one_or_none()
        return None if value is None else representation_tag(value, layer)

    def _read_back(self, connection: sa.Connection, layer: Layer, fid: int) -> bytes | None:
        """The feature as this user reads it, in the transaction that wrote it (no second
        connection from the pool, with its ping, after the commit)."""
        q = parse_items(layer, {}, self.zone_srid, view=view_of(layer), readable=readable_ids())
        return query_item(connection, q, fid, self.base_url)

    @staticmethod
    def _feature_response(layer: Layer, body: bytes | None, status: int, version: str) -> Response:
        """The written feature, tagged with the ``version`` its write returned (``RETURNING``)."""
        response = Response(body or b"", status=status, mimetype="application/geo+json")
        response.headers["ETag"] = representation_tag(version, layer)
        return response

    # the row as stored ----------------------------------------------------------------
    def _existing(
        self, connection: sa.Connection, layer: Layer, fid: int
    ) -> tuple[dict[str, Any], str]:
        """The stored row (locked), its ETag; NotFound when it does not exist for the user."""
        view = view_of(layer)
        geometry = ", ST_AsGeoJSON(t.geom) AS geojson" if layer.geometry is not None else ""
        row = (
            connection.execute(
                sa.text(
                    f"SELECT to_jsonb(t) - 'geom' AS row, {ETAG_SQL} AS etag{geometry}, "
                    f"EXISTS (SELECT 1 FROM {view.relation} v WHERE v.id = t.id) AS visible "
                    f'FROM "{layer.id}" t WHERE t.id = :i FOR UPDATE OF t'
                ),
                {"i": fid},
            )
            .mappings()
            .one_or_none()
        )
        if row is None or not row["visible"]:
            raise NotFound(f"无此要素 / no feature {fid} in {layer.id}")
        stored = dict(row["row"])
        if layer.geometry is not None:
            stored[GEOMETRY_COLUMN] = json.loads(row["geojson"])
        return stored, representation_tag(row["etag"], layer)

    # writing --------------------------------------------------------------------------
    def _begin(self) -> Any:
        connection = self.engine.connect()
        transaction = connection.begin()
        principal = current_principal()
        audit.set_actor(connection, f"user:{principal.login}")
        return connection, transaction

    def _run(self, action: Any) -> Any:
        connection, transaction = self._begin()
        try:
            result = action(connection)
            transaction.commit()
            return result
        except sa.exc.IntegrityError as exc:
            transaction.rollback()
            raise Conflict(_integrity_message(exc)) from None
        except BaseException:
            transaction.rollback()
            raise
        finally:
            connection.close()

    def create(self, layer: Layer) -> Response:
        scope = _scope(layer)
        feature = feature_from_body(read_body(FEATURE_TYPES))
        properties = feature.get("properties") or {}
        _declaration(scope, None, properties)
        check_properties(layer, properties)
        geometry = read_geometry(
            feature.get("geometry"), request.headers.get("Content-Crs"), self.zone_srid
        )

        def insert(connection: sa.Connection) -> tuple[int, str, bytes | None]:
            row = validated_row(connection, layer, properties, geometry)
            _own_only(scope, row, "new row")
            row.update(_review(scope, None))
            columns = [c for c in row if c != GEOMETRY_COLUMN]
            names = ", ".join(f'"{c}"' for c in columns)
            binds = ", ".join(f":v{i}" for i in range(len(columns)))
            params: dict[str, Any] = {f"v{i}": row[c] for i, c in enumerate(columns)}
            if GEOMETRY_COLUMN in row:
                names += ", geom"
                binds += ", CAST(:geom AS geometry)"
                params["geom"] = row[GEOMETRY_COLUMN]
            inserted = connection.execute(
                sa.text(
                    f'INSERT INTO "{layer.id}" AS t ({names}) VALUES ({binds}) '
                    f"RETURNING t.id, {ETAG_SQL}"
                ),
                params,
            ).one()
            fid = int(inserted[0])
            return fid, str(inserted[1]), self._read_back(connection, layer, fid)

        fid, version, body = self._run(insert)
        response = self._feature_response(layer, body, 201, version)
        response.headers["Location"] = f"{self.base_url}/collections/{layer.id}/items/{fid}"
        return response

    def replace(self, layer: Layer, fid: int, merge: bool) -> Response:
        scope = _scope(layer)
        feature = (
            merge_patch(read_body((MERGE_PATCH,)))
            if merge
            else feature_from_body(read_body(FEATURE_TYPES))
        )
        if "id" in feature and str(feature["id"]) != str(fid):
            raise InvalidParameterValue(f"不能修改要素标识 / the id is {fid}, not {feature['id']}")
        patch = feature.get("properties") or {}
        _declaration(scope, None, patch)
        check_properties(layer, patch)

        def update(connection: sa.Connection) -> tuple[str, bytes | None]:
            stored, etag = self._existing(connection, layer, fid)
            check_if_match(etag)
            _own_only(scope, stored, "as stored")
            _declaration(scope, stored, patch)
            if merge:
                properties = {f.name: stored.get(f.name) for f in input_fields(layer)}
                properties.update(patch)
            else:
                properties = dict(patch)
            raw_geometry = feature.get("geometry", stored.get(GEOMETRY_COLUMN) if merge else None)
            crs = request.headers.get("Content-Crs") if "geometry" in feature else None
            geometry = read_geometry(raw_geometry, crs, self.zone_srid)
            row = validated_row(connection, layer, properties, geometry)
            _own_only(scope, row, "after the change")
            row.update(_review(scope, stored))
            columns = [c for c in row if c != GEOMETRY_COLUMN]
            sets = [f'"{c}" = :v{i}' for i, c in enumerate(columns)]
            params: dict[str, Any] = {f"v{i}": row[c] for i, c in enumerate(columns)}
            if GEOMETRY_COLUMN in row:
                sets.append("geom = CAST(:geom AS geometry)")
                params["geom"] = row[GEOMETRY_COLUMN]
            params["fid"] = fid
            version = connection.execute(
                sa.text(
                    f'UPDATE "{layer.id}" AS t SET {", ".join(sets)} WHERE t.id = :fid '
                    f"RETURNING {ETAG_SQL}"
                ),
                params,
            ).scalar_one()
            return str(version), self._read_back(connection, layer, fid)

        version, body = self._run(update)
        return self._feature_response(layer, body, 200, version)

    def delete(self, layer: Layer, fid: int) -> Response:
        scope = _scope(layer)

        def remove(connection: sa.Connection) -> None:
            stored, etag = self._existing(connection, layer, fid)
            check_if_match(etag)
            _own_only(scope, stored, "as stored")
            _declaration(scope, stored, ())
            connection.execute(sa.text(f'DELETE FROM "{layer.id}" WHERE id = :i'), {"i": fid})

        self._run(remove)
        return Response(status=204)

    def history(self, layer: Layer, fid: int) -> Response:
        with self.engine.connect() as connection:
            entries = audit.history(connection, layer.id, fid)
        if not entries and self.etag(layer, fid) is None:
            raise NotFound(f"无此要素 / no feature {fid} in {layer.id}")
        body = {"collection": layer.id, "id": fid, "changes": entries}
        return Response(audit.dumps([body])[1:-1], mimetype="application/json")


def _integrity_message(exc: sa.exc.IntegrityError) -> str:
    original = exc.orig
    if isinstance(original, psycopg.errors.UniqueViolation):
        return "与已有要素的唯一键重复 / another feature has the same natural key"
    if isinstance(original, psycopg.errors.ForeignKeyViolation):
        return "仍被其他要素引用，不能删除或改键 / other features still refer to this one"
    first = str(original).strip().splitlines()[0] if str(original).strip() else "integrity"
    return f"数据库拒绝了本次写入 / the database refused the write: {first}"


def install(app: Flask, editor: Editor, layers_by_id: Mapping[str, Layer]) -> None:
    """Route the items endpoints' write methods, OPTIONS and the history to ``editor``."""
    endpoint = "pygeoapi.collection_items"
    mount = app.config["ONEMAP_MOUNT"]
    item_rule = mount + "/collections/<path:collection_id>/items/<path:item_id>"
    app.add_url_rule(item_rule, endpoint=endpoint, methods=["PATCH"])

    def history(collection_id: str, item_id: str) -> Response:
        try:
            return editor.history(layers_by_id[collection_id], feature_id(item_id))
        except GeoApiError as exc:
            return error_response(exc)

    app.add_url_rule(
        mount + "/collections/<path:collection_id>/items/<int:item_id>/history",
        endpoint="feature_history",
        view_func=history,
        methods=["GET"],
    )

    @app.before_request
    def options() -> Response | None:
        if request.method != "OPTIONS" or request.endpoint != endpoint:
            return None
        layer = layers_by_id[(request.view_args or {})["collection_id"]]
        from accounts.policy import allowed_methods

        item = bool((request.view_args or {}).get("item_id"))
        response = Response(status=204)
        response.headers["Allow"] = ", ".join(allowed_methods(current_principal(), layer, item))
        return response


def dispatch(editor: Editor, layer: Layer, item_id: str | None) -> Response:
    """Run one write request (the items view hands them here)."""
    try:
        if item_id is None:
            if request.method != "POST":
                raise InvalidParameterValue(f"不支持的方法 / {request.method} on items")
            return editor.create(layer)
        fid = feature_id(item_id)
        if request.method == "DELETE":
            return editor.delete(layer, fid)
        return editor.replace(layer, fid, merge=request.method == "PATCH")
    except GeoApiError as exc:
        return error_response(exc)
