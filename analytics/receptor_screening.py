"""``receptor-screening``: the sensitive receptors within a radius of a site (Guangxi Table I.2).

Planners list each receptor within 5 km of the park or of a proposed project, by direction,
distance (m) and name, and say whether the site lies in a drinking-water source protection zone
and how far the nearest one is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import shapely
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, text

from analytics.compass import compass_points
from analytics.geodesy import COINCIDENT_M, azimuth_deg, geodesic_buffer, search_envelope
from analytics.geojson import FeatureCollection, collection, feature, geometry_json, rounded
from analytics.population import population_within, raster_path
from analytics.site import SITE_KINDS, SiteText, resolve
from layers import get_layer

ID = "receptor-screening"


class ReceptorScreening(BaseModel):
    """Parameters of ``receptor-screening``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: SiteText = Field(
        "park",
        description="park | enterprise:CREDITCODE | point:LON,LAT | a GeoJSON geometry "
        "(园区 / 企业 / 坐标点 / 项目用地)",
    )
    radius_m: float = Field(5000, gt=0, le=50000, description="search radius, m / 搜索半径（米）")
    directions: Literal[8, 16] = Field(8, description="8 or 16 compass points / 8或16方位")


_RECEPTORS = text(
    """
    WITH site AS (SELECT ST_GeomFromWKB(:wkb, 4326) AS g)
    SELECT r.id, r.name, r.category, r.population, r.air_sensitive, r.water_sensitive,
           ST_Distance(r.geom::geography, site.g::geography) AS distance_m,
           ST_X(c.g) AS lon, ST_Y(c.g) AS lat,
           ST_AsGeoJSON(r.geom, 7) AS geometry
    FROM receptors r
    CROSS JOIN site
    CROSS JOIN LATERAL (SELECT ST_Centroid(r.geom::geography)::geometry AS g) c
    WHERE r.geom && ST_MakeEnvelope(:xmin, :ymin, :xmax, :ymax, 4326)
      AND ST_DWithin(r.geom::geography, site.g::geography, :radius_m)
    ORDER BY distance_m, r.name
    """
)

_SITE_AND_ZONES = text(
    """
    WITH site AS (SELECT ST_GeomFromWKB(:wkb, 4326) AS g)
    SELECT 'centroid' AS kind, NULL AS name, NULL AS level, NULL::boolean AS inside,
           NULL::float8 AS distance_m, ST_X(c) AS lon, ST_Y(c) AS lat
    FROM (SELECT ST_Centroid(g::geography)::geometry AS c FROM site) s
    UNION ALL
    SELECT 'zone', z.name, z.level, ST_Intersects(z.geom, site.g),
           ST_Distance(z.geom::geography, site.g::geography), NULL, NULL
    FROM zones z CROSS JOIN site WHERE z.kind = 'water_source_protection'
    UNION ALL
    (SELECT 'intake', r.name, NULL, ST_Intersects(r.geom, site.g),
            ST_Distance(r.geom::geography, site.g::geography) AS d, NULL, NULL
     FROM receptors r CROSS JOIN site WHERE r.category = 'water_intake' ORDER BY d LIMIT 1)
    """
)


def _protection_zones(rows: Sequence[Any], radius_m: float) -> dict[str, Any]:
    levels = {c.value: c.zh for c in get_layer("zones").field("level").choices}
    zones = sorted(
        (
            {
                "name": r.name,
                "level": r.level,
                "level_zh": levels.get(r.level),
                "inside": bool(r.inside),
                "distance_m": rounded(r.distance_m),
            }
            for r in rows
            if r.kind == "zone"
        ),
        key=lambda z: (z["distance_m"], z["name"]),
    )
    intake = next((r for r in rows if r.kind == "intake"), None)
    return {
        "inside": any(z["inside"] for z in zones),
        "containing": [z for z in zones if z["inside"]],
        "nearest": zones[0] if zones else None,
        "within_radius": [z for z in zones if z["distance_m"] <= radius_m],
        "nearest_intake": None
        if intake is None
        else {
            "name": intake.name,
            "inside": bool(intake.inside),
            "distance_m": rounded(intake.distance_m),
        },
    }


