"""``back-trajectory``: where the air arriving at a receptor came from, over the last hours.

HYSPLIT needs gridded meteorology; at park scale (a few km, a few hours) one station's hourly
wind, taken as uniform over the park, is what there is (reference §1.3). The path is integrated
backwards with Heun's predictor-corrector step:

    P′ = P(t) − V(t)·Δt,    P(t − Δt) = P(t) − ½·[V(t) + V(t − Δt)]·Δt

in a local azimuthal-equidistant plane centred on the receptor (x east, y north, metres).
V = (u, v) = (−ws·sin wd, −ws·cos wd) is where the air moves TO; u and v are interpolated
linearly in time between the hourly values, never the angles. Because the field is uniform
V does not depend on P, and Heun's step is the trapezoidal rule in time.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from analytics.geodesy import local_projection, to_local
from analytics.geojson import FeatureCollection, collection, feature, point, rounded
from analytics.met import HourlyWind, find_station, iso, read_hourly_wind
from analytics.params import PollutantCode
from analytics.site import RECEPTOR_KINDS, ReceptorText, resolve
from analytics.sources import air_sources_near, emitted_as

ID = "back-trajectory"


class BackTrajectory(BaseModel):
    """Parameters of ``back-trajectory``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    receptor: ReceptorText = Field(description="point:LON,LAT | station:CODE | receptor:NAME")
    arrival_time: AwareDatetime = Field(
        description="when the air reached the receptor, ISO 8601 with time zone / 到达时间"
    )
    hours: int = Field(6, ge=1, le=24, description="hours back, 1-24 / 回溯小时数")
    step_s: int = Field(300, ge=10, le=3600, description="integration step, s / 积分步长（秒）")
    corridor_m: float = Field(
        500, gt=0, le=5000, description="half-width of the source corridor, m / 走廊半宽（米）"
    )
    calm_ms: float = Field(0.5, ge=0, le=5, description="calm below this speed, m/s / 静风阈值")
    station: str | None = Field(None, description="met station code; default the nearest")
    pollutant: PollutantCode | None = Field(
        None, description="HJ 212 code or name; only sources emitting it / 污染物"
    )


def _vertex_times(params: BackTrajectory) -> npt.NDArray[np.float64]:
    """Seconds before arrival of each vertex: 0, step, 2·step, … , hours·3600."""
    total_s = params.hours * 3600
    offsets = np.arange(0, total_s, params.step_s, dtype=np.float64)
    return np.append(offsets, float(total_s))


def _stop(
    wind: HourlyWind, usable_hour: npt.NDArray[np.bool_], hours: tuple[int, int], calm_ms: float
) -> dict[str, Any]:
    """Why the integration cannot go on: the later of the two hours bracketing the first
    unusable vertex that is missing or calm (the path runs backwards, so it meets that first)."""
    later, earlier = hours[1], hours[0]
    bad = later if not usable_hour[later] else earlier
    reason = "missing" if not wind.valid[bad] else "calm"
    label = {
        "missing": "缺测 / missing wind data",
        "calm": f"静风（<{calm_ms} m/s） / calm (below {calm_ms} m/s)",
    }[reason]
    return {"reason": reason, "hour": iso(wind.hours[bad], wind.zone), "description": label}


