"""``network-trace``: follow a sewer or a river upstream to the candidate outfalls, or
downstream to the receptors it reaches (Guangxi Table H.1 item 2: sample segment by segment,
then trace upstream from the abnormal reading; Table I.2: water targets 5 km downstream)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, Self

import numpy as np
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Connection

from analytics.geojson import FeatureCollection, collection, feature, point
from analytics.met import iso
from analytics.network_graph import FloatArray, Graph, IntArray, load_graph
from analytics.network_output import (
    element_features,
    network_summary,
    ranked_sources,
    reached_receptors,
)
from analytics.network_start import Start, check_start, resolve_start

ID = "network-trace"
Direction = Literal["upstream", "downstream"]


class NetworkTrace(BaseModel):
    """Parameters of ``network-trace``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    network: Literal["sewer", "river"] = Field(description="sewer or river / 管网或河流")
    start: str = Field(
        description="node:CODE (sewer) | reach:CODE (river) | point:LON,LAT, snapped to the "
        "nearest node or reach / 起点"
    )
    direction: Direction = Field("upstream", description="upstream or downstream / 上游或下游")
    max_distance_m: float = Field(
        5000, gt=0, le=200000, description="how far along the network, m / 沿程最大距离（米）"
    )
    start_offset_m: float = Field(
        0, ge=0, le=200000, description="river: metres from the reach's upstream end / 河段内偏移"
    )
    snap_max_m: float = Field(
        1000, gt=0, le=10000, description="farthest a point may be snapped, m / 最大吸附距离"
    )
    junction_tolerance_m: float = Field(
        5, ge=0, le=50, description="river: end-to-start gap that still joins two reaches, m"
    )
    receptor_tolerance_m: float = Field(
        200, ge=0, le=2000, description="river: how near the river an intake counts as on it, m"
    )
    release_time: AwareDatetime | None = Field(
        None,
        description="downstream: when the discharge happened; gives each receptor's "
        "arrival_time / 排放时间",
    )
    observed_time: AwareDatetime | None = Field(
        None,
        description="upstream: when the abnormal reading was seen at the start; gives each "
        "source's discharge_time / 异常观测时间",
    )
    include_network: bool = Field(
        True, description="return the traversed pipes/reaches and nodes, not just the results"
    )

    @model_validator(mode="after")
    def _start_matches_network(self) -> Self:
        check_start(self.start, self.network)
        if self.release_time is not None and self.direction != "downstream":
            raise ValueError("release_time 用于下游追踪 / release_time goes with downstream")
        if self.observed_time is not None and self.direction != "upstream":
            raise ValueError("observed_time 用于上游追踪 / observed_time goes with upstream")
        return self


@dataclass(frozen=True)
class Traced:
    """Per vertex: whether the trace reached it and the network distance and travel time from
    the start to its far side (a node itself; a reach's far end) and to where the trace enters
    it (the same for a node; a reach's near end). NaN/inf where not reached or unknown."""

    start: int
    reached: np.ndarray[Any, np.dtype[np.bool_]]
    far_m: FloatArray
    far_s: FloatArray
    entry_m: FloatArray
    entry_s: FloatArray


def _path_sums(pred: IntArray, step: FloatArray) -> FloatArray:
    """Σ of ``step`` along each vertex's predecessor chain, by pointer jumping: log₂(depth)
    vectorised rounds, no per-vertex loop. ``pred`` < 0 marks a root or an unreached vertex."""
    total, pointer = step.copy(), pred.copy()
    while True:
        linked = np.flatnonzero(pointer >= 0)
        if linked.size == 0:
            return total
        up = pointer[linked]
        total_next, pointer_next = total.copy(), pointer.copy()
        total_next[linked] = total[linked] + total[up]
        pointer_next[linked] = pointer[up]
        total, pointer = total_next, pointer_next


