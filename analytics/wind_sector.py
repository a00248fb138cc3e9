"""``wind-sector-trace``: which stacks and fugitive points were upwind of a receptor, hour by
hour, over a time window (Jiangsu 7.5: answer an exceedance or an odour complaint with the
upwind candidate sources)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Self

import numpy as np
import numpy.typing as npt
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection

from analytics.compass import angular_difference_deg, compass_points, normalise_deg
from analytics.geodesy import azimuth_deg, sector_polygon
from analytics.geojson import Feature, FeatureCollection, collection, feature, point, rounded
from analytics.met import HourlyWind, find_station, iso, read_hourly_values, read_hourly_wind
from analytics.params import PollutantCode
from analytics.site import RECEPTOR_KINDS, ReceptorText, Site, resolve
from analytics.sources import Sources, air_sources_near, emitted_as

ID = "wind-sector-trace"
MAX_WINDOW = timedelta(days=31)


class WindSectorTrace(BaseModel):
    """Parameters of ``wind-sector-trace``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    receptor: ReceptorText = Field(
        description="point:LON,LAT | station:CODE | receptor:NAME (受体：坐标点、监测站或敏感目标)"
    )
    start: AwareDatetime = Field(description="window start, ISO 8601 with time zone / 开始时间")
    end: AwareDatetime = Field(description="window end (exclusive), with time zone / 结束时间")
    pollutant: PollutantCode | None = Field(
        None, description="HJ 212 code or name; only sources emitting it / 污染物"
    )
    half_width_deg: float = Field(
        22.5, gt=0, le=90, description="half-width of the upwind sector, degrees / 扇区半角"
    )
    max_distance_m: float = Field(
        5000, gt=0, le=50000, description="how far upwind to look, m / 最大距离（米）"
    )
    calm_ms: float = Field(
        0.5, ge=0, le=5, description="wind speed below which an hour is calm, m/s / 静风阈值"
    )
    calm_radius_m: float = Field(
        1000, gt=0, le=10000, description="radius counted in every direction in a calm hour, m"
    )
    station: str | None = Field(None, description="met station code; default the nearest")
    weight_by_concentration: bool = Field(
        True,
        description="weight hours by the pollutant measured at the receptor station / 浓度加权",
    )

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.end <= self.start:
            raise ValueError("结束时间须晚于开始时间 / end must be after start")
        if self.end - self.start > MAX_WINDOW:
            raise ValueError("时间窗口不超过31天 / the window is at most 31 days")
        return self


def _hour_weights(
    conn: Connection, params: WindSectorTrace, receptor: Site, wind: HourlyWind
) -> tuple[npt.NDArray[np.float64], dict[str, Any]]:
    """Uniform weights over the hours with wind data, or — for a station receptor and a
    pollutant — the concentration measured there (see :func:`trace_wind_sectors`)."""
    uniform = wind.valid.astype(np.float64)
    plain = {"method": "uniform", "description": "每个有效小时权重相同 / every valid hour counts 1"}
    if not (params.weight_by_concentration and params.pollutant and receptor.kind == "station"):
        return uniform, plain
    assert receptor.code is not None
    measured = read_hourly_values(conn, receptor.code, params.pollutant, wind.hours)
    usable = wind.valid & ~np.isnan(measured)
    if not usable.any():
        return uniform, plain | {
            "note": f"{receptor.code} 在窗口内无 {params.pollutant} 数据 / no {params.pollutant} "
            f"at {receptor.code} in the window, so hours are weighted uniformly"
        }
    weights = np.where(usable, np.clip(np.nan_to_num(measured), 0.0, None), 0.0)
    if weights.sum() <= 0:
        return uniform, plain | {"note": "浓度均为零 / the concentration was zero throughout"}
    return weights, {
        "method": "concentration",
        "description": "小时权重 = 受体处该污染物小时浓度（浓度加权轨迹法CWT思路）/ hour weight = "
        f"the hourly {params.pollutant} concentration at station {receptor.code} (as in CWT)",
        "hours_without_concentration": wind.hours_where(wind.valid & np.isnan(measured)),
    }


def _sector_features(
    params: WindSectorTrace, lon: float, lat: float, wind: HourlyWind, windy: Any, calm: Any
) -> list[Feature]:
    features = []
    directions = np.rint(wind.from_deg) % 360
    english, chinese = compass_points(np.nan_to_num(directions), 16)
    for direction in np.unique(directions[windy]):
        hours = windy & (directions == direction)
        left = float(normalise_deg(direction - params.half_width_deg)[()])
        right = float(normalise_deg(direction + params.half_width_deg)[()])
        first = int(np.argmax(hours))
        features.append(
            feature(
                sector_polygon(lon, lat, left, right, params.max_distance_m),
                {
                    "kind": "sector",
                    "calm": False,
                    "wind_from_deg": float(direction),
                    "wind_direction": english[first],
                    "wind_direction_zh": chinese[first] + "风",
                    "half_width_deg": params.half_width_deg,
                    "radius_m": params.max_distance_m,
                    "hour_count": int(hours.sum()),
                    "mean_speed_ms": rounded(float(np.mean(wind.speed_ms[hours])), 2),
                    "hours": wind.hours_where(hours),
                },
            )
        )
    if calm.any():
        features.append(
            feature(
                sector_polygon(lon, lat, 0.0, 360.0, params.calm_radius_m),
                {
                    "kind": "sector",
                    "calm": True,
                    "wind_from_deg": None,
                    "radius_m": params.calm_radius_m,
                    "hour_count": int(calm.sum()),
                    "hours": wind.hours_where(calm),
                },
            )
        )
    return features


