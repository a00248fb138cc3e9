"""GeoJSON features built inside PostGIS, as text, plus the FeatureCollection around them.

Python never parses a feature on the hot path: PostgreSQL returns one text value holding the page's
features joined by commas, read as the UTF-8 bytes it arrives in (never decoded to ``str`` and
encoded back), and Python concatenates it with the collection's members and links.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any
from urllib.parse import urlencode

from psycopg.adapt import Loader
from sqlalchemy import Connection, Engine

from geoapi.crs import Crs
from geoapi.query import (
    COUNT_REUSE_S,
    EXACT_COUNT_MAX,
    NUMBER_MATCHED_RULE,
    PROFILE_URI,
    ItemsQuery,
    collection_layers,
)
from geoapi.times import property_json_sql, response_zone
from layers.spec import Layer

#: Decimal places of output coordinates: 1e-7 degree is about 1 cm; 1 mm in projected CRSs.
GEOGRAPHIC_DIGITS = 7
PROJECTED_DIGITS = 3
_ESTIMATE_TTL_S = 60.0
_estimates: dict[tuple[str, str], tuple[float, float]] = {}
_COUNTS_KEPT = 1000
_counts: dict[tuple[str, str, str, str], tuple[int, float]] = {}
_planned: dict[tuple[str, ...], tuple[int, float]] = {}


class _Utf8Bytes(Loader):
    """Loads a text value as the UTF-8 bytes it came in: the page goes out as it came."""

    def load(self, data: Any) -> bytes:
        return bytes(data)


def _fetch_one(
    source: Engine | Connection, sql: str, params: dict[str, Any]
) -> tuple[Any, ...] | None:
    """One row of ``sql``, text columns as UTF-8 bytes: on a pooled connection in autocommit (a
    read needs no BEGIN and no ROLLBACK, two round trips fewer per request), or on the given
    connection, in its transaction (a write reading back what it wrote before it commits)."""
    if isinstance(source, Connection):
        return _fetch_on(source, sql, params)
    with source.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return _fetch_on(connection, sql, params)


def _fetch_on(connection: Connection, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.adapters.register_loader("text", _Utf8Bytes)
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def related(
    layer: Layer, readable: frozenset[str] | None = None
) -> list[tuple[str, str, str, str]]:
    """``(column, target collection, target property, title)`` of each related-features link.

    Forward references (an outfall's ``credit_code`` → its enterprise) and reverse ones (an
    enterprise → its outfalls, a station → its observations), from ``Field.references``; only
    to collections in ``readable`` (those the user may read) when given.
    """
    served = {c.id: c for c in collection_layers() if readable is None or c.id in readable}
    out = []
    for f, target, target_field in layer.references:
        if target in served:
            t = served[target]
            out.append((f.name, target, target_field, f"{t.zh} / {t.en}"))
    for other in served.values():
        for f, target, target_field in other.references:
            if target == layer.id:
                out.append((target_field, other.id, f.name, f"{other.zh} / {other.en}"))
    return out


#: The characters that would end or change a query value, percent-encoded in link hrefs (``%``
#: first). Other non-ASCII characters stay as they are: the href is then an IRI (RFC 3987), which
#: clients encode themselves. About 5 % of a 1,000-line page's SQL time.
_QUERY_VALUE_ESCAPES = (("%", "%25"), ("&", "%26"), ("#", "%23"), ("+", "%2B"), (" ", "%20"))


def _query_value_sql(expression: str, escapes: list[tuple[str, str]]) -> str:
    """SQL percent-encoding ``expression`` for use as a query-string value; ``escapes`` are the
    bound placeholders of :data:`_QUERY_VALUE_ESCAPES` (a literal ``%`` would clash with the
    driver's own placeholders)."""
    for char, escaped in escapes:
        expression = f"replace({expression}, {char}::text, {escaped}::text)"
    return expression


def _geometry_sql(layer: Layer, crs: Crs, skip: bool) -> str:
    if skip or layer.geometry is None:
        return "'null'"
    geometry = "geom" if crs.srid == 4326 else f"ST_Transform(geom, {crs.srid})"
    if crs.lat_first:
        geometry = f"ST_FlipCoordinates({geometry})"
    digits = GEOGRAPHIC_DIGITS if crs.srid in (4326, 4490) else PROJECTED_DIGITS
    return f"ST_AsGeoJSON({geometry}, {digits}, 0)"  # options 0: no "crs" member


def feature_sql(q: ItemsQuery, base_url: str, extra_links: str | None = None) -> str:
    """SQL text of one row's GeoJSON Feature; binds link prefixes into ``q.params``."""
    assert q.crs is not None
    # row_to_json of a row of just the properties: every one, null included, in the asked
    # order; 10-17 % less SQL time per page than json_build_object (A/B on the demo's sewers).
    # Reals and times are given as json already written (geoapi.times), embedded verbatim.
    zone_name = response_zone()
    zone = q.params.bind(zone_name)
    columns = ", ".join(
        property_json_sql(q.layer.field(name), zone, zone_name) or f'"{name}"'
        for name in q.properties
    )
    properties = f"row_to_json((SELECT r FROM (SELECT {columns}) r))::text" if columns else "'{}'"
    links = []
    references = related(q.layer, q.readable) if q.profile == "rel-as-link" else []
    escapes = [(q.params.bind(a), q.params.bind(b)) for a, b in _QUERY_VALUE_ESCAPES]
    for column, target, target_field, title in references:
        prefix = q.params.bind(f"{base_url}/collections/{target}/items?{target_field}=") + "::text"
        head = (
            q.params.bind(
                '{"rel":"related","type":"application/geo+json","title":'
                + json.dumps(title, ensure_ascii=False)
                + ',"href":'
            )
            + "::text"
        )
        value = _query_value_sql(f'"{column}"::text', escapes)
        links.append(
            f'CASE WHEN "{column}" IS NULL THEN NULL ELSE '
            f"{head} || to_json({prefix} || {value})::text || '}}' END"
        )
    if extra_links:
        links.append(q.params.bind(extra_links) + "::text")
    links_sql = f"concat_ws(',', {', '.join(links)})" if links else "''"
    return (
        '\'{"type":"Feature","id":\' || id || \',"geometry":\' || '
        f"COALESCE({_geometry_sql(q.layer, q.crs, q.skip_geometry)}, 'null') || "
        f"',\"properties\":' || {properties} || ',\"links\":[' || {links_sql} || ']}}'"
    )


def _estimate(engine: Engine, layer: Layer) -> float:
    """The planner's row estimate of the layer's table (its statistics), or of its view (the
    plan's), cached for a minute per process."""
    key = (str(engine.url), layer.id)
    cached = _estimates.get(key)
    now = time.monotonic()
    if cached and now - cached[1] < _ESTIMATE_TTL_S:
        return cached[0]
    with engine.connect() as connection:
        if layer.view is None:
            rows = connection.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE oid = %(t)s::regclass", {"t": layer.id}
            ).scalar_one()
        else:
            plan = connection.exec_driver_sql(
                f'EXPLAIN (FORMAT JSON) SELECT 1 FROM "{layer.id}"'
            ).scalar_one()
            rows = plan[0]["Plan"]["Plan Rows"]
    _estimates[key] = (float(rows), now)
    return float(rows)