def screen_receptors(
    conn: Connection, params: ReceptorScreening, *, population_raster: Path | None = None
) -> FeatureCollection:
    """The receptors whose nearest point lies within ``radius_m`` of the site, nearest first.

    ``distance_m`` is the shortest geodesic distance between the site's and the receptor's
    geometries (PostGIS geography on the WGS 84 spheroid), 0 when they touch or overlap — the
    boundary distance EIA tables use. ``bearing_deg`` is the geodesic azimuth from the site's
    centroid to the receptor's centroid (pyproj ``Geod.inv``), so the direction (方位) reads
    "from the site towards the receptor". The population within the radius is the zonal sum of
    the population raster over the geodesic buffer of the site; that buffer is returned as the
    ``buffer`` member (a GeoJSON geometry) for a map to draw.
    """
    site = resolve(conn, params.site, SITE_KINDS)
    xmin, ymin, xmax, ymax = search_envelope(site.geometry, params.radius_m)
    bind = {"wkb": site.wkb, "radius_m": params.radius_m}
    rows = (
        conn.execute(_RECEPTORS, {**bind, "xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax})
        .mappings()
        .all()
    )
    site_rows = conn.execute(_SITE_AND_ZONES, bind).all()
    centre = next(r for r in site_rows if r.kind == "centroid")

    lons = np.array([r["lon"] for r in rows], dtype=np.float64)
    lats = np.array([r["lat"] for r in rows], dtype=np.float64)
    bearings, centre_distances = azimuth_deg(centre.lon, centre.lat, lons, lats)
    english, chinese = compass_points(bearings, params.directions)
    coincident = centre_distances < COINCIDENT_M
    categories = {c.value: c.zh for c in get_layer("receptors").field("category").choices}

    features = [
        feature(
            r["geometry"],
            {
                "name": r["name"],
                "category": r["category"],
                "category_zh": categories.get(r["category"]),
                "distance_m": rounded(r["distance_m"]),
                "bearing_deg": None if coincident[i] else rounded(bearings[i]),
                "direction": None if coincident[i] else english[i],
                "direction_zh": None if coincident[i] else chinese[i],
                "population": r["population"],
                "air_sensitive": r["air_sensitive"],
                "water_sensitive": r["water_sensitive"],
            },
            r["id"],
        )
        for i, r in enumerate(rows)
    ]
    buffer = geodesic_buffer(site.geometry, params.radius_m)
    population = population_within(buffer, raster_path(population_raster))
    population["receptors_total"] = int(sum(r["population"] or 0 for r in rows))
    return collection(
        ID,
        params,
        features,
        site=site.describe() | {"centroid": [rounded(centre.lon, 7), rounded(centre.lat, 7)]},
        count=len(features),
        # the ring to draw: the site's own geodesic buffer (a park's or a site polygon's follows
        # its boundary; only a point's is a circle), 1e-7° ≈ 1 cm
        buffer=geometry_json(shapely.transform(buffer, lambda xy: np.round(xy, 7))),
        protection_zones=_protection_zones(site_rows, params.radius_m),
        population=population,
        notes=[
            "距离为场址边界至敏感目标边界的最短大地线距离，相接或重叠时为0 / distance_m is the "
            "shortest geodesic distance between the site and the receptor, 0 where they touch",
            "方位为自场址质心指向敏感目标质心的大地方位角 / bearing_deg and direction run from "
            "the site's centroid to the receptor's centroid",
            "水环境保护目标须沿河流下游5 km核查，见 network-trace / water targets 5 km "
            "downstream are found with network-trace (direction=downstream, network=river)",
        ],
    )