def trace_wind_sectors(conn: Connection, params: WindSectorTrace) -> FeatureCollection:
    """Rank the stacks and fugitive points that were upwind of the receptor in the window.

    For each hour h with wind data (direction θ_h FROM, speed u_h) and each candidate source s
    at geodesic distance d_s and azimuth β_s from the receptor:

    - a windy hour (u_h ≥ calm_ms) has s upwind when δ = |β_s − θ_h| (the smaller angle,
      so 350° and 10° are 20° apart) ≤ half_width_deg and d_s ≤ max_distance_m; its closeness
      is a = 1 − δ / (2·half_width_deg), 1 on the sector's centre line, ½ at its edge;
    - a calm hour (u_h < calm_ms) has every source within calm_radius_m upwind, with a = ½
      since the direction says nothing.

    With hour weights w_h (1 for every hour with wind data; or, when the receptor is a station
    and a pollutant is named, w_h = C_h, the pollutant's hourly concentration measured there,
    so that polluted hours count for more — the weighting of openair's concentration-weighted
    trajectory, CWT; hours with wind but no concentration then weigh 0)::

        score_s = Σ_h w_h · a_h,s · [s upwind in h] / Σ_h w_h          (0 ≤ score ≤ 1)

    Candidates are ranked by score, then hours upwind, then distance. Hours without wind data
    are reported in ``missing_hours`` and take no part: they are never filled in.
    """
    receptor = resolve(conn, params.receptor, RECEPTOR_KINDS)
    centre = receptor.geometry.centroid
    station = find_station(conn, centre.x, centre.y, params.station)
    wind = read_hourly_wind(conn, station.code, params.start, params.end)
    calm = wind.calm(params.calm_ms)
    windy = wind.valid & ~calm
    weights, weighting = _hour_weights(conn, params, receptor, wind)

    reach_m = max(params.max_distance_m, params.calm_radius_m)
    sources = air_sources_near(conn, centre, reach_m, params.pollutant)
    bearings, _ = azimuth_deg(centre.x, centre.y, sources.lon, sources.lat)
    # hours × sources: the angle between each source's azimuth and each hour's wind direction
    offset = angular_difference_deg(bearings[np.newaxis, :], wind.from_deg[:, np.newaxis])
    in_windy = (
        windy[:, np.newaxis]
        & (offset <= params.half_width_deg)
        & (sources.distance_m <= params.max_distance_m)[np.newaxis, :]
    )
    in_calm = calm[:, np.newaxis] & (sources.distance_m <= params.calm_radius_m)[np.newaxis, :]
    closeness = np.where(in_windy, 1.0 - np.nan_to_num(offset) / (2 * params.half_width_deg), 0.0)
    closeness = closeness + np.where(in_calm, 0.5, 0.0)
    hours_upwind = (in_windy | in_calm).sum(axis=0)
    total_weight = float(weights.sum())
    score = (weights @ closeness) / total_weight if total_weight > 0 else np.zeros(len(sources))

    keep = np.flatnonzero(hours_upwind > 0)
    order = keep[np.lexsort((sources.distance_m[keep], -hours_upwind[keep], -score[keep]))]
    ranked: Sources = sources.take(order)
    english, chinese = compass_points(bearings[order], 16)
    features = [
        feature(
            point(ranked.lon[i], ranked.lat[i]),
            {
                "kind": "candidate",
                "rank": i + 1,
                "score": round(float(score[j]), 4),
                "enterprise_name": ranked.enterprise_name[i],
                "credit_code": ranked.credit_code[i],
                "outfall_code": ranked.outfall_code[i],
                "outfall_kind": ranked.outfall_kind[i],
                "bearing_deg": rounded(bearings[j]),
                "direction": english[i],
                "direction_zh": chinese[i],
                "distance_m": rounded(ranked.distance_m[i]),
                "hours_upwind": int(hours_upwind[j]),
                "hours_calm": int(in_calm[:, j].sum()),
                "hours_total": len(wind.hours),
            },
        )
        for i, j in enumerate(order)
    ]
    features += _sector_features(params, centre.x, centre.y, wind, windy, calm)
    features.append(feature(centre, {"kind": "receptor", "label": receptor.label}))
    return collection(
        ID,
        params,
        features,
        receptor=receptor.describe(),
        station=station.describe(),
        hours_total=len(wind.hours),
        hours_valid=int(wind.valid.sum()),
        window=[iso(wind.hours[0], wind.zone), iso(wind.hours[-1] + timedelta(hours=1), wind.zone)]
        if wind.hours
        else None,
        missing_hours=wind.hours_where(~wind.valid),
        calm_hours=wind.hours_where(calm),
        weighting=weighting,
        source_pollutants=None if params.pollutant is None else list(emitted_as(params.pollutant)),
        candidates=len(order),
        notes=[
            "风向为来向，自北顺时针 / wind direction is where the wind comes FROM, degrees "
            "clockwise from north",
            "缺测小时不插补，不计入得分 / missing hours are listed, not filled in, and take no "
            "part in the score",
            f"静风（<{params.calm_ms} m/s）小时计入 {params.calm_radius_m:g} m 内所有方向 / a "
            f"calm hour counts every direction within {params.calm_radius_m:g} m",
        ],
        assumptions=[
            f"风场取气象站 {station.code} 的小时风向风速，视为均匀 / the wind at the receptor is "
            f"taken as station {station.code}'s hourly wind"
        ],
    )