def _count_key(engine: Engine, q: ItemsQuery, where: str) -> tuple[str, str, str, str]:
    params = repr(sorted((k, repr(v)) for k, v in q.params.values.items()))
    # the relation too: two users with the same filters may see different rows
    return (str(engine.url), q.source, where, params)


def query_page(engine: Engine, q: ItemsQuery, base_url: str) -> tuple[bytes, int, int | None]:
    """``(features as UTF-8 JSON text, numberReturned, numberMatched or None)`` of one page, in one
    statement.

    The count follows :data:`geoapi.query.NUMBER_MATCHED_RULE`: a later page of the same query
    reuses the count for ``COUNT_REUSE_S`` seconds, so a client paging through a layer does not
    recount it on every page; on a large table the first page does too (counting 100,000 rows
    costs about as much as building a page of 1,000 lines); a small table's first page always
    counts; a short last page knows its count exactly (offset + returned) without counting.
    """
    table = q.source
    where = " AND ".join(q.where) or "TRUE"
    key = _count_key(engine, q, where)  # before feature_sql binds its link prefixes
    now = time.monotonic()
    large = _estimate(engine, q.layer) >= EXACT_COUNT_MAX
    # Keyset paging on a large table in id order: the next link carries the page's last id,
    # so the last page costs what the first does (an offset skips every row before it).
    q.keyset = q.order == ['"id" ASC'] and (large or q.after is not None)
    if not large:
        fresh_count = f"(SELECT count(*) FROM {table} WHERE {where})"
    else:
        capped = f"SELECT 1 FROM {table} WHERE {where} LIMIT {EXACT_COUNT_MAX + 1}"
        fresh_count = f"(SELECT count(*) FROM ({capped}) c)"
    paged = q.offset > 0 or q.after is not None
    reused = _counts.get(key) if paged or large else None
    if reused is not None and now - reused[1] < COUNT_REUSE_S:
        count = "NULL::bigint"
    else:
        reused, count = None, fresh_count
    page_where = where
    if q.after is not None:
        page_where = f"{where} AND id > {q.params.bind(q.after)}"
    order = ", ".join(q.order)
    page = (
        f"SELECT * FROM {table} WHERE {page_where} ORDER BY {order} "
        f"LIMIT {q.limit} OFFSET {q.offset}"
    )
    if q.offset > 0 and q.order == ['"id" ASC']:
        # Deep pages: skip the offset on the primary key's index alone, then fetch the rows.
        page = (
            f"SELECT t.* FROM {q.relation or q.table} AS t JOIN (SELECT id FROM {table} "
            f"WHERE {page_where} ORDER BY id LIMIT {q.limit} OFFSET {q.offset}) k USING (id)"
        )
    # Only the page's rows are turned into GeoJSON, outside the subquery: a projection below
    # LIMIT/OFFSET is evaluated for every skipped row too, which made deep pages (GDAL 3.6 pages
    # 10 at a time) cost a whole table's worth of ST_AsGeoJSON each.
    sql = (
        f"SELECT COALESCE(string_agg({feature_sql(q, base_url)}, ',' ORDER BY {order}), ''), "
        f"count(*), {count}, max(id) FROM ({page}) page"
    )
    row = _fetch_one(engine, sql, q.params.values)
    assert row is not None  # an aggregate without GROUP BY: always one row
    text, returned, matched, q.last_id = row
    if reused is not None:
        matched = reused[0]
        if returned == q.limit and q.offset + returned >= matched and q.after is None:
            # A full page at or past the reused count: rows were added meanwhile, or this
            # is the last page. Count afresh so the next link is neither lost nor invented.
            with engine.connect() as connection:
                matched = connection.exec_driver_sql(f"SELECT {fresh_count}", q.params.values)
                matched = matched.scalar_one()
            reused = None
    if 0 < returned < q.limit and q.after is None:
        matched = q.offset + returned  # the last page: exact whatever was counted before
    elif matched is not None and reused is None:
        if len(_counts) >= _COUNTS_KEPT:
            _counts.clear()
        _counts[key] = (matched, now)
    if matched is not None and matched > EXACT_COUNT_MAX:
        q.matched_estimate = _planner_estimate(engine, table, where, q.params.values, key)
        return text, returned, None
    return text, returned, matched


