"""``emergency-response``: when an accident happens at a site, who is threatened and what help
is nearest (Jiangsu 7.6.3; Guangxi Table I.2 for the receptors).

One call gives the receptors in the downwind sector of the wind at that hour, the water
receptors reached down the rain sewer and the river, the nearest shelters, supply depots and
teams, the risk-control points on the spill's way, the cameras and major hazard installations
nearby, and a summary to read in ten seconds, in Chinese and English.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

import numpy as np
import shapely
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from shapely.geometry import shape
from sqlalchemy import Connection, text

from analytics.compass import angular_difference_deg, compass_point, compass_points
from analytics.emergency_resources import nearest_help, within
from analytics.emergency_summary import summarise
from analytics.emergency_water import WaterLimits, follow_water
from analytics.geodesy import azimuth_deg, sector_polygon
from analytics.geojson import (
    Feature,
    FeatureCollection,
    collection,
    feature,
    geometry_json,
    rounded,
)
from analytics.met import find_station, iso, read_hourly_wind
from analytics.population import population_within, raster_path
from analytics.site import SITE_KINDS, SiteText, resolve
from layers import get_layer
from layers.cas_number import PATTERN as CAS_PATTERN
from layers.cas_number import cas_problem
from layers.gb18218 import table_1

ID = "emergency-response"
#: How far back the wind may be looked for when the accident's own hour has none.
WIND_LOOKBACK = timedelta(hours=3)


def _chemical(value: str) -> str:
    spelled = value.strip()
    if re.match(CAS_PATTERN, spelled):
        problem = cas_problem(spelled)
        if problem:
            raise ValueError(problem)
    elif not spelled or len(spelled) > 60:
        raise ValueError("化学品应为CAS号或名称 / give the chemical's CAS number or its name")
    return spelled


class EmergencyResponse(BaseModel):
    """Parameters of ``emergency-response``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: SiteText = Field(
        description="accident place: point:LON,LAT | enterprise:CREDITCODE | a GeoJSON geometry "
        "(事故地点)"
    )
    time: AwareDatetime = Field(description="when it happened, ISO 8601 with zone / 事故时间")
    chemical: Annotated[str, AfterValidator(_chemical)] | None = Field(
        None, description="CAS number or name of the chemical released / 泄漏化学品"
    )
    radius_m: float = Field(
        5000, gt=0, le=20000, description="how far downwind to look, m / 下风向距离（米）"
    )
    half_width_deg: float = Field(
        22.5, gt=0, le=90, description="half-width of the downwind sector / 扇区半角"
    )
    calm_ms: float = Field(0.5, ge=0, le=5, description="calm below this wind speed, m/s")
    calm_radius_m: float = Field(
        2000, gt=0, le=10000, description="radius threatened all round in a calm, m"
    )
    station: str | None = Field(None, description="met station code; default the nearest")
    nearest: int = Field(3, ge=1, le=20, description="how many shelters, depots, teams / 数量")
    camera_radius_m: float = Field(
        1000, gt=0, le=5000, description="cameras and hazard installations within, m"
    )
    sewer_distance_m: float = Field(
        10000, gt=0, le=50000, description="how far down the sewers, m / 管网追踪距离"
    )
    river_distance_m: float = Field(
        20000, gt=0, le=200000, description="how far down the river, m / 河流追踪距离"
    )
    snap_max_m: float = Field(
        500, gt=0, le=5000, description="farthest sewer node or river taken as the spill's way"
    )


_RECEPTORS = text(
    """
    WITH site AS (SELECT ST_GeomFromWKB(:wkb, 4326) AS g)
    SELECT r.id, r.name, r.category, r.population, ST_X(c.g) AS lon, ST_Y(c.g) AS lat,
           ST_Distance(r.geom::geography, site.g::geography) AS distance_m,
           ST_AsGeoJSON(r.geom, 7) AS geometry
    FROM receptors r CROSS JOIN site
    CROSS JOIN LATERAL (SELECT ST_Centroid(r.geom::geography)::geometry AS g) c
    WHERE ST_DWithin(r.geom::geography, site.g::geography, :radius_m)
      AND r.air_sensitive IS NOT FALSE
    ORDER BY distance_m, r.name
    """
)


