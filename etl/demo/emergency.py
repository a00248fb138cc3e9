"""The demo park's emergency resources and watch points: supply depots, shelters, teams,
risk-control points, shared infrastructure and cameras (Jiangsu 7.6.3, 7.7, 7.8.1).

Positions are in the frame's metres; the generator turns them into longitude and latitude.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

from etl.demo.chemicals import HazardSource
from etl.demo.enterprises import Enterprise
from etl.demo.geography import CREEKS, Geography
from etl.demo.names import person_name, phone_number
from etl.demo.outfalls import Outfall
from etl.demo.sewer import Network
from etl.demo.stations import Station

Row = tuple[dict[str, object], BaseGeometry]

#: Items a depot may hold: name, kind, unit, typical quantity range.
ITEMS = (
    ("吸附棉", "absorbent", "包", (50, 400)),
    ("活性炭", "absorbent", "t", (1, 10)),
    ("围油栏", "boom", "m", (100, 800)),
    ("生石灰", "neutraliser", "t", (2, 20)),
    ("碳酸氢钠", "neutraliser", "t", (1, 8)),
    ("沙袋", "sandbag", "个", (200, 2000)),
    ("潜水泵", "pump", "台", (2, 10)),
    ("防化服", "ppe", "套", (10, 60)),
    ("正压式空气呼吸器", "ppe", "套", (6, 30)),
    ("便携式气体检测仪", "detector", "台", (2, 12)),
    ("抗溶性泡沫灭火剂", "foam", "t", (2, 15)),
)

#: GB/T 28181 ids: centre 32128300 (泰兴市), industry 00, type 132 (IP camera), network 6.
CAMERA_PREFIX = "3212830000"
CAMERA_TYPE = "132"
CAMERA_NETWORK = "6"


@dataclass(frozen=True)
class Emergency:
    """Every emergency layer's rows with their geometries (frame metres)."""

    supplies: list[Row]
    shelters: list[Row]
    teams: list[Row]
    control_points: list[Row]
    facilities: list[Row]
    cameras: list[Row]


def _supplies(
    rng: np.random.Generator, depots: list[tuple[str, str, tuple[float, float]]]
) -> list[Row]:
    rows: list[Row] = []
    for depot, owner, (u, v) in depots:
        keeper, phone = person_name(rng), phone_number(rng)
        picks = sorted(
            int(i) for i in rng.choice(len(ITEMS), size=int(rng.integers(4, 7)), replace=False)
        )
        for i in picks:
            name, kind, unit, (low, high) = ITEMS[i]
            quantity = float(rng.integers(low, high + 1))
            rows.append(
                (
                    {
                        "depot": depot,
                        "owner": owner,
                        "name": name,
                        "kind": kind,
                        "quantity": quantity,
                        "unit": unit,
                        "keeper": keeper,
                        "phone": phone,
                    },
                    Point(u, v),
                )
            )
    return rows


