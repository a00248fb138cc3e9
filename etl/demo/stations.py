"""Monitoring stations with the Jiangsu Appendix A fields (7.3.1-7.3.6, 7.4.1).

Four ambient-air stations (one in the park, three in the villages around it), a weather station,
surface-water sections upstream and downstream, a hydrological station, groundwater wells, noise
and soil points, two boundary VOC (fugitive) stations, and online water-quality monitors at the
sewer monitoring wells and the WWTP inlet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.demo.frame import side_channel_v
from etl.demo.geography import CREEKS, Geography
from etl.demo.names import mn_number, person_name, phone_number
from etl.demo.receptors import Receptor
from etl.demo.sewer import Network

COUNTY_CODE = "321283"
ADDRESS = "江苏省泰州市泰兴市滨江镇"
BUREAU = "泰州市泰兴生态环境局"
PARK_BUREAU = "江苏滨江新材料产业园管理委员会安全环保局"
#: HJ 212-2017 system codes (ST) used in each station type's MN.
SYSTEM_CODE = {
    "air": "22",
    "met": "22",
    "surface_water": "21",
    "hydro": "21",
    "groundwater": "24",
    "soil": "25",
    "noise": "23",
    "fugitive": "27",
    "source_online": "32",
}


@dataclass(frozen=True)
class Station:
    code: str
    name: str
    type: str
    u: float
    v: float
    mn: str
    built: str
    address: str
    department: str
    level: str
    contact: str
    phone: str
    sewer_node: str | None = None  # for online monitors in the sewer network

    def row(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "mn": self.mn,
            "admin_code": COUNTY_CODE,
            "built": self.built,
            "address": self.address,
            "department": self.department,
            "level": self.level,
            "contact": self.contact,
            "phone": self.phone,
        }


def build_stations(
    geo: Geography, receptors: list[Receptor], network: Network, rng: np.random.Generator
) -> list[Station]:
    at = {r.name: r.geometry.centroid for r in receptors}
    middle = CREEKS[1]

    def near(name: str, du: float, dv: float) -> tuple[float, float]:
        return at[name].x + du, at[name].y + dv

    def side(u: float) -> tuple[float, float]:
        return u, float(side_channel_v(u))

    # code, name, type, (u, v), built, address, department, level
    plan: list[tuple[str, str, str, tuple[float, float], str, str, str, str]] = [
        (
            "AQ-01",
            "滨江园区空气自动监测站",
            "air",
            (600.0, 1950.0),
            "2016-06-20",
            "园区滨江路与经八路交叉口东北侧",
            BUREAU,
            "provincial",
        ),
        (
            "AQ-02",
            "永丰村空气自动监测站",
            "air",
            near("永丰村", 80.0, 60.0),
            "2019-09-12",
            "永丰村村委会西侧",
            PARK_BUREAU,
            "park",
        ),
        (
            "AQ-03",
            "六圩社区空气自动监测站",
            "air",
            near("六圩社区", -70.0, 50.0),
            "2019-09-12",
            "六圩社区服务中心楼顶",
            PARK_BUREAU,
            "park",
        ),
        (
            "AQ-04",
            "滨江镇区空气自动监测站",
            "air",
            near("滨江镇区", 60.0, -80.0),
            "2015-11-30",
            "镇区文化广场东侧",
            BUREAU,
            "municipal",
        ),
        (
            "MT-01",
            "园区气象站",
            "met",
            (-600.0, 1250.0),
            "2018-05-08",
            "园区化工大道应急指挥中心楼顶",
            PARK_BUREAU,
            "park",
        ),
        (
            "SW-01",
            "中心河入江口断面",
            "surface_water",
            (float(middle.u_at(250.0)), 250.0),
            "2020-04-16",
            "中心河沿江大道桥下游",
            BUREAU,
            "municipal",
        ),
        (
            "SW-02",
            "新滩夹江下游断面",
            "surface_water",
            side(5200.0),
            "2017-10-25",
            "新滩夹江六圩港口下游2.5公里",
            BUREAU,
            "provincial",
        ),
        (
            "SW-03",
            "新滩夹江上游对照断面",
            "surface_water",
            side(-4200.0),
            "2017-10-25",
            "新滩夹江入口下游1.8公里",
            BUREAU,
            "provincial",
        ),
        (
            "HY-01",
            "新滩夹江水文站",
            "hydro",
            side(-1200.0),
            "2012-03-01",
            "新滩夹江北岸",
            "泰兴市水利局",
            "municipal",
        ),
        (
            "GW-01",
            "园区地下水监测井1号",
            "groundwater",
            (-1800.0, 1100.0),
            "2021-07-09",
            "精细化工片区港城路北侧",
            PARK_BUREAU,
            "park",
        ),
        (
            "GW-02",
            "园区地下水监测井2号",
            "groundwater",
            (2300.0, 900.0),
            "2021-07-09",
            "公用工程片区污水处理厂下游",
            PARK_BUREAU,
            "park",
        ),
        (
            "NS-01",
            "园区北界声环境监测点",
            "noise",
            (-1000.0, 3200.0),
            "2020-11-18",
            "园区北界北环路北侧",
            PARK_BUREAU,
            "park",
        ),
        (
            "NS-02",
            "六圩社区声环境监测点",
            "noise",
            near("六圩社区", 60.0, -60.0),
            "2020-11-18",
            "六圩社区南侧",
            PARK_BUREAU,
            "park",
        ),
        (
            "SO-01",
            "精细化工片区土壤监测点",
            "soil",
            (-2100.0, 1700.0),
            "2021-07-09",
            "精细化工片区化工大道北侧绿地",
            PARK_BUREAU,
            "park",
        ),
        (
            "FG-01",
            "园区北界VOCs监测站",
            "fugitive",
            (-1500.0, 3205.0),
            "2022-05-20",
            "精细化工片区北界",
            PARK_BUREAU,
            "park",
        ),
        (
            "FG-02",
            "园区东界VOCs监测站",
            "fugitive",
            (2530.0, 1600.0),
            "2022-05-20",
            "化工新材料片区东界六圩港西侧",
            PARK_BUREAU,
            "park",
        ),
    ]
    for k, code in enumerate(network.monitoring_wells, start=1):
        node = network.node(code)
        plan.append(
            (
                f"OL-{k:02d}",
                f"管网监测井{code}水质在线监测",
                "source_online",
                (node.u, node.v),
                "2023-03-15",
                f"园区污水管网{code}监测井",
                PARK_BUREAU,
                "park",
            )
        )
    inlet = network.node(network.wwtp_inlet)
    plan.append(
        (
            f"OL-{len(network.monitoring_wells) + 1:02d}",
            "园区污水处理厂进水在线监测",
            "source_online",
            (inlet.u, inlet.v),
            "2018-12-26",
            "园区污水处理厂进水口",
            PARK_BUREAU,
            "park",
        )
    )

    nodes_at = {
        (network.node(c).u, network.node(c).v): c
        for c in [*network.monitoring_wells, network.wwtp_inlet]
    }
    used_mn: set[str] = set()
    stations = []
    for code, name, kind, (u, v), built, where, department, level in plan:
        stations.append(
            Station(
                code=code,
                name=name,
                type=kind,
                u=u,
                v=v,
                mn=mn_number(rng, SYSTEM_CODE[kind], used_mn),
                built=built,
                address=ADDRESS + where,
                department=department,
                level=level,
                contact=person_name(rng),
                phone=phone_number(rng, landline_share=0.5),
                sewer_node=nodes_at.get((u, v)) if kind == "source_online" else None,
            )
        )
    return stations
