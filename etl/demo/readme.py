"""The README written beside the demo data, with the counts of the run that wrote it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FILES = (
    ("park.geojson", "park", "园区边界及基本信息（江苏附录A字段）"),
    ("zones.geojson", "zones", "功能分区、产业控制带、生态空间管控区、饮用水水源保护区"),
    ("enterprises.csv", "enterprises", "企业（中文表头，是/否，一般/较大/重大，经度/纬度）"),
    ("rivers.geojson", "rivers", "河段（按水流方向数字化，首尾相接）"),
    ("sewer_nodes.geojson", "sewer_nodes", "排水管网节点（WS-污水，YS-雨水）"),
    ("sewer_pipes.geojson", "sewer_pipes", "排水管线（GX-污水，YG-雨水），自上游至下游"),
    ("outfalls.csv", "outfalls", "排放口、排气筒、无组织监控点"),
    ("receptors.geojson", "receptors", "环境敏感目标（8 km内）"),
    ("stations.csv", "stations", "监测站点"),
    ("observations.csv.gz", "observations", "2025年逐时/4小时监测数据（长表）"),
    ("campaign_samples.csv", "campaign_samples", "2025年声环境、地下水、土壤手工监测样品"),
    ("hazardous_chemicals.csv", "hazardous_chemicals", "危险化学品（中文表头，按单元存放）"),
    ("hazard_sources.geojson", "hazard_sources", "重大危险源（由q/Q与R值计算，储存单元为面）"),
    ("emergency_plans.csv", "emergency_plans", "较大、重大风险企业及园区的应急预案"),
    ("emergency_supplies.csv", "emergency_supplies", "应急物资（10个储备库）"),
    ("shelters.geojson", "shelters", "应急避难场所"),
    ("emergency_teams.csv", "emergency_teams", "应急救援队伍"),
    ("risk_control_points.csv", "risk_control_points", "雨水闸门、事故应急池、切断阀、拦截坝"),
    ("facilities.geojson", "facilities", "污水处理厂、热电、危废处置中心、公共管廊"),
    ("cameras.csv", "cameras", "视频监控点（GB/T 28181编码）"),
)


def readme_text(
    *,
    seed: int,
    counts: Mapping[str, int],
    park: Mapping[str, object],
    dem_size: tuple[int, int],
    population: float,
    origin: tuple[float, float],
    local_crs: str,
    episodes: Sequence[Mapping[str, object]],
) -> str:
    rows = "\n".join(
        f"| `{name}` | `{layer}` | {counts.get(layer, '—')} | {what} |"
        for name, layer, what in FILES
    )
    episode_rows = "\n".join(
        f"| {e['id']} | {e['medium']} | {e['pollutant']} | {e['start']} | "
        f"{e['source']['outfall_code']} | {e['affected']['station_code']} |"  # type: ignore[index]
        for e in episodes
    )
    return f"""# Demo park data — 江苏滨江新材料产业园（示例数据）

**Generated, do not edit by hand.** Regenerate with

    onemap demo generate --out data/demo      # seed {seed}

and load into the database with `onemap demo load --dir data/demo`. The generator is `etl/demo/`;
it is deterministic: the same seed gives byte-identical files.

**Fictional.** The park, its enterprises, people, phone numbers, credit codes (valid check
characters, not real companies), stations and measurements are invented. The **location is
real**: the north bank of the Yangtze in Taixing (泰兴市), Taizhou, Jiangsu, around
{origin[0]}°E, {origin[1]}°N, between Taixing and Jingjiang. The shapes (river banks, the
island, creeks, the park outline, villages) are plausible but synthetic, not surveyed.

Park: {park["name"]} ({park["code"]}), {park["planned_area_ha"]} ha planned,
{park["developed_area_ha"]} ha developed, class {park["park_class"]} (chemical), provincial.

## Files

| file | layer | rows | content |
|---|---|---|---|
{rows}
| `episodes.json` | — | {counts.get("episodes", 0)} | injected episodes and their true sources |
| `dem.tif` | — | {dem_size[0]}×{dem_size[1]} | DEM, m (1985国家高程基准), 1″ cells |
| `population.tif` | — | {population:,.0f} people | population per 3″ cell |

- Vector files use the registry's canonical field names as headers, except the CSV files of
  enterprises and of the risk and emergency layers, which use the Chinese headers (`Field.zh`)
  and labels the way users' spreadsheets do.
- Hazardous chemicals: fifteen units hold quantities that make them GB 18218 major hazards
  (S = Σ q/Q ≥ 1), their level from R = α Σ β q/Q with α from the people within 500 m; every
  other unit stays below S = 1, and each enterprise's `hazard_level` is the level so computed.
  Sulphuric acid, caustic soda and a few others are not named in GB 18218 Table 1: they carry
  no critical quantity. Phones, keepers and camera stream addresses are invented and private.
- Coordinates are WGS84 (EPSG:4326) with 7 decimals; CSV point tables carry `lon`/`lat`
  (经度/纬度). Lists are `;`-separated; booleans `true`/`false` (是/否 in Chinese files).
- Geometry was laid out in CGCS2000 / 3-degree Gauss-Krüger CM 120E ({local_crs}); the rasters
  are EPSG:4326, float32, DEFLATE, 256×256 tiles.
- Times are ISO 8601 Beijing time (+08:00); an hourly value is stamped with the start of the
  hour it averages. Wind direction (a01008) is where the wind comes FROM.
- Flags follow HJ 212-2017: N normal, D fault (no value), M maintenance, C calibration.

## Episodes (the truth source tracing should find)

| id | medium | pollutant | start | source outfall | seen at |
|---|---|---|---|---|---|
{episode_rows}

Air episodes: during the episode hours the wind blows from the source stack to the station
(the geodesic bearing station → stack is within 10° of the wind direction). Water episodes: an
enterprise dumps wastewater into its connection well; the monitoring well downstream and then
the WWTP inlet see it after the travel time along the sewers. Details in `episodes.json`.
"""