def _planner_estimate(
    engine: Engine, table: str, where: str, params: dict[str, Any], key: tuple[str, ...]
) -> int:
    """The planner's estimate of the rows matching ``where`` (EXPLAIN, no rows read), kept
    as long as a count is."""
    cached = _planned.get(key)
    now = time.monotonic()
    if cached and now - cached[1] < COUNT_REUSE_S:
        return cached[0]
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} WHERE {where}", params
        ).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    rows = int(plan[0]["Plan"]["Plan Rows"])
    if len(_planned) >= _COUNTS_KEPT:
        _planned.clear()
    _planned[key] = (rows, now)
    return rows


def query_item(engine: Engine | Connection, q: ItemsQuery, fid: int, base_url: str) -> bytes | None:
    """The GeoJSON of feature ``fid`` as UTF-8 bytes, or None (read on ``engine``'s pool, or on
    a connection in the transaction that wrote it)."""
    own = f"{base_url}/collections/{q.layer.id}"
    extra = ",".join(
        json.dumps(link, ensure_ascii=False)
        for link in (
            {"rel": "self", "type": "application/geo+json", "href": f"{own}/items/{fid}?f=json"},
            {"rel": "alternate", "type": "text/html", "href": f"{own}/items/{fid}?f=html"},
            {"rel": "collection", "type": "application/json", "href": f"{own}?f=json"},
            {"rel": "profile", "href": PROFILE_URI + q.profile},
        )
    )
    where = f"id = {q.params.bind(fid)}"
    sql = f"SELECT {feature_sql(q, base_url, extra)} FROM {q.source} WHERE {where}"
    row = _fetch_one(engine, sql, q.params.values)
    return None if row is None else row[0]


