"""Generate the demo park: every layer's file, the episodes' truth, a DEM and a population grid.

Each concern draws from its own random stream (``default_rng([seed, stream])``), so the output
is byte-for-byte the same for the same seed, and changing one concern does not reshuffle the
others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from etl.demo import declarations
from etl.demo.campaigns import build_campaign_samples
from etl.demo.chemicals import HazardSource, StoredChemical, build_chemicals, plan_rows
from etl.demo.emergency import Emergency, build_emergency
from etl.demo.enterprises import ROAD_HALF_WIDTH_M, Enterprise, build_enterprises
from etl.demo.episodes import as_json, plan_air, plan_water
from etl.demo.frame import (
    GEOD,
    LOCAL_CRS,
    ORIGIN_LAT_DEG,
    ORIGIN_LON_DEG,
    Terrain,
    to_lonlat,
    uv_to_lonlat,
)
from etl.demo.geography import as_multipolygon, build_geography
from etl.demo.observations import build_observations, count_rows, observation_lines
from etl.demo.outfall_online import build_outfall_online
from etl.demo.outfalls import build_outfalls
from etl.demo.rasters import write_dem, write_population
from etl.demo.readme import readme_text
from etl.demo.receptors import build_receptors
from etl.demo.registers import build_registers
from etl.demo.sewer import build_network
from etl.demo.stations import build_stations
from etl.demo.weather import HOURS, build_weather
from etl.demo.writers import write_geojson, write_gzip_text, write_json, write_table
from layers import BY_ID
from layers.parameters import BY_CODE

DEFAULT_SEED = 20261122
STREAMS = (
    "geography",
    "terrain",
    "enterprises",
    "outfalls",
    "receptors",
    "stations",
    "weather",
    "episodes",
    "observations",
    "population",
    "chemicals",
    "emergency",
    "outfall_online",
    "registers",
    "campaigns",
    "declarations",
)

PARK = {
    "code": "3212830001",
    "name": "江苏滨江新材料产业园",
    "admin_code": "321283",
    "address": "江苏省泰州市泰兴市滨江镇港城路88号",
    "level": "provincial",
    "park_class": "I",
    "boundary_desc": "东至六圩港，南至长江（新滩夹江）岸线，西至三圩港，北至北环路以北规划控制线",
    "industry_positioning": "以精细化工、医药及中间体、化工新材料为主导，配套港口物流、"
    "热电联产、污水处理和危险废物处置等公用工程",
    "established": "2003-06-18",
    "plan_eia_name": "江苏滨江新材料产业园发展规划（2021—2035年）环境影响报告书",
    "plan_eia_date": "2022-09-26",
    "plan_eia_authority": "江苏省生态环境厅",
    "plan_eia_no": "苏环审〔2022〕58号",
    # Guangxi Table I.2 parts 1-2 (the enterprise counts: _enterprise_counts)
    "plan_eia_period": "2021—2035年",
    "management_committee": "江苏滨江新材料产业园管理委员会",
    "output_value_100m_cny": 1268.5,
    "output_year": 2024,
    "master_plan_name": "江苏滨江新材料产业园总体发展规划（2021—2035年）",
    "master_plan_authority": "江苏省人民政府",
    "master_plan_no": "苏政复〔2021〕37号",
    "master_plan_area_ha": 1509.22,
    "master_plan_period": "2021—2035年",
    "master_plan_positioning": "长江经济带绿色化工新材料产业基地",
    "regulatory_plan_name": "江苏滨江新材料产业园控制性详细规划",
    "regulatory_plan_authority": "泰兴市人民政府",
    "regulatory_plan_no": "泰政复〔2022〕12号",
    "regulatory_plan_area_ha": 1509.22,
    "regulatory_plan_period": "2022—2035年",
    "regulatory_plan_positioning": "精细化工、医药中间体及化工新材料集聚区",
}


def _enterprise_counts(enterprises: Sequence[Enterprise]) -> dict[str, object]:
    """Guangxi Table I.2's enterprise counts with their main types (the three most common
    industries, ties by name) for the park row."""

    def main_types(group: Sequence[Enterprise]) -> str:
        counts = Counter(e.industry.name for e in group)
        return "、".join(
            name for name, _ in sorted(counts.items(), key=lambda c: (-c[1], c[0]))[:3]
        )

    key = [e for e in enterprises if e.key_discharger]
    return {
        "enterprise_count": len(enterprises),
        "enterprise_main_types": main_types(enterprises),
        "key_enterprise_count": len(key),
        "key_enterprise_main_types": main_types(key),
    }


def _point(u: float, v: float) -> tuple[float, float]:
    lon, lat = uv_to_lonlat(u, v)
    return float(lon), float(lat)


def generate(out_dir: Path, seed: int = DEFAULT_SEED, full: bool = True) -> dict[str, int]:
    """Write the demo park into ``out_dir`` and return the number of rows per layer.

    ``full=False`` skips the year of observations (the slow part), for quick checks; the
    episodes' truth is written either way.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rngs = {name: np.random.default_rng([seed, k]) for k, name in enumerate(STREAMS)}
    geo = build_geography(rngs["geography"])
    terrain = Terrain.from_rng(rngs["terrain"])
    enterprises, parcel_ha = build_enterprises(geo, rngs["enterprises"])
    network = build_network(geo, enterprises, terrain)
    outfalls = build_outfalls(geo, enterprises, network, rngs["outfalls"])
    receptors = build_receptors(geo, rngs["receptors"])
    stations = build_stations(geo, receptors, network, rngs["stations"])
    weather = build_weather(rngs["weather"])
    # the hazard levels written are the ones GB 18218 gives the stored chemicals
    chemicals, hazard_sources, rated = build_chemicals(enterprises, receptors, rngs["chemicals"])
    emergency = build_emergency(
        geo, enterprises, network, outfalls, stations, hazard_sources, rngs["emergency"]
    )
    busy = np.zeros(HOURS, dtype=bool)
    episodes = plan_air(stations, outfalls, enterprises, weather, busy, rngs["episodes"])
    episodes += plan_water(
        stations, outfalls, enterprises, network, busy, rngs["episodes"], exclude=episodes
    )

    counts: dict[str, int] = {}
    park_ll = as_multipolygon(to_lonlat(geo.park))
    planned_ha = abs(GEOD.geometry_area_perimeter(park_ll)[0]) / 1e4
    road_ha = network.road_length_m * 2.0 * ROAD_HALF_WIDTH_M / 1e4
    park = {
        **PARK,
        "planned_area_ha": round(planned_ha, 2),
        "developed_area_ha": round(min(parcel_ha + road_ha, 0.95 * planned_ha), 2),
        **_enterprise_counts(rated),
    }
    counts["park"] = write_geojson(out_dir / "park.geojson", BY_ID["park"], [(park, park_ll)])

    zones: list[tuple[dict[str, object], BaseGeometry]] = [
        (
            {"kind": z.kind, "name": z.name, "level": z.level, "note": z.note},
            as_multipolygon(to_lonlat(z.geometry)),
        )
        for z in (*geo.functional, *geo.zones)
    ]
    counts["zones"] = write_geojson(out_dir / "zones.geojson", BY_ID["zones"], zones)

    counts["enterprises"] = write_table(
        out_dir / "enterprises.csv",
        BY_ID["enterprises"],
        [e.row() for e in rated],
        [_point(e.u, e.v) for e in rated],
        chinese=True,
    )

    rivers = [
        (
            {
                "name": r.name,
                "reach_code": r.code,
                "target_class": r.target_class,
                "velocity_ms": r.velocity_ms,
            },
            to_lonlat(r.line),
        )
        for r in geo.reaches
    ]
    counts["rivers"] = write_geojson(out_dir / "rivers.geojson", BY_ID["rivers"], rivers)

    nodes = [
        ({"code": n.code, "kind": n.kind, "invert_m": n.invert_m}, to_lonlat(Point(n.u, n.v)))
        for n in network.nodes
    ]
    counts["sewer_nodes"] = write_geojson(
        out_dir / "sewer_nodes.geojson", BY_ID["sewer_nodes"], nodes
    )
    where = {n.code: (n.u, n.v) for n in network.nodes}
    pipes = [
        (
            {
                "code": p.code,
                "system": p.system,
                "diameter_mm": p.diameter_mm,
                "material": p.material,
                "length_m": p.length_m,
                "from_node": p.from_node,
                "to_node": p.to_node,
            },
            to_lonlat(_line(where[p.from_node], where[p.to_node])),
        )
        for p in network.pipes
    ]
    counts["sewer_pipes"] = write_geojson(
        out_dir / "sewer_pipes.geojson", BY_ID["sewer_pipes"], pipes
    )

    counts["outfalls"] = write_table(
        out_dir / "outfalls.csv",
        BY_ID["outfalls"],
        [o.row() for o in outfalls],
        [_point(o.u, o.v) for o in outfalls],
    )
    counts["receptors"] = write_geojson(
        out_dir / "receptors.geojson",
        BY_ID["receptors"],
        [(r.row(), to_lonlat(r.geometry)) for r in receptors],
    )
    online = build_outfall_online(outfalls, enterprises, rngs["outfall_online"])
    counts["stations"] = write_table(
        out_dir / "stations.csv",
        BY_ID["stations"],
        [s.row() for s in [*stations, *online.stations]],
        [_point(s.u, s.v) for s in [*stations, *online.stations]],
    )
    counts["permit_limits"] = write_table(
        out_dir / "permit_limits.csv", BY_ID["permit_limits"], online.permit_limits
    )
    counts["permit_totals"] = write_table(
        out_dir / "permit_totals.csv", BY_ID["permit_totals"], online.permit_totals
    )
    counts["park_targets"] = write_table(
        out_dir / "park_targets.csv", BY_ID["park_targets"], online.park_targets
    )
    registers = build_registers(enterprises, outfalls, rngs["registers"])
    for name in (
        "pollutant_catalogue",
        "solid_waste",
        "ldar_checks",
        "energy_use",
        "carbon_accounts",
    ):
        counts[name] = write_table(out_dir / f"{name}.csv", BY_ID[name], getattr(registers, name))
    counts["campaign_samples"] = write_table(
        out_dir / "campaign_samples.csv",
        BY_ID["campaign_samples"],
        build_campaign_samples(stations, rngs["campaigns"]),
    )
    conditions, places = declarations.operating_conditions(online.stations, online.series, outfalls)
    counts["operating_conditions"] = write_table(
        out_dir / "operating_conditions.csv",
        BY_ID["operating_conditions"],
        conditions,
        [_point(u, v) for u, v in places],
    )
    counts["manual_monitoring"] = write_table(
        out_dir / "manual_monitoring.csv",
        BY_ID["manual_monitoring"],
        declarations.manual_monitoring(outfalls, rngs["declarations"]),
    )

    counts.update(_write_risk(out_dir, chemicals, hazard_sources, rated, emergency, rngs))

    if full:
        series = build_observations(stations, weather, episodes, busy, rngs["observations"])
        series += online.series
        write_gzip_text(out_dir / "observations.csv.gz", observation_lines(series))
        counts["observations"] = count_rows(series)

    units = {code: p.unit for code, p in BY_CODE.items()}
    names = {code: p.zh for code, p in BY_CODE.items()}
    write_json(
        out_dir / "episodes.json",
        {
            "generated_by": "onemap demo generate",
            "seed": seed,
            "timezone": "+08:00 (Beijing time)",
            "interval": "start inclusive, end exclusive; hourly observations are stamped with the "
            "start of the hour they average",
            "episodes": as_json(episodes, units, names),
        },
    )
    counts["episodes"] = len(episodes)
    dem_size = write_dem(out_dir / "dem.tif", geo, terrain)
    population = write_population(out_dir / "population.tif", geo, receptors, rngs["population"])
    (out_dir / "README.md").write_text(
        readme_text(
            seed=seed,
            counts=counts,
            park=park,
            dem_size=dem_size,
            population=population,
            origin=(ORIGIN_LON_DEG, ORIGIN_LAT_DEG),
            local_crs=LOCAL_CRS,
            episodes=as_json(episodes, units, names),
        ),
        encoding="utf-8",
    )
    return counts


