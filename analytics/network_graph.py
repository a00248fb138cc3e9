"""Directed graphs of the sewer and river networks, built from PostGIS into arrays and cached
per database state.

- **Sewer.** Vertices are ``sewer_nodes``; each pipe is an edge from its ``from_node`` to its
  ``to_node`` (pipes are digitised in flow direction), weighted by ``length_m`` or, when that
  is empty, the pipe's geodesic length.
- **River.** Vertices are reaches (``rivers``, digitised in flow direction); reach A flows into
  reach B when A's end point lies within a tolerance of B's start point. Going downstream the
  edge A→B costs B's length (you travel B); going upstream it costs A's.

The graph is rebuilt only when its table changes: the cache key is the database, the table's
row count and newest row version (``max(xmin)``, and ``max(cmin)`` of the caller's own
uncommitted rows) — one sequential scan, much cheaper than re-reading every edge. A trace
then costs one Dijkstra in ``scipy.sparse.csgraph`` (compiled; loops are harmless, every
vertex is settled once).
"""

from __future__ import annotations

import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components
from sqlalchemy import Connection, text

Network = Literal["sewer", "river"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_CACHE_SIZE = 8
_cache: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Graph]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Graph:
    """A directed graph in arrays. Vertex i is the row with id ``vertex_ids[i]``, with its own
    length and travel time ``vertex_m``/``vertex_s`` (a river reach's; 0 for a sewer node).
    Edge e runs ``tail[e] → head[e]`` in flow direction and is the pipe with id ``edge_ids[e]``
    (−1 for a river junction), of the system ``edge_systems[e]`` (a :data:`SYSTEM_BITS` mask;
    1 for rivers). ``down_m``/``up_m`` are the lengths travelled crossing e
    downstream or upstream; ``down_s``/``up_s`` the times (NaN where a velocity is unknown)."""

    network: Network
    vertex_ids: IntArray
    vertex_m: FloatArray
    vertex_s: FloatArray
    edge_ids: IntArray
    edge_systems: IntArray
    tail: IntArray
    head: IntArray
    down_m: FloatArray
    up_m: FloatArray
    down_s: FloatArray
    up_s: FloatArray
    weak_labels: IntArray
    strong_labels: IntArray

    @property
    def size(self) -> int:
        return len(self.vertex_ids)

    def index_of(self, vertex_ids: npt.ArrayLike) -> IntArray:
        """Vertex indices of database ids; −1 for an id not in the graph."""
        wanted = np.atleast_1d(np.asarray(vertex_ids, dtype=np.int64))
        if self.size == 0:
            return np.full(len(wanted), -1, dtype=np.int64)
        found = np.minimum(np.searchsorted(self.vertex_ids, wanted), self.size - 1)
        return np.where(self.vertex_ids[found] == wanted, found, -1)

    def matrix(self, direction: Literal["downstream", "upstream"]) -> csr_array:
        """The adjacency matrix to run Dijkstra on; parallel edges keep their shortest."""
        key = f"_matrix_{direction}"
        cached: csr_array | None = self.__dict__.get(key)
        if cached is None:
            if direction == "downstream":
                rows, cols, weights = self.tail, self.head, self.down_m
            else:
                rows, cols, weights = self.head, self.tail, self.up_m
            cached = _shortest_parallel(rows, cols, weights, self.size)
            object.__setattr__(self, key, cached)
        return cached

    def structure(self) -> Structure:
        """The graph's pieces and loops, computed once per graph."""
        cached: Structure | None = self.__dict__.get("_structure")
        if cached is None:
            cached = _structure(self)
            object.__setattr__(self, "_structure", cached)
        return cached

    def edge_between(
        self, direction: Literal["downstream", "upstream"], before: IntArray, after: IntArray
    ) -> IntArray:
        """For each step ``before → after`` of a trace, the (shortest) edge it took."""
        key = f"_edges_{direction}"
        cached: tuple[IntArray, IntArray] | None = self.__dict__.get(key)
        if cached is None:
            rows, cols, weights = (
                (self.tail, self.head, self.down_m)
                if direction == "downstream"
                else (self.head, self.tail, self.up_m)
            )
            pair = rows * self.size + cols
            order = np.lexsort((weights, pair))
            keep = np.ones(len(order), dtype=bool)
            keep[1:] = pair[order][1:] != pair[order][:-1]
            cached = (pair[order][keep], order[keep])
            object.__setattr__(self, key, cached)
        pairs, edges = cached
        return edges[np.searchsorted(pairs, before * self.size + after)]