def _wind(conn: Connection, params: EmergencyResponse, lon: float, lat: float) -> dict[str, Any]:
    """The wind of the accident's hour, or of the latest hour before it with data."""
    station = find_station(conn, lon, lat, params.station)
    hour = params.time.replace(minute=0, second=0, microsecond=0)
    wind = read_hourly_wind(conn, station.code, hour - WIND_LOOKBACK, hour + timedelta(hours=1))
    valid = np.flatnonzero(wind.valid)
    out: dict[str, Any] = {"station": station.describe(), "hour": None, "calm": None}
    if valid.size == 0:
        return out
    i = int(valid[-1])
    speed, from_deg = float(wind.speed_ms[i]), float(wind.from_deg[i])
    english, chinese = compass_point(from_deg, 16)
    return out | {
        "hour": iso(wind.hours[i], params.time.tzinfo),
        "lagged": i != len(wind.hours) - 1,
        "speed_ms": rounded(speed, 2),
        "from_deg": rounded(from_deg),
        "from": english,
        "from_zh": chinese,
        "to_deg": rounded((from_deg + 180.0) % 360.0),
        "calm": speed < params.calm_ms,
    }


def _sector(params: EmergencyResponse, lon: float, lat: float, wind: dict[str, Any]) -> Any:
    if wind["hour"] is None or wind["calm"]:
        return sector_polygon(lon, lat, 0.0, 360.0, params.calm_radius_m)
    to_deg = float(wind["to_deg"])
    return sector_polygon(
        lon, lat, to_deg - params.half_width_deg, to_deg + params.half_width_deg, params.radius_m
    )


def _downwind(
    conn: Connection,
    params: EmergencyResponse,
    site_wkb: bytes,
    lon: float,
    lat: float,
    wind: dict[str, Any],
) -> list[Feature]:
    """The air-sensitive receptors in the sector: within its radius and, unless the air is calm
    or the wind unknown, at a bearing within half_width_deg of the way the wind blows to."""
    all_round = wind["hour"] is None or wind["calm"]
    reach = params.calm_radius_m if all_round else params.radius_m
    rows = conn.execute(_RECEPTORS, {"wkb": site_wkb, "radius_m": reach}).mappings().all()
    if not rows:
        return []
    bearings, _ = azimuth_deg(
        lon, lat, np.array([r["lon"] for r in rows]), np.array([r["lat"] for r in rows])
    )
    inside = np.ones(len(rows), dtype=bool)
    if not all_round:
        offset = angular_difference_deg(bearings, float(wind["to_deg"]))
        # a receptor the site touches or overlaps is threatened whatever the bearing
        touching = np.array([r["distance_m"] <= 1.0 for r in rows])
        inside = (offset <= params.half_width_deg) | touching
    english, chinese = compass_points(bearings, 16)
    categories = {c.value: c.zh for c in get_layer("receptors").field("category").choices}
    out: list[Feature] = []
    for i in np.flatnonzero(inside).tolist():
        r = rows[i]
        out.append(
            feature(
                r["geometry"],
                {
                    "kind": "receptor",
                    "rank": len(out) + 1,
                    "name": r["name"],
                    "category": r["category"],
                    "category_zh": categories.get(r["category"]),
                    "distance_m": rounded(r["distance_m"]),
                    "bearing_deg": rounded(bearings[i]),
                    "direction": english[i],
                    "direction_zh": chinese[i],
                    "population": r["population"],
                },
                r["id"],
            )
        )
    return out


