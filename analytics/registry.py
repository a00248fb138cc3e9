"""The one registry of analyses. It drives the Python API, the ``onemap analyse`` command and
the OGC API Processes (``/ogcapi/processes/{id}``): nothing else lists the analyses or
re-declares their parameters.

Calling an analysis from Python::

    from analytics.registry import run_analysis
    result = run_analysis("receptor-screening", {"site": "park", "radius_m": 5000}, engine)

``result`` is a GeoJSON FeatureCollection (a dict). Bad parameters raise
:class:`~analytics.errors.BadParameterError` (HTTP 400), unknown analyses, enterprises,
stations, nodes or reaches :class:`~analytics.errors.NotFoundError` (HTTP 404).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, Engine

from analytics import (
    back_trajectory,
    emergency_response,
    network_trace,
    receptor_screening,
    wind_sector,
)
from analytics.errors import UnknownAnalysisError, bad_parameters
from analytics.geojson import FeatureCollection
from monitoring.quality.follow_up import RIVER_TYPES, SEWER_TYPES


@dataclass(frozen=True)
class MapStart:
    """How a feature clicked on the map starts an analysis: the inputs it fills in.

    ``inputs`` are templates: ``{name}`` is the clicked feature's property ``name``, ``{lon}``
    and ``{lat}`` the clicked place (a point feature's own position), and ``{geometry}`` alone
    the feature's GeoJSON geometry. ``when`` limits the entry
    to features (or to the tool's own choices, e.g. ``direction``) whose value of each named
    property is one of the listed. The first entry of the feature's layer that applies wins.
    """

    layer: str
    inputs: Mapping[str, str]
    when: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """An OGC process description ``metadata`` entry (role ``map-start``)."""
        return {
            "role": "map-start",
            "title": self.layer,
            "value": {"layer": self.layer, "inputs": dict(self.inputs), "when": dict(self.when)},
        }


#: A network trace started from the map runs in the clicked feature's own network: a sewer node
#: from that node, a pipe from its downstream node (upstream traces) or upstream node
#: (downstream traces), so in that pipe's system (rain or sewage) rather than at whatever node
#: of any system lies nearest; a river from the clicked place on the river; a station on its
#: network as its exceedances' traces do (monitoring.quality.follow_up).
NETWORK_STARTS = (
    MapStart("sewer_nodes", {"network": "sewer", "start": "node:{code}"}),
    MapStart(
        "sewer_pipes",
        {"network": "sewer", "start": "node:{to_node}"},
        {"direction": ("upstream",)},
    ),
    MapStart(
        "sewer_pipes",
        {"network": "sewer", "start": "node:{from_node}"},
        {"direction": ("downstream",)},
    ),
    MapStart("rivers", {"network": "river", "start": "point:{lon},{lat}"}),
    MapStart("stations", {"network": "sewer", "start": "point:{lon},{lat}"}, {"type": SEWER_TYPES}),
    MapStart("stations", {"network": "river", "start": "point:{lon},{lat}"}, {"type": RIVER_TYPES}),
)


#: Receptor screening around the clicked feature: the park, an enterprise by its credit code,
#: an area (a zone, a receptor) by its own geometry; elsewhere the clicked place.
SCREENING_STARTS = (
    MapStart("park", {"site": "park"}),
    MapStart("enterprises", {"site": "enterprise:{credit_code}"}),
    MapStart("zones", {"site": "{geometry}"}),
    MapStart("receptors", {"site": "{geometry}"}),
)


#: An emergency response at an enterprise or a major hazard installation clicked (elsewhere
#: at the clicked place); the accident time is the tool's own, not the feature's.
EMERGENCY_STARTS = (
    MapStart("enterprises", {"site": "enterprise:{credit_code}"}),
    MapStart("hazard_sources", {"site": "{geometry}"}),
)


@dataclass(frozen=True)
class Analysis:
    """One analysis: its id (the CLI subcommand and the OGC process id), titles, the typed,
    bounded parameter model, the function that runs it on PostGIS, and what it returns."""

    id: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    parameters: type[BaseModel]
    function: Callable[[Connection, Any], FeatureCollection]
    output_zh: str
    output_en: str
    keywords: tuple[str, ...] = ()
    map_starts: tuple[MapStart, ...] = ()

    def validate(self, values: Mapping[str, Any], *, strings: bool = False) -> BaseModel:
        """The parameter model from plain values (JSON types) or, with ``strings``, from text
        as typed on a command line; :class:`BadParameterError` when any is invalid."""
        try:
            if strings:
                # pydantic's lax mode reads numbers, booleans and times from text
                return self.parameters.model_validate(_typed_literals(self, values))
            return self.parameters.model_validate(dict(values))
        except ValidationError as exc:
            raise bad_parameters(exc) from None

    def run(self, bind: Engine | Connection, params: BaseModel) -> FeatureCollection:
        """Run on a connection (inside the caller's transaction, with its settings) or on an
        engine (in a read transaction of its own, rolled back, with JIT off)."""
        if isinstance(bind, Connection):
            return self.function(bind, params)
        with bind.connect() as conn:
            # Short queries over few rows, but PostGIS functions carry high cost estimates
            # (more so before ANALYZE): PostgreSQL's JIT would compile them, ~30 ms, for nothing.
            conn.exec_driver_sql("SET LOCAL jit = off")
            return self.function(conn, params)

    def input_schema(self) -> dict[str, Any]:
        """JSON Schema of the parameters (for the OGC process description)."""
        return self.parameters.model_json_schema()


def _typed_literals(analysis: Analysis, values: Mapping[str, Any]) -> dict[str, Any]:
    """Numbers typed for an integer choice (``--directions 16``) as the integers they name:
    pydantic does not match ``"16"`` to ``Literal[8, 16]``."""
    out = dict(values)
    for name, field in analysis.parameters.model_fields.items():
        value = out.get(name)
        choices = get_args(field.annotation) if get_origin(field.annotation) is Literal else ()
        if isinstance(value, str) and choices and all(isinstance(c, int) for c in choices):
            with contextlib.suppress(ValueError):  # else left for the model to reject
                out[name] = int(value)
    return out


ANALYSES: tuple[Analysis, ...] = (
    Analysis(
        id=receptor_screening.ID,
        title_zh="周边环境敏感目标筛查",
        title_en="Receptor screening",
        description_zh="列出园区、企业、坐标点或拟建项目用地周边半径内的环境敏感目标（方向、距离、名称），"
        "判断是否位于饮用水水源保护区内及距离，并统计半径内人口（广西 T/GXAS 710 表I.2）",
        description_en="The sensitive receptors within a radius of the park, an enterprise, a "
        "point or a proposed site, by direction, distance and name; whether the site lies in a "
        "drinking-water source protection zone and how far the nearest is; the population "
        "within the radius (Guangxi Table I.2)",
        parameters=receptor_screening.ReceptorScreening,
        function=receptor_screening.screen_receptors,
        output_zh="每个敏感目标一个要素：name, category, distance_m, bearing_deg, direction, "
        "direction_zh, population；另含 protection_zones 与 population",
        output_en="one feature per receptor: name, category, distance_m, bearing_deg, direction, "
        "direction_zh, population; plus protection_zones and population members",
        keywords=("EIA", "receptors", "Table I.2"),
        map_starts=SCREENING_STARTS,
    ),
    Analysis(
        id=wind_sector.ID,
        title_zh="风向扇区溯源",
        title_en="Wind-sector trace",
        description_zh="按时间窗口内逐小时风向，找出位于受体上风向扇区内的排气筒与无组织排放点"
        "并排序（江苏 7.5）",
        description_en="Rank the exhaust stacks and fugitive points that lay in the receptor's "
        "upwind sector, hour by hour over a time window (Jiangsu 7.5)",
        parameters=wind_sector.WindSectorTrace,
        function=wind_sector.trace_wind_sectors,
        output_zh="候选源要素（rank, score, enterprise_name, credit_code, outfall_code, "
        "bearing_deg, distance_m, hours_upwind, hours_total）与各扇区要素（kind=sector）",
        output_en="candidate features (rank, score, enterprise_name, credit_code, outfall_code, "
        "bearing_deg, distance_m, hours_upwind, hours_total) and one kind=sector feature per "
        "distinct sector; missing_hours and calm_hours members",
        keywords=("source tracing", "wind", "upwind"),
    ),
    Analysis(
        id=back_trajectory.ID,
        title_zh="后向轨迹溯源",
        title_en="Back trajectory",
        description_zh="以气象站小时风场（视为均匀）用Heun法后向积分气团轨迹，列出轨迹走廊内的候选排放源",
        description_en="Integrate the station's hourly wind (taken as uniform) backwards with "
        "Heun's method and list the candidate sources within a corridor of the path",
        parameters=back_trajectory.BackTrajectory,
        function=back_trajectory.trace_back_trajectory,
        output_zh="轨迹线（每个顶点带时间）与候选源（distance_m, time_offset_h）",
        output_en="the trajectory LineString with a time per vertex, and candidate sources with "
        "distance_m to the path and time_offset_h at closest approach",
        keywords=("source tracing", "trajectory", "HYSPLIT-like"),
    ),
    Analysis(
        id=network_trace.ID,
        title_zh="管网/河流上下游追踪",
        title_en="Network trace",
        description_zh="沿污水管网或河流向上游追踪至相连企业排口，或向下游追踪至取水口、水源保护区"
        "（广西 表H.1 第2项）",
        description_en="Follow the sewer or river network upstream to the connected outfalls and "
        "enterprises, or downstream to the intakes and protection zones it reaches (Guangxi "
        "Table H.1 item 2)",
        parameters=network_trace.NetworkTrace,
        function=network_trace.trace_network,
        output_zh="经过的管段/河段与节点（distance_m, travel_time_s）；"
        "上游：相连排口与企业按距离排序；下游（河流）：到达的敏感目标及到达时间",
        output_en="traversed pipes/reaches and nodes (distance_m, travel_time_s); upstream: the "
        "connected outfalls and enterprises ranked by network distance; downstream on rivers: "
        "the receptors reached with their arrival time",
        keywords=("sewer", "river", "upstream", "downstream"),
        map_starts=NETWORK_STARTS,
    ),
    Analysis(
        id=emergency_response.ID,
        title_zh="突发环境事件应急响应",
        title_en="Emergency response",
        description_zh="事故地点与时间：该小时风向下风向扇区内的敏感目标及人口，经雨水/污水管网与河流到达的"
        "取水口与水源保护区及到达时间，最近的避难场所、应急物资库与救援队，可拦截泄漏的风险防控点，"
        "1 km内摄像机与重大危险源，以及中英文摘要（江苏 7.6.3）",
        description_en="For an accident at a place and time: the receptors and people in the "
        "downwind sector of that hour's wind, the intakes and protection zones reached down the "
        "sewers and rivers with arrival times, the nearest shelters, supply depots and teams, "
        "the risk-control points that can stop the spill, the cameras and major hazard "
        "installations nearby, and a summary in Chinese and English (Jiangsu 7.6.3)",
        parameters=emergency_response.EmergencyResponse,
        function=emergency_response.respond,
        output_zh="要素按 kind 区分：site, sector, receptor（下风向，distance_m, direction_zh, "
        "population）, water_path, water_receptor（arrival_time）, control_point（"
        "network_distance_m）, shelter, depot（items）, team, camera, hazard_source；另含 "
        "summary_zh、summary_en、wind、population、water。不含联系人、电话与视频流地址",
        output_en="features by kind: site, sector, receptor (downwind: distance_m, direction, "
        "population), water_path, water_receptor (arrival_time), control_point "
        "(network_distance_m), shelter, depot (items), team, camera, hazard_source; members "
        "summary_zh, summary_en, wind, population, water. Contacts, phone numbers and camera "
        "stream addresses are never included",
        keywords=("emergency", "accident", "downwind", "shelters", "Jiangsu 7.6.3"),
        map_starts=EMERGENCY_STARTS,
    ),
)

BY_ID: dict[str, Analysis] = {a.id: a for a in ANALYSES}


def get_analysis(analysis_id: str) -> Analysis:
    """The analysis with this id; :class:`UnknownAnalysisError` (404) when there is none."""
    try:
        return BY_ID[analysis_id]
    except KeyError:
        raise UnknownAnalysisError(
            f"未知分析 {analysis_id} / unknown analysis {analysis_id}; known: {', '.join(BY_ID)}"
        ) from None


def run_analysis(
    analysis_id: str, values: Mapping[str, Any], bind: Engine | Connection
) -> FeatureCollection:
    """Validate ``values`` against the analysis's parameter model and run it."""
    analysis = get_analysis(analysis_id)
    return analysis.run(bind, analysis.validate(values))