@dataclass(frozen=True)
class Structure:
    """What a graph is made of, independent of any start: its weakly connected pieces (size,
    first vertex, pipe systems as a bit mask) and the vertices on loops."""

    piece_sizes: IntArray
    piece_first: IntArray
    piece_systems: IntArray
    in_loop: npt.NDArray[np.bool_]
    loop_count: int
    loop_first: IntArray


def _structure(graph: Graph) -> Structure:
    weak = graph.weak_labels
    sizes = np.bincount(weak, minlength=1)
    systems = np.zeros(len(sizes), dtype=np.int64)
    np.bitwise_or.at(systems, weak[graph.tail], graph.edge_systems)
    _, first = np.unique(weak, return_index=True)
    strong_sizes = np.bincount(graph.strong_labels, minlength=1)
    in_loop = strong_sizes[graph.strong_labels] > 1
    in_loop[graph.tail[graph.tail == graph.head]] = True  # a pipe from a node to itself
    loop_labels, loop_first = np.unique(graph.strong_labels[in_loop], return_index=True)
    return Structure(
        sizes, first, systems, in_loop, len(loop_labels), np.flatnonzero(in_loop)[loop_first]
    )


def _shortest_parallel(rows: IntArray, cols: IntArray, weights: FloatArray, size: int) -> csr_array:
    pair = rows * size + cols
    order = np.lexsort((weights, pair))
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = pair[order][1:] != pair[order][:-1]
    chosen = order[keep]
    return csr_array((weights[chosen], (rows[chosen], cols[chosen])), shape=(size, size))


def _labels(tail: IntArray, head: IntArray, size: int) -> tuple[IntArray, IntArray]:
    adjacency = csr_array((np.ones(len(tail)), (tail, head)), shape=(size, size))
    _, weak = connected_components(adjacency, directed=True, connection="weak")
    _, strong = connected_components(adjacency, directed=True, connection="strong")
    return weak.astype(np.int64), strong.astype(np.int64)


def _fingerprint_sql(table: str) -> str:
    # Row count and newest row version change with every committed insert, update or delete.
    # The newest xmin is now − min(age(xmin)), "now" being age('3') + 3 (3 is the first normal
    # xid): cheaper than max(xmin::text::bigint). Within the caller's own writing transaction
    # rows share one xmin, so the newest command id (cmin) among its rows catches its own
    # later updates; a read-only transaction skips that scan.
    return (
        f"SELECT current_database(), '{table}'::regclass::oid, count(*), "
        "(age('3'::xid)::bigint + 3 - min(age(xmin))) % 4294967296, "
        "CASE WHEN txid_current_if_assigned() IS NULL THEN NULL ELSE "
        f"(SELECT max(cmin::text::bigint) FROM {table} WHERE xmin::text::bigint "
        f"= txid_current_if_assigned() % 4294967296) END FROM {table}"
    )


#: Pipes (or reaches) are the graph; a node added without pipes is caught by load_graph's
#: ``require``, and renaming a node cascades to its pipes' rows.
_FINGERPRINT = {"sewer": _fingerprint_sql("sewer_pipes"), "river": _fingerprint_sql("rivers")}


def _fetch_columns(conn: Connection, columns: list[str], from_sql: str) -> list[FloatArray]:
    """Numeric columns (non-null; read as float8 — exact for ids below 2⁵³) aggregated on the
    server into one binary array each (``array_send``) and decoded by numpy: no Python object
    per row, which for 10⁵ pipes is the difference between 1 s and a few ms."""
    select = ", ".join(f"array_send(array_agg(({c})::float8))" for c in columns)
    row = conn.exec_driver_sql(f"SELECT {select} {from_sql}").one()
    return [_decode_float8_array(value) for value in row]


def _decode_float8_array(value: bytes | None) -> FloatArray:
    # PostgreSQL binary array: ndim, flags, element oid (int32 each), then (size, lower bound)
    # per dimension, then per element an int32 length and the 8-byte big-endian value.
    if value is None:
        return np.empty(0)
    data = bytes(value)
    (ndim,) = struct.unpack_from(">i", data, 0)
    if ndim == 0:
        return np.empty(0)
    elements = np.frombuffer(data, dtype=np.dtype([("length", ">i4"), ("value", ">f8")]),
                             offset=12 + 8 * ndim)  # fmt: skip
    return elements["value"].astype(np.float64)


#: Bit masks of the pipe systems, so that a combined pipe belongs to both others.
SYSTEM_BITS = {"sewage": 1, "rain": 2, "combined": 3}