def _chemical_info(name: str | None) -> dict[str, Any] | None:
    if name is None:
        return None
    listed = table_1().get(name) or next(
        (c for c in table_1().values() if name in (c.name_zh, c.name_en)), None
    )
    if listed is None:
        return {
            "given": name,
            "in_gb18218": False,
            "note": f"{name} 不在GB 18218表1中，无临界量 / {name} is not named in GB 18218 "
            "Table 1: no critical quantity",
        }
    return {
        "given": name,
        "in_gb18218": True,
        "cas_no": listed.cas_no,
        "name_zh": listed.name_zh,
        "name_en": listed.name_en,
        "threshold_t": listed.threshold_t,
        "beta": listed.beta,
    }


def respond(
    conn: Connection, params: EmergencyResponse, *, population_raster: Any = None
) -> FeatureCollection:
    """Who is threatened by an accident at the site and what help is nearest.

    - **Air.** The wind of the accident's hour at the nearest met station (or the latest of the
      three hours before with data) blows from θ; the threatened sector is centred on θ + 180°,
      ±half_width_deg, out to radius_m. A receptor is in it when its centroid's geodesic
      azimuth from the site's centroid is within the half-width and its nearest point within
      the radius; in a calm (or with no wind data) every receptor within calm_radius_m is.
      The sector's population is the zonal sum of the population raster over it.
    - **Water.** From the nearest rain and sewage node (within snap_max_m), downstream along
      the pipes (network-trace); the risk-control points on those nodes are ranked by network
      distance — where a spill can still be stopped. From the rain outfall reached (else the
      river next to the site) downstream along the river: the intakes, water targets and
      protection zones reached, with arrival times from the reach velocities (sewer pipes
      carry none, so the time in the sewers is not counted).
    - **Help.** The nearest shelters (those inside the sector listed last), supply depots with
      their items and teams, by geodesic distance; cameras and major hazard installations
      within camera_radius_m.
    """
    site = resolve(conn, params.site, SITE_KINDS)
    centre = site.geometry.centroid
    lon, lat = float(centre.x), float(centre.y)
    wind = _wind(conn, params, lon, lat)
    sector = _sector(params, lon, lat, wind)
    receptors = _downwind(conn, params, site.wkb, lon, lat, wind)
    population = population_within(sector, raster_path(population_raster))

    def exposed(geometry: str) -> bool:
        return bool(sector.intersects(shape(geometry_json(geometry))))

    water = follow_water(
        conn,
        lon,
        lat,
        params.time,
        WaterLimits(
            params.sewer_distance_m, params.river_distance_m, params.snap_max_m, params.snap_max_m
        ),
    )
    help_features = nearest_help(conn, site.wkb, params.nearest, exposed)
    around = within(conn, site.wkb, params.camera_radius_m)
    sector_json = geometry_json(shapely.transform(sector, lambda xy: np.round(xy, 7)))
    features = [
        feature(site.geometry, {"kind": "site", "label": site.label}),
        feature(sector_json, {"kind": "sector", "calm": wind["calm"], "radius_m": params.radius_m}),
        *receptors,
        *water["features"],
        *help_features,
        *around,
    ]
    chemical = _chemical_info(params.chemical)
    summary_zh, summary_en = summarise(
        params.time, wind, receptors, population, water, help_features, around, chemical
    )
    return collection(
        ID,
        params,
        features,
        site=site.describe(),
        summary_zh=summary_zh,
        summary_en=summary_en,
        wind=wind,
        population=population,
        chemical=chemical,
        water={k: v for k, v in water.items() if k != "features"},
        counts=_counts(features),
        notes=[
            "风向为来向；扇区朝向下风向（来向+180°）/ wind is where it comes FROM; the sector "
            "points downwind (from + 180°)",
            "管网无流速，到达时间只计河道 / sewer pipes carry no velocity: arrival times count "
            "the river only",
            "不含联系人、电话与视频流地址 / contacts, phone numbers and stream addresses are "
            "never included",
        ],
    )


def _counts(features: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in features:
        kind = f["properties"]["kind"]
        counts[kind] = counts.get(kind, 0) + 1
    return counts
