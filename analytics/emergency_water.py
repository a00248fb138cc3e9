"""Where a spill at a site goes by water, for ``emergency-response``: down the rain and the
sewage network from the nearest node of each, the risk-control points on the way, and from the
rain outfall it leaves by (or the river beside the site) down the river to the intakes and
protection zones, with arrival times. The network-trace machinery does the tracing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from analytics.errors import NotFoundError
from analytics.geojson import Feature, feature, rounded
from analytics.network_graph import load_graph
from analytics.network_start import Start
from analytics.network_trace import NetworkTrace, trace, trace_network
from layers import get_layer

#: The nearest node of each system whose pipes leave it (so a trace can go anywhere).
_NEAREST_NODES = text(
    """
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g)
    SELECT s.system, n.id, n.code, n.lon, n.lat,
           ST_Distance(n.geom::geography, pt.g::geography) AS snap_m
    FROM (VALUES ('rain'), ('sewage')) AS s(system)
    CROSS JOIN pt
    CROSS JOIN LATERAL (
        SELECT sn.id, sn.code, sn.geom, ST_X(sn.geom) AS lon, ST_Y(sn.geom) AS lat
        FROM sewer_nodes sn
        WHERE EXISTS (
            SELECT 1 FROM sewer_pipes p
            WHERE p.from_node = sn.code
              AND (p.system = s.system OR (s.system = 'sewage' AND p.system = 'combined'))
        )
        ORDER BY sn.geom <-> pt.g LIMIT 1
    ) n
    ORDER BY s.system
    """
)

_REACHED_NODES = text(
    "SELECT id, code, kind, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM sewer_nodes "
    "WHERE id = ANY(:ids)"
)

_CONTROL_POINTS = text(
    """
    SELECT code, name, kind, capacity_m3, credit_code, sewer_node, state,
           ST_AsGeoJSON(geom, 7) AS geometry
    FROM risk_control_points WHERE sewer_node = ANY(:codes)
    """
)

#: Control points off the pipes (interception dams on the creeks) near the river path.
_RIVER_CONTROL_POINTS = text(
    """
    SELECT c.code, c.name, c.kind, c.capacity_m3, c.credit_code, c.state,
           r.reach_code, ST_AsGeoJSON(c.geom, 7) AS geometry
    FROM risk_control_points c
    JOIN LATERAL (
        SELECT reach_code FROM rivers r WHERE r.reach_code = ANY(:reaches)
          AND ST_DWithin(r.geom::geography, c.geom::geography, :tolerance_m)
        ORDER BY r.geom <-> c.geom LIMIT 1
    ) r ON true
    WHERE c.sewer_node IS NULL
    """
)

_PATH = text(
    """
    SELECT ST_AsGeoJSON(ST_LineMerge(ST_Collect(geom)), 7)
    FROM sewer_pipes WHERE from_node = ANY(:codes) AND to_node = ANY(:codes)
    """
)


@dataclass(frozen=True)
class WaterLimits:
    """How far to follow the water and how near counts."""

    sewer_m: float
    river_m: float
    snap_max_m: float
    river_snap_m: float


def _labels(layer_id: str, field: str) -> dict[str, str]:
    return {str(c.value): c.zh for c in get_layer(layer_id).field(field).choices}


def _sewer_trace(
    conn: Connection, system: str, row: Any, limit_m: float
) -> tuple[dict[str, Any], list[Feature], dict[str, float], dict[str, Any] | None]:
    """One system's downstream trace: its summary, path feature, node → distance, and the
    river outfall it leaves by (None for sewage, which ends at the WWTP)."""
    start = Start("sewer", int(row.id), str(row.code), float(row.lon), float(row.lat))
    graph = load_graph(conn, "sewer", require=start.vertex_id)
    traced = trace(graph, start, "downstream", limit_m)
    ids = graph.vertex_ids[traced.reached].tolist()
    nodes = conn.execute(_REACHED_NODES, {"ids": ids}).all()
    where = graph.index_of([n.id for n in nodes])
    distance = {str(n.code): float(traced.far_m[k]) for n, k in zip(nodes, where, strict=True)}
    ends = [n for n in nodes if n.kind in ("river_outfall", "wwtp_inlet")]
    end = max(ends, key=lambda n: distance[str(n.code)], default=None)
    path = conn.execute(_PATH, {"codes": list(distance)}).scalar()
    features = []
    if path:
        features.append(feature(path, {"kind": "water_path", "network": "sewer", "system": system}))
    summary = {
        "system": system,
        "start_node": start.code,
        "snap_distance_m": rounded(row.snap_m),
        "nodes_reached": len(nodes),
        "leaves_by": None if end is None else str(end.code),
        "leaves_by_kind": None if end is None else str(end.kind),
        "distance_m": None if end is None else rounded(distance[str(end.code)]),
    }
    outfall = None
    if end is not None and end.kind == "river_outfall":
        outfall = {
            "code": str(end.code),
            "lon": float(end.lon),
            "lat": float(end.lat),
            "sewer_m": distance[str(end.code)],
        }
    return summary, features, distance, outfall


def _river(
    conn: Connection, lon: float, lat: float, limits: WaterLimits, release: datetime, snap: float
) -> tuple[list[Feature], list[str]]:
    """Down the river from a point: the reaches travelled and the receptors reached."""
    params = NetworkTrace.model_validate(
        {
            "network": "river",
            "start": f"point:{lon},{lat}",
            "direction": "downstream",
            "max_distance_m": limits.river_m,
            "snap_max_m": snap,
            "release_time": release,
        }
    )
    result = trace_network(conn, params)
    reaches = [
        f["properties"]["code"]
        for f in result["features"]
        if f["properties"].get("kind") == "reach" and f["properties"].get("code")
    ]
    features = [f for f in result["features"] if f["properties"].get("kind") == "receptor"]
    paths = [f for f in result["features"] if f["properties"].get("kind") == "reach"]
    for f in paths:
        f["properties"] = {
            "kind": "water_path",
            "network": "river",
            "reach_code": f["properties"].get("code"),
        }
    return paths + features, reaches


def follow_water(
    conn: Connection, lon: float, lat: float, release: datetime, limits: WaterLimits
) -> dict[str, Any]:
    """Everything ``emergency-response`` says about water: the sewer traces, the control points
    on them ranked by network distance, and the river receptors reached."""
    notes: list[str] = []
    systems: list[dict[str, Any]] = []
    features: list[Feature] = []
    distance: dict[str, float] = {}
    outfall: dict[str, Any] | None = None
    for row in conn.execute(_NEAREST_NODES, {"lon": lon, "lat": lat}).all():
        if row.snap_m > limits.snap_max_m:
            notes.append(
                f"{row.system} 管网最近节点 {row.code} 距 {row.snap_m:.0f} m，超过 "
                f"{limits.snap_max_m:g} m，未追踪 / the nearest {row.system} node is "
                f"{row.snap_m:.0f} m away, beyond {limits.snap_max_m:g} m: not traced"
            )
            continue
        summary, path, reached, leaves = _sewer_trace(conn, row.system, row, limits.sewer_m)
        systems.append(summary)
        features += path
        for code, metres in reached.items():
            distance[code] = min(metres, distance.get(code, np.inf))
        outfall = leaves if row.system == "rain" else outfall

    kinds, states = _labels("risk_control_points", "kind"), _labels("risk_control_points", "state")
    controls = []
    for c in conn.execute(_CONTROL_POINTS, {"codes": list(distance)}).mappings():
        controls.append(
            (
                distance[c["sewer_node"]],
                c,
                {"network_distance_m": rounded(distance[c["sewer_node"]])},
            )
        )

    river: dict[str, Any] = {"traced": False}
    start = None
    if outfall is not None:
        start = (
            outfall["lon"],
            outfall["lat"],
            outfall["sewer_m"],
            f"rain outfall {outfall['code']}",
        )
    else:
        start = (lon, lat, 0.0, "site")
    try:
        river_features, reaches = _river(
            conn,
            start[0],
            start[1],
            limits,
            release,
            limits.snap_max_m if outfall is not None else limits.river_snap_m,
        )
    except NotFoundError as exc:
        notes.append(f"未沿河追踪 / no river trace: {exc}")
        river_features, reaches = [], []
    else:
        river = {"traced": True, "from": start[3], "sewer_m": rounded(start[2]), "reaches": reaches}
    receptors = []
    for f in river_features:
        p = f["properties"]
        if p.get("kind") == "receptor":
            p["kind"] = "water_receptor"
            p["river_distance_m"] = p.pop("distance_m")
            p["network_distance_m"] = rounded((p["river_distance_m"] or 0.0) + start[2])
            receptors.append(f)
    features += river_features
    if reaches:
        for c in conn.execute(
            _RIVER_CONTROL_POINTS, {"reaches": reaches, "tolerance_m": 100.0}
        ).mappings():
            controls.append(
                (np.inf, c, {"network_distance_m": None, "reach_code": c["reach_code"]})
            )

    controls.sort(key=lambda item: (item[0], item[1]["code"]))
    for rank, (_, c, extra) in enumerate(controls, start=1):
        features.append(
            feature(
                c["geometry"],
                {
                    "kind": "control_point",
                    "rank": rank,
                    "code": c["code"],
                    "name": c["name"],
                    "control_kind": c["kind"],
                    "control_kind_zh": kinds.get(c["kind"]),
                    "capacity_m3": c["capacity_m3"],
                    "credit_code": c["credit_code"],
                    "state": c["state"],
                    "state_zh": states.get(c["state"]) if c["state"] else None,
                    **extra,
                },
            )
        )
    if systems and not any(s["system"] == "rain" for s in systems):
        notes.append("附近无雨水管网 / no rain sewer near the site")
    return {
        "features": features,
        "systems": systems,
        "river": river,
        "control_points": len(controls),
        "water_receptors": len(receptors),
        "notes": notes,
    }