def _load_sewer(conn: Connection) -> Graph:
    (node_ids,) = _fetch_columns(conn, ["id"], "FROM sewer_nodes")
    pipe_ids, from_ids, to_ids, length_m, system = _fetch_columns(
        conn,
        [
            "p.id",
            "f.id",
            "t.id",
            "coalesce(p.length_m, ST_Length(p.geom::geography))",
            "CASE p.system WHEN 'sewage' THEN 1 WHEN 'rain' THEN 2 ELSE 3 END",
        ],
        "FROM sewer_pipes p "
        "JOIN sewer_nodes f ON f.code = p.from_node JOIN sewer_nodes t ON t.code = p.to_node",
    )
    vertex_ids = np.sort(node_ids.astype(np.int64))
    tail = np.searchsorted(vertex_ids, from_ids.astype(np.int64))
    head = np.searchsorted(vertex_ids, to_ids.astype(np.int64))
    unknown = np.full(len(pipe_ids), np.nan)  # sewer pipes carry no velocity
    weak, strong = _labels(tail, head, len(vertex_ids))
    zero = np.zeros(len(vertex_ids))
    return Graph(
        network="sewer",
        vertex_ids=vertex_ids,
        vertex_m=zero,
        vertex_s=zero,
        edge_ids=pipe_ids.astype(np.int64),
        edge_systems=system.astype(np.int64),
        tail=tail,
        head=head,
        down_m=length_m,
        up_m=length_m,
        down_s=unknown,
        up_s=unknown,
        weak_labels=weak,
        strong_labels=strong,
    )


def _load_river(conn: Connection, tolerance_m: float) -> Graph:
    reach_ids, length_m, velocity = _fetch_columns(
        conn,
        ["id", "ST_Length(geom::geography)", "coalesce(velocity_ms, 'NaN')"],
        "FROM rivers",
    )
    by_id = np.argsort(reach_ids)
    reach_ids, length_m, velocity = reach_ids[by_id], length_m[by_id], velocity[by_id]
    # A box 0.01° around each end point only selects pairs for the exact geodesic test; the
    # tolerance is at most 50 m, well inside it at any latitude below 60°.
    upper, lower = _fetch_columns(
        conn,
        ["a.id", "b.id"],
        "FROM rivers a JOIN rivers b ON a.id <> b.id "
        "AND ST_Expand(ST_EndPoint(a.geom), 0.01) && ST_StartPoint(b.geom) "
        "AND ST_DWithin(ST_EndPoint(a.geom)::geography, ST_StartPoint(b.geom)::geography, "
        f"{float(tolerance_m)!r})",
    )
    vertex_ids = reach_ids.astype(np.int64)
    tail = np.searchsorted(vertex_ids, upper.astype(np.int64))
    head = np.searchsorted(vertex_ids, lower.astype(np.int64))
    with np.errstate(divide="ignore", invalid="ignore"):
        reach_s = np.where(velocity > 0, length_m / velocity, np.nan)
    weak, strong = _labels(tail, head, len(vertex_ids))
    return Graph(
        network="river",
        vertex_ids=vertex_ids,
        vertex_m=length_m,
        vertex_s=reach_s,
        edge_ids=np.full(len(tail), -1, dtype=np.int64),
        edge_systems=np.ones(len(tail), dtype=np.int64),
        tail=tail,
        head=head,
        down_m=length_m[head],
        up_m=length_m[tail],
        down_s=reach_s[head],
        up_s=reach_s[tail],
        weak_labels=weak,
        strong_labels=strong,
    )


def load_graph(
    conn: Connection, network: Network, tolerance_m: float = 5.0, require: int | None = None
) -> Graph:
    """The network's graph, from the cache when its table has not changed since it was built.

    ``require`` is a vertex id the caller is about to use (the start); a cached graph without
    it (a node added since, with no pipe yet) is rebuilt.
    """
    fingerprint = tuple(conn.execute(text(_FINGERPRINT[network])).one())
    key = (conn.engine.url.render_as_string(hide_password=True), network, tolerance_m)
    with _lock:
        hit = _cache.get(key)
    fresh = hit is not None and hit[0] == fingerprint
    if hit is not None and fresh and (require is None or hit[1].index_of([require])[0] >= 0):
        with _lock:
            _cache.move_to_end(key)
        return hit[1]
    graph = _load_sewer(conn) if network == "sewer" else _load_river(conn, tolerance_m)
    with _lock:
        _cache[key] = (fingerprint, graph)
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return graph


def clear_cache() -> None:
    """Forget every cached graph (for benchmarks that time a cold build)."""
    with _lock:
        _cache.clear()