def trace(graph: Graph, start: Start, direction: Direction, max_distance_m: float) -> Traced:
    """One Dijkstra from the start over the graph (reversed for upstream)."""
    source = int(graph.index_of([start.vertex_id])[0])
    if graph.network == "river":
        base_m = start.length_m - start.offset_m if direction == "downstream" else start.offset_m
        share = base_m / start.length_m if start.length_m > 0 else 0.0
        base_s = float(graph.vertex_s[source]) * share
        # A reach counts when the trace enters it within the limit, however long it is.
        limit = max_distance_m - base_m + float(graph.vertex_m.max(initial=0.0))
    else:
        base_m, base_s, limit = 0.0, 0.0, max_distance_m
    distance, pred = dijkstra(
        graph.matrix(direction), indices=source, return_predecessors=True, limit=max(limit, 0.0)
    )
    pred = pred.astype(np.int64)
    far_m = base_m + distance
    reached = np.isfinite(far_m)
    edge_s = graph.down_s if direction == "downstream" else graph.up_s
    far_s = np.full(graph.size, np.nan)
    if not np.isnan(edge_s).all():
        step = np.zeros(graph.size)
        into = np.flatnonzero(reached & (pred >= 0))
        step[into] = edge_s[graph.edge_between(direction, pred[into], into)]
        far_s = np.where(reached, base_s + _path_sums(np.where(reached, pred, -1), step), np.nan)
    entry_m, entry_s = far_m - graph.vertex_m, far_s - graph.vertex_s
    entry_m[source], entry_s[source] = 0.0, 0.0
    inside = reached & (entry_m < max_distance_m)
    inside[source] = True
    return Traced(source, inside, far_m, far_s, entry_m, entry_s)


def _stamp(results: list[dict[str, Any]], params: NetworkTrace) -> None:
    """Clock times from travel times: downstream, arrival = release + travel; upstream, the
    discharge that reached the start at the observed time left the source at observed − travel
    (reference §3: compare with the sources' discharge records)."""
    moment, sign, name = (
        (params.release_time, 1.0, "arrival_time")
        if params.direction == "downstream"
        else (params.observed_time, -1.0, "discharge_time")
    )
    for result in results:
        seconds = result["properties"].get("travel_time_s")
        result["properties"][name] = (
            None
            if moment is None or seconds is None
            else iso(moment + timedelta(seconds=sign * float(seconds)), moment.tzinfo)
        )


def trace_network(conn: Connection, params: NetworkTrace) -> FeatureCollection:
    """Trace the sewer or river network from the start, upstream or downstream.

    Distances run along the network from the start: to a node, or to where the trace enters a
    pipe or reach (``distance_m``). Travel times come from reach velocities (``velocity_ms``);
    sewer pipes carry no velocity, so sewer travel times are not given. Upstream, the outfalls
    connected to the traced part (``outfalls.sewer_node`` / ``outfalls.river_reach``) and their
    enterprises are ranked by network distance; downstream on a river, the drinking-water
    intakes, water-sensitive receptors and protection zones it reaches are listed with their
    arrival times. Loops are harmless (Dijkstra settles each vertex once); the network's loops
    and its pieces not connected to the start are reported.
    """
    start = resolve_start(
        conn, params.network, params.start, params.start_offset_m, params.snap_max_m
    )
    graph = load_graph(conn, params.network, params.junction_tolerance_m, start.vertex_id)
    traced = trace(graph, start, params.direction, params.max_distance_m)

    features = [
        feature(
            point(start.lon, start.lat),
            {
                "kind": "start",
                "code": start.code,
                "snap_distance_m": start.describe()["snap_distance_m"],
            },
        )
    ]
    if params.include_network:
        features += element_features(conn, graph, traced, params.direction, params.max_distance_m)
    results: list[dict[str, Any]] = []
    if params.direction == "upstream":
        results = ranked_sources(conn, graph, traced, start, params.max_distance_m)
    elif params.network == "river":
        results = reached_receptors(
            conn, graph, traced, start, params.max_distance_m, params.receptor_tolerance_m
        )
    _stamp(results, params)
    notes = [
        "距离为自起点沿网络的距离 / distance_m runs along the network from the start",
    ]
    if params.network == "sewer":
        notes.append(
            "管线无流速数据，不给出传播时间 / sewer pipes carry no velocity, so travel_time_s "
            "is not given"
        )
    return collection(
        ID,
        params,
        features + results,
        start=start.describe(),
        network_summary=network_summary(conn, graph, traced),
        reached={
            "vertices": int(traced.reached.sum()),
            "results": len(results),
        },
        notes=notes,
        assumptions=[
            "管线与河段按数字化方向为水流方向 / pipes and reaches are digitised in flow direction"
        ],
    )