def _shelters(rng: np.random.Generator) -> list[Row]:
    # name, centre, half sizes (m) of an open space drawn as a polygon, or None for a building
    places = (
        ("滨江镇文化广场应急避难场所", (700.0, 5520.0), (90.0, 60.0), "滨江镇文化广场"),
        ("滨江初级中学避难场所", (330.0, 6040.0), None, "滨江初级中学操场"),
        ("园区管委会应急避难广场", (420.0, 3520.0), (70.0, 45.0), "园区管委会南侧广场"),
        ("新港社区避难点", (-1420.0, 4820.0), None, "新港社区活动中心"),
        ("六圩社区避难点", (4260.0, 2060.0), None, "六圩社区综合服务中心"),
        ("永丰村避难点", (-4180.0, 2660.0), None, "永丰村村民广场"),
    )
    rows: list[Row] = []
    for name, (u, v), half, address in places:
        if half is not None:
            geometry: BaseGeometry = box(u - half[0], v - half[1], u + half[0], v + half[1])
            area = 4 * half[0] * half[1]
        else:
            geometry = Point(u, v)
            area = float(rng.integers(8, 30)) * 100.0
        rows.append(
            (
                {
                    "name": name,
                    # GB 21734: about 2 m² of open space per person sheltered
                    "capacity_people": int(area / 2.0 // 50 * 50),
                    "area_m2": round(area, 1),
                    "address": f"江苏省泰州市泰兴市滨江镇{address}",
                    "keeper": person_name(rng),
                    "phone": phone_number(rng),
                },
                geometry,
            )
        )
    return rows


def _teams(
    rng: np.random.Generator, heating: Enterprise, fire_station: tuple[float, float]
) -> list[Row]:
    teams = (
        (
            "园区专职消防救援站",
            "fire_hazmat",
            48,
            "化学救援消防车3辆、侦检车1辆、防化洗消车1辆",
            fire_station,
        ),
        (
            "园区环境应急监测队",
            "environmental",
            12,
            "应急监测车2辆、便携式GC-MS、无人机",
            (260.0, 3600.0),
        ),
        ("滨江镇中心卫生院医疗救护队", "medical", 16, "救护车3辆", (1100.0, 5900.0)),
        (
            f"{heating.name}应急救援队",
            "enterprise",
            24,
            "消防车1辆、空气呼吸器20套",
            (heating.u, heating.v),
        ),
    )
    return [
        (
            {
                "name": name,
                "kind": kind,
                "people": people,
                "equipment": equipment,
                "leader": person_name(rng),
                "phone": phone_number(rng),
            },
            Point(*uv),
        )
        for name, kind, people, equipment, uv in teams
    ]


def _control_points(
    rng: np.random.Generator,
    geo: Geography,
    network: Network,
    enterprises: Sequence[Enterprise],
    sources: Sequence[HazardSource],
) -> list[Row]:
    rows: list[Row] = []
    node = network.node

    def add(
        code: str,
        name: str,
        kind: str,
        capacity: float | None,
        owner: str | None,
        sewer_node: str | None,
        at: tuple[float, float],
    ) -> None:
        state = "maintenance" if rng.random() < 0.07 else "ready"
        rows.append(
            (
                {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "capacity_m3": capacity,
                    "credit_code": owner,
                    "sewer_node": sewer_node,
                    "state": state,
                },
                Point(*at),
            )
        )

    # the rain outfalls the riskiest plants drain to first, each closed by a gate
    by_seq = {e.seq: e for e in enterprises}
    ranked = sorted(
        enterprises, key=lambda e: ({"major": 0, "larger": 1}.get(e.risk_level, 2), e.seq)
    )
    gates: list[str] = []
    for e in ranked:
        outfall = network.rain_outfalls[e.seq]
        if outfall not in gates:
            gates.append(outfall)
        if len(gates) == 12:
            break
    for k, code in enumerate(sorted(gates), start=1):
        n = node(code)
        add(f"FK-ZM{k:02d}", f"{code}雨水排口闸门", "rain_gate", None, None, code, (n.u, n.v))
    # each installation's plant has its own emergency pool on its connection well
    pooled = [s.enterprise for s in sources if s.enterprise.seq in network.wells][:10]
    for k, e in enumerate(pooled, start=1):
        well = node(network.wells[e.seq])
        capacity = float(rng.integers(8, 40)) * 100.0
        add(
            f"FK-YJC{k:02d}",
            f"{by_seq[e.seq].name}事故应急池",
            "emergency_pool",
            capacity,
            e.credit_code,
            well.code,
            (well.u + 6.0, well.v + 6.0),
        )
    inlet = node(network.wwtp_inlet)
    add(
        "FK-YJC00",
        "园区公共事故应急池",
        "emergency_pool",
        20000.0,
        None,
        inlet.code,
        (inlet.u - 30.0, inlet.v + 20.0),
    )
    for k, code in enumerate(sorted(network.monitoring_wells), start=1):
        n = node(code)
        add(
            f"FK-QD{k:02d}", f"污水主干管{code}切断阀", "cutoff_valve", None, None, code, (n.u, n.v)
        )
    for k, creek in enumerate(CREEKS, start=1):
        v = 450.0
        add(
            f"FK-LJB{k:02d}",
            f"{creek.name}拦截坝",
            "interception_dam",
            None,
            None,
            None,
            (float(creek.u_at(v)), v),
        )
    # the measured ones first: clients that type a field from the first page (GDAL 3.6 reads
    # 10 features) see the capacities as numbers, not an all-empty column
    rows.sort(key=lambda row: row[0]["capacity_m3"] is None)
    return rows


def _facilities(geo: Geography, enterprises: Sequence[Enterprise]) -> list[Row]:
    by_industry = {e.industry.code: e for e in enterprises}
    plants = (
        ("4620", "园区污水处理厂", "wwtp", 40000.0, "m³/d"),
        ("4412", "园区热电联产集中供热中心", "central_heating", 520.0, "t/h"),
        ("7724", "园区危险废物集中处置中心", "solid_waste", 30000.0, "t/a"),
    )
    rows: list[Row] = []
    for industry, name, kind, capacity, unit in plants:
        e = by_industry[industry]
        p = e.parcel
        rows.append(
            (
                {
                    "name": name,
                    "kind": kind,
                    "capacity": capacity,
                    "capacity_unit": unit,
                    "operator": e.name,
                },
                box(p.u0 + 10.0, p.v0 + 10.0, p.u1 - 10.0, p.v1 - 10.0),
            )
        )
    v_main, u_spur = geo.v_roads[2] + 22.0, geo.u_roads[6] + 22.0
    corridors = (
        ("化工大道公共管廊", LineString([(geo.u_roads[0], v_main), (geo.u_roads[-1], v_main)])),
        ("港区公共管廊", LineString([(u_spur, geo.v_roads[0]), (u_spur, v_main)])),
    )
    for name, line in corridors:
        rows.append(
            (
                {
                    "name": name,
                    "kind": "pipe_corridor",
                    "capacity": round(line.length / 1000, 2),
                    "capacity_unit": "km",
                    "operator": "江苏滨江新材料产业园管廊运营有限公司",
                },
                line,
            )
        )
    return rows


def _camera(serial: int) -> str:
    return f"{CAMERA_PREFIX}{CAMERA_TYPE}{CAMERA_NETWORK}{serial:06d}"


def _cameras(
    geo: Geography,
    enterprises: Sequence[Enterprise],
    outfalls: Sequence[Outfall],
    stations: Sequence[Station],
    facilities: Sequence[Row],
) -> list[Row]:
    entries: list[tuple[str, str, tuple[float, float], str | None, str | None]] = []
    u, v = geo.u_roads, geo.v_roads
    for k, (i, j) in enumerate(((1, 1), (5, 3), (9, 1), (10, 4)), start=1):
        entries.append((f"高空全景{k}号", "panorama", (u[i] + 20.0, v[j] + 20.0), None, None))
    key = {e.credit_code for e in enterprises if e.key_discharger}
    wastewater = [o for o in outfalls if o.kind == "wastewater" and o.credit_code in key]
    for o in sorted(wastewater, key=lambda o: o.code)[:15]:
        entries.append((f"{o.code}排口", "outfall", (o.u + 4.0, o.v + 4.0), "outfalls", o.code))
    houses = [s for s in stations if s.type in ("air", "surface_water")]
    for s in sorted(houses, key=lambda s: s.code)[:6]:
        entries.append((f"{s.name}站房", "station_house", (s.u + 5.0, s.v), "stations", s.code))
    wwtp = facilities[0]
    centre = wwtp[1].centroid
    for k, (du, dv) in enumerate(((-40.0, 0.0), (0.0, 30.0), (40.0, -20.0)), start=1):
        entries.append(
            (
                f"污水处理厂治理设施{k}号",
                "treatment_facility",
                (centre.x + du, centre.y + dv),
                "facilities",
                str(wwtp[0]["name"]),
            )
        )
    stores = sorted((e for e in enterprises if e.risk_level == "major"), key=lambda e: e.seq)[:4]
    for e in stores:
        p = e.parcel
        entries.append(
            (
                f"{e.name}危废贮存点",
                "hw_store",
                (p.u1 - 25.0, p.v0 + 25.0),
                "enterprises",
                e.credit_code,
            )
        )
    for k, i in enumerate((0, 3, 6, 8, 11), start=1):
        entries.append((f"园区卡口{k}号", "gate", (u[i] + 12.0, v[-1] + 10.0), None, None))
    for k, uu in enumerate((-100.0, 450.0, 1000.0), start=1):
        entries.append((f"化工码头{k}号泊位", "wharf", (uu, 200.0), None, None))
    rows: list[Row] = []
    for serial, (name, kind, (cu, cv), layer, code) in enumerate(entries, start=1):
        host = f"10.32.12.{serial + 10}"
        rows.append(
            (
                {
                    "code": _camera(serial),
                    "name": name,
                    "kind": kind,
                    "stream_url": f"rtsp://{host}:554/Streaming/Channels/101",
                    "snapshot_url": f"http://{host}/ISAPI/Streaming/channels/101/picture",
                    "linked_layer": layer,
                    "linked_code": code,
                },
                Point(cu, cv),
            )
        )
    return rows


def build_emergency(
    geo: Geography,
    enterprises: Sequence[Enterprise],
    network: Network,
    outfalls: Sequence[Outfall],
    stations: Sequence[Station],
    sources: Sequence[HazardSource],
    rng: np.random.Generator,
) -> Emergency:
    """The emergency layers of the demo park."""
    fire_station = (geo.u_roads[3] + 60.0, geo.v_roads[2] + 80.0)
    facilities = _facilities(geo, enterprises)
    wwtp = facilities[0][1].centroid
    depots: list[tuple[str, str, tuple[float, float]]] = [
        ("园区应急物资储备库", "park", (fire_station[0] + 40.0, fire_station[1])),
        ("园区东区应急物资库", "park", (geo.u_roads[9] + 60.0, geo.v_roads[1] + 70.0)),
        ("污水处理厂应急物资点", "park", (wwtp.x + 60.0, wwtp.y - 30.0)),
    ]
    for s in sorted(sources, key=lambda s: (s.assessment.level or 5, s.enterprise.seq))[:7]:
        e = s.enterprise
        depots.append((f"{e.name}应急物资库", e.credit_code, (e.u + 20.0, e.v - 20.0)))
    heating = next(e for e in enterprises if e.industry.code == "4412")
    return Emergency(
        supplies=_supplies(rng, depots),
        shelters=_shelters(rng),
        teams=_teams(rng, heating, fire_station),
        control_points=_control_points(rng, geo, network, enterprises, sources),
        facilities=facilities,
        cameras=_cameras(geo, enterprises, outfalls, stations, facilities),
    )
