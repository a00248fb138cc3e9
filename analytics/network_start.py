"""Where a network trace starts: a sewer node, a river reach with an offset, or a point snapped
to the nearest node or reach (the snap distance is reported)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, text

from analytics.errors import BadParameterError, NotFoundError
from analytics.network_graph import Network


@dataclass(frozen=True)
class Start:
    """The resolved start: the vertex's database id, where on it, and how it was found."""

    network: Network
    vertex_id: int
    code: str
    lon: float
    lat: float
    offset_m: float = 0.0  # river: metres from the reach's upstream end
    length_m: float = 0.0  # river: the reach's geodesic length
    snap_distance_m: float | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "element": "node" if self.network == "sewer" else "reach",
            "code": self.code,
            "lon": round(self.lon, 7),
            "lat": round(self.lat, 7),
            "snap_distance_m": None
            if self.snap_distance_m is None
            else round(self.snap_distance_m, 1),
        }
        if self.network == "river":
            out["offset_m"] = round(self.offset_m, 1)
            out["reach_length_m"] = round(self.length_m, 1)
        return out


def check_start(value: str, network: Network) -> tuple[str, str]:
    """``(kind, rest)`` of a start's spelling: ``node:CODE`` (sewer), ``reach:CODE`` (river),
    ``point:LON,LAT``, or a bare code of the network's element."""
    prefix, sep, rest = value.strip().partition(":")
    if not sep:
        return ("node" if network == "sewer" else "reach"), prefix
    rest = rest.strip()
    if prefix == "point":
        parts = rest.split(",")
        try:
            lon, lat = (float(p) for p in parts)
        except ValueError:
            raise ValueError("坐标应为 经度,纬度 / a point is LON,LAT in degrees") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError("坐标超出经纬度范围 / LON,LAT out of range")
        return "point", rest
    wanted = "node" if network == "sewer" else "reach"
    if prefix != wanted or not rest:
        raise ValueError(
            f"{network} 网络的起点写作 {wanted}:CODE 或 point:LON,LAT / a {network} trace starts "
            f"at {wanted}:CODE or point:LON,LAT"
        )
    return prefix, rest


_SEWER_NODE = text(
    "SELECT id, code, ST_X(geom) AS lon, ST_Y(geom) AS lat, NULL::float8 AS snap_m "
    "FROM sewer_nodes WHERE code = :code"
)
_SEWER_SNAP = text(
    """
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g)
    SELECT n.id, n.code, ST_X(n.geom) AS lon, ST_Y(n.geom) AS lat,
           ST_Distance(n.geom::geography, pt.g::geography) AS snap_m
    FROM (SELECT id, code, geom FROM sewer_nodes ORDER BY geom <-> (SELECT g FROM pt) LIMIT 16) n
    CROSS JOIN pt ORDER BY snap_m, n.code LIMIT 1
    """
)
_REACH = text(
    """
    SELECT id, reach_code AS code, ST_Length(geom::geography) AS length_m,
           ST_X(ST_LineInterpolatePoint(geom, f)) AS lon,
           ST_Y(ST_LineInterpolatePoint(geom, f)) AS lat,
           NULL::float8 AS snap_m
    FROM rivers
    CROSS JOIN LATERAL (SELECT least(:offset_m / nullif(ST_Length(geom::geography), 0), 1.0) AS f) x
    WHERE reach_code = :code
    """
)
_REACH_SNAP = text(
    """
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g)
    SELECT r.id, r.reach_code AS code, ST_Length(r.geom::geography) AS length_m,
           ST_Length(ST_LineSubstring(r.geom, 0, ST_LineLocatePoint(r.geom, pt.g))::geography)
               AS offset_m,
           ST_X(ST_ClosestPoint(r.geom, pt.g)) AS lon, ST_Y(ST_ClosestPoint(r.geom, pt.g)) AS lat,
           ST_Distance(r.geom::geography, pt.g::geography) AS snap_m
    FROM (SELECT id, reach_code, geom FROM rivers
          ORDER BY geom <-> (SELECT g FROM pt) LIMIT 16) r
    CROSS JOIN pt ORDER BY snap_m, r.reach_code LIMIT 1
    """
)


def resolve_start(
    conn: Connection, network: Network, value: str, offset_m: float, snap_max_m: float
) -> Start:
    """Look the start up; :class:`NotFoundError` when the node or reach does not exist or no
    element lies within ``snap_max_m`` of the point."""
    kind, rest = check_start(value, network)
    bind: dict[str, Any] = {"code": rest, "offset_m": offset_m}
    if kind == "point":
        lon, lat = (float(p) for p in rest.split(","))
        bind.update(lon=lon, lat=lat)
        query = _SEWER_SNAP if network == "sewer" else _REACH_SNAP
    else:
        query = _SEWER_NODE if network == "sewer" else _REACH
    row = conn.execute(query, bind).mappings().first()
    if row is None:
        what = {"sewer": "管网节点 / sewer node", "river": "河段 / river reach"}[network]
        if kind == "point":
            raise NotFoundError(f"网络为空，无法吸附 / there is no {what} to snap the point to")
        raise NotFoundError(f"未找到{what} {rest} / no {what.split(' / ')[1]} {rest}")
    snap = row["snap_m"]
    if snap is not None and snap > snap_max_m:
        raise NotFoundError(
            f"最近的网络要素 {row['code']} 距该点 {snap:.0f} m，超过 {snap_max_m:g} m / "
            f"the nearest element, {row['code']}, is {snap:.0f} m from the point, "
            "beyond snap_max_m"
        )
    start = Start(network, int(row["id"]), str(row["code"]), row["lon"], row["lat"])
    if network == "river":
        length = float(row["length_m"])
        offset = float(row["offset_m"]) if kind == "point" else offset_m
        if offset > length + 1e-6:
            raise BadParameterError(
                f"起点偏移 {offset_m:g} m 超过河段 {rest} 长度 {length:.0f} m / start_offset_m "
                f"{offset_m:g} is beyond the end of reach {rest} ({length:.0f} m long)"
            )
        start = replace(start, offset_m=min(offset, length), length_m=length)
    if snap is not None:
        start = replace(start, snap_distance_m=float(snap))
    return start