def collection_text(
    q: ItemsQuery, features: bytes, returned: int, matched: int | None, base_url: str
) -> bytes:
    """The FeatureCollection document around ``features`` (already JSON, UTF-8)."""
    items = f"{base_url}/collections/{q.layer.id}/items"

    def href(offset: int, fmt: str = "json") -> str:
        args = {**q.link_args, "f": fmt}
        if q.after is not None:
            args["after"] = str(q.after)
        if offset:
            args["offset"] = str(offset)
        return f"{items}?{urlencode(args)}"

    links: list[dict[str, Any]] = [
        {"rel": "self", "type": "application/geo+json", "href": href(q.offset)},
        {"rel": "alternate", "type": "text/html", "href": href(q.offset, "html")},
        {
            "rel": "collection",
            "type": "application/json",
            "href": f"{base_url}/collections/{q.layer.id}?f=json",
        },
        {"rel": "profile", "href": PROFILE_URI + q.profile},
    ]
    if q.keyset:
        # by key: a full page may be followed by more (the count, when known, is the whole
        # selection's, not what is left after the key)
        if returned == q.limit and q.last_id is not None:
            args = {**q.link_args, "after": str(q.last_id), "f": "json"}
            links.append(
                {
                    "rel": "next",
                    "type": "application/geo+json",
                    "href": f"{items}?{urlencode(args)}",
                }
            )
    elif (q.offset + returned < matched) if matched is not None else returned == q.limit:
        links.append(
            {"rel": "next", "type": "application/geo+json", "href": href(q.offset + q.limit)}
        )
    if q.offset > 0 and not q.keyset:
        links.append(
            {
                "rel": "prev",
                "type": "application/geo+json",
                "href": href(max(0, q.offset - q.limit)),
            }
        )
    tail: dict[str, Any] = {"numberReturned": returned}
    if matched is not None:
        tail["numberMatched"] = matched
    elif q.matched_estimate is not None:
        tail["numberMatchedEstimate"] = q.matched_estimate
    tail["numberMatchedRule"] = NUMBER_MATCHED_RULE
    tail["links"] = links
    tail["timeStamp"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    members = json.dumps(tail, ensure_ascii=False)[1:].encode()
    return b'{"type":"FeatureCollection","features":[' + features + b"]," + members
