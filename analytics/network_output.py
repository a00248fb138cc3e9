"""The features of a network trace: traversed elements, ranked sources, reached receptors, and
the summary of the network's loops and disconnected pieces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import orjson
from sqlalchemy import Connection, text

from analytics.geodesy import utm_epsg
from analytics.geojson import Feature, feature, point, rounded
from analytics.network_graph import Graph
from analytics.pg_arrays import PgArray, bool_array, float8_array, int8_array, register

if TYPE_CHECKING:
    from analytics.network_start import Start
    from analytics.network_trace import Traced


def _text(expr: str) -> str:
    return f"coalesce(to_json({expr})::text, 'null')"


def _number(expr: str) -> str:
    # float8 prints as the shortest exact decimal; NaN (unknown) becomes null
    return f"coalesce(nullif(({expr})::float8, 'NaN')::text, 'null')"


def _features_sql(
    kind: str, table: str, alias: str, properties: dict[str, str], arrays: str
) -> str:
    """A query building a JSON array of features, one per row of the traced arrays joined to
    ``table``, by text concatenation: about twice as fast as ``json_build_object`` (10⁴ rows
    a second matter for a trace of the whole network)."""
    body = " || ',' || ".join(f"'\"{name}\":' || {expr}" for name, expr in properties.items())
    return f"""
    SELECT '[' || coalesce(string_agg(
        '{{"type":"Feature","id":' || {alias}.id || ',"geometry":' || ST_AsGeoJSON({alias}.geom, 7)
        || ',"properties":{{"kind":"{kind}",' || {body} || '}}}}', ','
        ORDER BY t.d, {alias}.id), '') || ']'
    FROM unnest({arrays}) JOIN {table} {alias} ON {alias}.id = t.id
    """


_PIPES = _features_sql(
    "pipe",
    "sewer_pipes",
    "p",
    {
        "code": _text("p.code"),
        "system": _text("p.system"),
        "diameter_mm": _number("p.diameter_mm"),
        "from_node": _text("p.from_node"),
        "to_node": _text("p.to_node"),
        "length_m": _number("t.length_m"),
        "distance_m": _number("t.d"),
        "travel_time_s": _number("t.s"),
        "partial": "t.partial::text",
    },
    "CAST(%(ids)b AS bigint[]), CAST(%(d)b AS float8[]), CAST(%(len)b AS float8[]), "
    "CAST(%(s)b AS float8[]), CAST(%(partial)b AS boolean[])) AS t(id, d, length_m, s, partial",
)
_NODES = _features_sql(
    "node",
    "sewer_nodes",
    "n",
    {
        "code": _text("n.code"),
        "node_kind": _text("n.kind"),
        "distance_m": _number("t.d"),
        "travel_time_s": _number("t.s"),
    },
    "CAST(%(ids)b AS bigint[]), CAST(%(d)b AS float8[]), CAST(%(s)b AS float8[])) AS t(id, d, s",
)
_REACHES = _features_sql(
    "reach",
    "rivers",
    "r",
    {
        "code": _text("r.reach_code"),
        "name": _text("r.name"),
        "velocity_ms": _number("r.velocity_ms"),
        "length_m": _number("t.length_m"),
        "distance_m": _number("t.d"),
        "distance_end_m": _number("t.d_end"),
        "travel_time_s": _number("t.s"),
        "partial": "t.partial::text",
    },
    "CAST(%(ids)b AS bigint[]), CAST(%(d)b AS float8[]), CAST(%(d_end)b AS float8[]), "
    "CAST(%(len)b AS float8[]), CAST(%(s)b AS float8[]), CAST(%(partial)b AS boolean[])) "
    "AS t(id, d, d_end, length_m, s, partial",
)


def _json_rows(conn: Connection, sql: str, arrays: dict[str, PgArray]) -> list[Feature]:
    """Run one of the feature queries above with its arrays sent in PostgreSQL's binary array
    format (encoded by numpy, see :mod:`analytics.pg_arrays`); it returns one JSON array."""
    register(conn.connection.driver_connection)
    features: list[Feature] = orjson.loads(conn.exec_driver_sql(sql, arrays).scalar_one())
    return features


def element_features(
    conn: Connection,
    graph: Graph,
    traced: Traced,
    direction: Literal["upstream", "downstream"],
    max_distance_m: float,
) -> list[Feature]:
    """The traversed pipes and reached nodes (sewer), or the traversed reaches (river)."""
    if graph.network == "river":
        idx = np.flatnonzero(traced.reached)
        rows: list[Feature] = _json_rows(
            conn,
            _REACHES,
            {
                "ids": int8_array(graph.vertex_ids[idx]),
                "d": float8_array(np.round(traced.entry_m[idx], 1)),
                "d_end": float8_array(np.round(traced.far_m[idx], 1)),
                "len": float8_array(np.round(graph.vertex_m[idx], 1)),
                "s": float8_array(np.round(traced.entry_s[idx])),
                "partial": bool_array(traced.far_m[idx] > max_distance_m),
            },
        )
        return rows
    near = graph.head if direction == "upstream" else graph.tail
    entered = traced.reached[near] & (
        (traced.far_m[near] < max_distance_m) | (near == traced.start)
    )
    edges = np.flatnonzero(entered)
    pipes: list[Feature] = _json_rows(
        conn,
        _PIPES,
        {
            "ids": int8_array(graph.edge_ids[edges]),
            "d": float8_array(np.round(traced.far_m[near[edges]], 1)),
            "len": float8_array(np.round(graph.down_m[edges], 1)),
            "s": float8_array(np.round(traced.far_s[near[edges]])),
            "partial": bool_array(traced.far_m[near[edges]] + graph.down_m[edges] > max_distance_m),
        },
    )
    idx = np.flatnonzero(traced.reached)
    nodes: list[Feature] = _json_rows(
        conn,
        _NODES,
        {
            "ids": int8_array(graph.vertex_ids[idx]),
            "d": float8_array(np.round(traced.far_m[idx], 1)),
            "s": float8_array(np.round(traced.far_s[idx])),
        },
    )
    return pipes + nodes


_SEWER_OUTFALLS = """
    SELECT o.code AS outfall_code, o.kind AS outfall_kind, o.credit_code, e.name AS enterprise_name,
           n.id AS vertex_id, o.sewer_node AS joins, 0.0::float8 AS offset_m,
           ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat, ST_X(e.geom) AS e_lon, ST_Y(e.geom) AS e_lat
    FROM outfalls o
    JOIN enterprises e ON e.credit_code = o.credit_code
    JOIN sewer_nodes n ON n.code = o.sewer_node
    WHERE n.id = ANY(CAST(%(ids)b AS bigint[]))
    """
_RIVER_OUTFALLS = """
    SELECT o.code AS outfall_code, o.kind AS outfall_kind, o.credit_code, e.name AS enterprise_name,
           r.id AS vertex_id, o.river_reach AS joins,
           ST_Length(ST_LineSubstring(r.geom, 0, ST_LineLocatePoint(r.geom, o.geom))::geography)
               AS offset_m,
           ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat, ST_X(e.geom) AS e_lon, ST_Y(e.geom) AS e_lat
    FROM outfalls o
    JOIN enterprises e ON e.credit_code = o.credit_code
    JOIN rivers r ON r.reach_code = o.river_reach
    WHERE r.id = ANY(CAST(%(ids)b AS bigint[]))
    """


def ranked_sources(
    conn: Connection, graph: Graph, traced: Traced, start: Start, max_distance_m: float
) -> list[Feature]:
    """Upstream: the outfalls joined to the traced part and their enterprises, nearest first.

    A sewer outfall sits at its node. A river outfall sits ``offset_m`` down its reach, so its
    distance upstream from the start is the distance to the reach's upstream end minus that.
    """
    query = _SEWER_OUTFALLS if graph.network == "sewer" else _RIVER_OUTFALLS
    register(conn.connection.driver_connection)
    ids = int8_array(graph.vertex_ids[traced.reached])
    rows = conn.exec_driver_sql(query, {"ids": ids}).mappings().all()
    if not rows:
        return []
    vertex = graph.index_of([r["vertex_id"] for r in rows])
    offset = np.array([r["offset_m"] for r in rows], dtype=np.float64)
    distance = traced.far_m[vertex] - offset
    with np.errstate(invalid="ignore", divide="ignore"):
        per_m = np.where(
            graph.vertex_m[vertex] > 0, graph.vertex_s[vertex] / graph.vertex_m[vertex], 0
        )
    seconds = traced.far_s[vertex] - per_m * offset
    keep = np.flatnonzero((distance >= -1e-6) & (distance <= max_distance_m))
    codes = [rows[i]["outfall_code"] for i in keep.tolist()]
    order: list[int] = keep[np.lexsort((codes, distance[keep]))].tolist()
    joins = "sewer_node" if graph.network == "sewer" else "river_reach"
    outfalls = [
        feature(
            point(rows[i]["lon"], rows[i]["lat"]),
            {
                "kind": "outfall",
                "rank": rank,
                "outfall_code": rows[i]["outfall_code"],
                "outfall_kind": rows[i]["outfall_kind"],
                "credit_code": rows[i]["credit_code"],
                "enterprise_name": rows[i]["enterprise_name"],
                joins: rows[i]["joins"],
                "distance_m": rounded(max(distance[i], 0.0)),
                "travel_time_s": rounded(seconds[i], 0),
            },
        )
        for rank, i in enumerate(order, start=1)
    ]
    enterprises: dict[str, Feature] = {}
    for i in order:  # nearest first, so the first outfall seen gives the enterprise's distance
        code = rows[i]["credit_code"]
        if code in enterprises:
            enterprises[code]["properties"]["outfall_codes"].append(rows[i]["outfall_code"])
            continue
        enterprises[code] = feature(
            point(rows[i]["e_lon"], rows[i]["e_lat"]),
            {
                "kind": "enterprise",
                "rank": len(enterprises) + 1,
                "enterprise_name": rows[i]["enterprise_name"],
                "credit_code": code,
                "distance_m": rounded(max(distance[i], 0.0)),
                "travel_time_s": rounded(seconds[i], 0),
                "outfall_codes": [rows[i]["outfall_code"]],
            },
        )
    return list(enterprises.values()) + outfalls


_RECEPTORS_ON_RIVER = text(
    """
    WITH traced AS (SELECT unnest(CAST(:ids AS bigint[])) AS id),
    hits AS (
        SELECT 'receptor' AS target, r.id AS target_id, v.id AS vertex_id,
               ST_Distance(ST_Transform(v.geom, :utm), ST_Transform(r.geom, :utm)) AS gap_m,
               ST_Length(ST_LineSubstring(v.geom, 0, ST_LineLocatePoint(
                   v.geom, ST_ClosestPoint(v.geom, r.geom)))::geography) AS offset_m
        FROM traced JOIN rivers v ON v.id = traced.id
        JOIN receptors r ON (r.category = 'water_intake' OR r.water_sensitive)
         AND ST_DWithin(ST_Transform(v.geom, :utm), ST_Transform(r.geom, :utm), :tolerance_m)
        UNION ALL
        SELECT 'zone', z.id, v.id, 0.0,
               min(ST_Length(ST_LineSubstring(v.geom, 0, ST_LineLocatePoint(v.geom,
                   coalesce(ST_StartPoint(d.geom), d.geom)))::geography))
        FROM traced JOIN rivers v ON v.id = traced.id
        JOIN zones z ON z.kind = 'water_source_protection' AND ST_Intersects(v.geom, z.geom)
        CROSS JOIN LATERAL ST_Dump(ST_Intersection(v.geom, z.geom)) d
        GROUP BY z.id, v.id
    )
    SELECT h.target, h.target_id, h.vertex_id, h.gap_m, h.offset_m, v.reach_code,
           coalesce(r.name, z.name) AS name,
           coalesce(r.category, 'water_source_protection') AS category, z.level,
           ST_AsGeoJSON(coalesce(r.geom, z.geom), 7) AS geometry
    FROM hits h JOIN rivers v ON v.id = h.vertex_id
    LEFT JOIN receptors r ON h.target = 'receptor' AND r.id = h.target_id
    LEFT JOIN zones z ON h.target = 'zone' AND z.id = h.target_id
    """
)


def reached_receptors(
    conn: Connection,
    graph: Graph,
    traced: Traced,
    start: Start,
    max_distance_m: float,
    tolerance_m: float,
) -> list[Feature]:
    """Downstream on a river: the intakes, water-sensitive receptors (within ``tolerance_m`` of
    the river, measured in the UTM zone of the start: a geodesic distance to a large polygon
    costs a millisecond a pair, the projected one microseconds, within 0.1 % of each other)
    and protection zones (the river enters them) reached within the distance, with
    the distance and travel time to the first point where the river meets them."""
    ids = graph.vertex_ids[traced.reached].tolist()
    rows = (
        conn.execute(
            _RECEPTORS_ON_RIVER,
            {"ids": ids, "tolerance_m": tolerance_m, "utm": utm_epsg(start.lon, start.lat)},
        )
        .mappings()
        .all()
    )
    if not rows:
        return []
    vertex = graph.index_of([r["vertex_id"] for r in rows])
    offset = np.array([r["offset_m"] for r in rows], dtype=np.float64)
    length = graph.vertex_m[vertex]
    distance = traced.far_m[vertex] - (length - offset)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_m = np.where(length > 0, graph.vertex_s[vertex] / length, 0)
    seconds = traced.far_s[vertex] - per_m * (length - offset)
    best: dict[tuple[str, int], int] = {}
    for i in np.flatnonzero((distance >= -1e-6) & (distance <= max_distance_m)).tolist():
        key = (rows[i]["target"], rows[i]["target_id"])
        if key not in best or distance[i] < distance[best[key]]:
            best[key] = i
    order = sorted(best.values(), key=lambda i: (distance[i], rows[i]["name"]))
    return [
        feature(
            rows[i]["geometry"],
            {
                "kind": "receptor",
                "rank": rank,
                "name": rows[i]["name"],
                "category": rows[i]["category"],
                "level": rows[i]["level"],
                "reach_code": rows[i]["reach_code"],
                "distance_m": rounded(max(distance[i], 0.0)),
                "travel_time_s": rounded(seconds[i], 0),
                "gap_m": rounded(rows[i]["gap_m"]),
            },
        )
        for rank, i in enumerate(order, start=1)
    ]


def network_summary(conn: Connection, graph: Graph, traced: Traced) -> dict[str, Any]:
    """Pieces of the network not connected to the start, and loops (a gravity sewer should
    have none: reference §3 data QA).

    Only pieces of the start's own system (sewage, rain; combined counts as both) are
    reported as disconnected: separate rain networks draining to their own outfalls are by
    design, and are only counted (``other_system_pieces``). Isolated nodes count as
    disconnected.
    """
    shape = graph.structure()
    sizes, systems = shape.piece_sizes, shape.piece_systems
    own = int(graph.weak_labels[traced.start])
    pieces = np.arange(len(sizes))
    same_system = (systems == 0) | ((systems & systems[own]) != 0)
    others = np.flatnonzero((pieces != own) & same_system)
    shown = others[np.argsort(-sizes[others], kind="stable")][:10]
    loop_vertices = shape.loop_first[:10]
    first = shape.piece_first
    sample_ids = np.concatenate((graph.vertex_ids[first[shown]], graph.vertex_ids[loop_vertices]))
    codes = _codes(conn, graph, sample_ids.tolist())
    summary: dict[str, Any] = {
        "element": "node" if graph.network == "sewer" else "reach",
        "vertices": graph.size,
        "edges": len(graph.tail),
        "start_piece_vertices": int(sizes[own]),
        "disconnected_pieces": len(others),
        "disconnected_vertices": int(sizes[others].sum()),
        "largest_disconnected": [
            {
                "vertices": int(sizes[k]),
                "sample": codes.get(int(graph.vertex_ids[first[k]])),
            }
            for k in shown
        ],
        "other_system_pieces": int(((pieces != own) & ~same_system).sum()),
        "loops": {
            "count": shape.loop_count,
            "vertices": int(shape.in_loop.sum()),
            "in_trace": bool((shape.in_loop & traced.reached).any()),
            "samples": [codes.get(int(graph.vertex_ids[v])) for v in loop_vertices],
        },
    }
    if len(others):
        summary["message"] = (
            f"同一系统中有 {len(others)} 个与起点不连通的部分 / {len(others)} piece(s) of the "
            "same system are not connected to the start: check for missing pipes or joins"
        )
    return summary


def _codes(conn: Connection, graph: Graph, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    table, column = (
        ("sewer_nodes", "code") if graph.network == "sewer" else ("rivers", "reach_code")
    )
    rows = conn.execute(
        text(f"SELECT id, {column} FROM {table} WHERE id = ANY(CAST(:ids AS bigint[]))"),
        {"ids": ids},
    ).all()
    return {int(r[0]): str(r[1]) for r in rows}