def trace_back_trajectory(conn: Connection, params: BackTrajectory) -> FeatureCollection:
    """Integrate the station's wind backwards from the receptor and list the stacks and fugitive
    points within ``corridor_m`` of the path, ranked by closest approach.

    The integration stops at the first time whose bracketing hours are missing or calm, and the
    result says so (``stopped``). Each candidate has ``distance_m`` (geodesic, to the path) and
    ``time_offset_h``, the hours before arrival (negative) when the air passed nearest to it.
    """
    receptor = resolve(conn, params.receptor, RECEPTOR_KINDS)
    centre = receptor.geometry.centroid
    station = find_station(conn, centre.x, centre.y, params.station)
    zone = params.arrival_time.tzinfo
    arrival = params.arrival_time.astimezone(UTC)
    start = (arrival - timedelta(hours=params.hours)).astimezone(zone)
    wind = read_hourly_wind(conn, station.code, start, arrival + timedelta(hours=1))

    offsets_s = _vertex_times(params)
    first_epoch = wind.hours[0].timestamp()
    position_h = (arrival.timestamp() - offsets_s - first_epoch) / 3600.0
    lo = np.floor(position_h).astype(np.int64)
    hi = np.minimum(np.ceil(position_h).astype(np.int64), len(wind.hours) - 1)
    usable_hour = wind.valid & ~wind.calm(params.calm_ms)
    usable = usable_hour[lo] & usable_hour[hi]
    count = len(offsets_s) if usable.all() else int(np.argmin(usable))
    stopped = (
        None
        if count == len(offsets_s)
        else _stop(wind, usable_hour, (int(lo[count]), int(hi[count])), params.calm_ms)
    )

    offsets_s, lo, hi = offsets_s[:count], lo[:count], hi[:count]
    frac = position_h[:count] - lo
    u = wind.u_ms[lo] * (1 - frac) + np.where(hi > lo, wind.u_ms[hi], 0.0) * frac
    v = wind.v_ms[lo] * (1 - frac) + np.where(hi > lo, wind.v_ms[hi], 0.0) * frac
    dt = np.diff(offsets_s)
    # Heun / trapezoid, backwards: each step moves against the mean of its two end velocities.
    x = np.concatenate(([0.0], -np.cumsum(0.5 * (u[:-1] + u[1:]) * dt)))
    y = np.concatenate(([0.0], -np.cumsum(0.5 * (v[:-1] + v[1:]) * dt)))
    forward, inverse = local_projection(centre.x, centre.y)
    lons, lats = inverse.transform(x, y)
    along_m = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))))

    path: shapely.geometry.base.BaseGeometry = (
        shapely.LineString(np.column_stack([lons, lats])) if count > 1 else centre
    )
    sources = air_sources_near(conn, path, params.corridor_m, params.pollutant)
    if count > 1 and len(sources):
        local_path = shapely.LineString(np.column_stack([x, y]))
        local_points = to_local(
            shapely.points(np.column_stack([sources.lon, sources.lat])), forward
        )
        nearest_m = shapely.line_locate_point(local_path, local_points)
        passed_s = np.interp(nearest_m, along_m, offsets_s)
    else:
        passed_s = np.zeros(len(sources))
    order = np.lexsort((passed_s, sources.distance_m))

    times = [arrival - timedelta(seconds=float(s)) for s in offsets_s]
    features = [
        feature(
            path,
            {
                "kind": "trajectory",
                "times": [iso(t, zone) for t in times],
                "time_offsets_h": [round(-s / 3600.0, 4) for s in offsets_s],
                "length_m": rounded(along_m[-1] if count else 0.0),
                "duration_h": rounded(offsets_s[-1] / 3600.0 if count else 0.0, 3),
                "stopped": stopped is not None,
                "stop_reason": None if stopped is None else stopped["reason"],
            },
        )
    ]
    features += [
        feature(
            point(sources.lon[j], sources.lat[j]),
            {
                "kind": "candidate",
                "rank": rank,
                "enterprise_name": sources.enterprise_name[j],
                "credit_code": sources.credit_code[j],
                "outfall_code": sources.outfall_code[j],
                "outfall_kind": sources.outfall_kind[j],
                "distance_m": rounded(sources.distance_m[j]),
                "time_offset_h": round(-float(passed_s[j]) / 3600.0, 2),
                "passage_time": iso(arrival - timedelta(seconds=round(float(passed_s[j]))), zone),
            },
        )
        for rank, j in enumerate(order, start=1)
    ]
    features.append(feature(centre, {"kind": "receptor", "label": receptor.label}))
    return collection(
        ID,
        params,
        features,
        receptor=receptor.describe(),
        station=station.describe(),
        arrival_time=iso(arrival, zone),
        reached_time=iso(times[-1] if times else arrival, zone),
        stopped=stopped,
        missing_hours=wind.hours_where(~wind.valid),
        calm_hours=wind.hours_where(wind.calm(params.calm_ms)),
        candidates=len(order),
        source_pollutants=None if params.pollutant is None else list(emitted_as(params.pollutant)),
        notes=[
            "时间偏移为到达前的小时数（负值） / time_offset_h is hours before arrival (negative)",
            "遇静风或缺测即停止回溯 / the path stops at the first calm or missing hour",
        ],
        assumptions=[
            f"假定风场均匀，全部取自气象站 {station.code} / assumes a uniform wind field taken "
            f"from one station, {station.code}; terrain, buildings and vertical motion are "
            "ignored, so the path is an indication at park scale (a few km, a few hours)"
        ],
    )