def _write_risk(
    out_dir: Path,
    chemicals: list[StoredChemical],
    hazard_sources: list[HazardSource],
    rated: list[Enterprise],
    emergency: Emergency,
    rngs: dict[str, np.random.Generator],
) -> dict[str, int]:
    """The risk and emergency layers' files: spreadsheets as an enterprise or the park's staff
    would fill them (Chinese headers), the areas and lines as GeoJSON."""
    counts = {
        "hazardous_chemicals": write_table(
            out_dir / "hazardous_chemicals.csv",
            BY_ID["hazardous_chemicals"],
            [c.row() for c in chemicals],
            [_point(c.u, c.v) for c in chemicals],
            chinese=True,
        ),
        "hazard_sources": write_geojson(
            out_dir / "hazard_sources.geojson",
            BY_ID["hazard_sources"],
            [(s.row(), to_lonlat(s.footprint())) for s in hazard_sources],
        ),
        "emergency_plans": write_table(
            out_dir / "emergency_plans.csv",
            BY_ID["emergency_plans"],
            plan_rows(rated, str(PARK["name"]), rngs["emergency"]),
            chinese=True,
        ),
    }
    for layer_id, rows in (
        ("emergency_supplies", emergency.supplies),
        ("emergency_teams", emergency.teams),
        ("risk_control_points", emergency.control_points),
        ("cameras", emergency.cameras),
    ):
        counts[layer_id] = write_table(
            out_dir / f"{layer_id}.csv",
            BY_ID[layer_id],
            [row for row, _ in rows],
            [_point(g.x, g.y) for _, g in rows],
            chinese=True,
        )
    for layer_id, rows in (("shelters", emergency.shelters), ("facilities", emergency.facilities)):
        counts[layer_id] = write_geojson(
            out_dir / f"{layer_id}.geojson",
            BY_ID[layer_id],
            [(row, to_lonlat(g)) for row, g in rows],
        )
    return counts


def _line(a: tuple[float, float], b: tuple[float, float]) -> LineString:
    return LineString([a, b])
