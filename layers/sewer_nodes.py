"""Sewer network nodes: manholes, enterprise connection wells, monitoring wells, pump stations,
the WWTP inlet and river outfalls (Guangxi A.1 item 16, H.1 item 2)."""

from __future__ import annotations

from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="sewer_nodes",
    zh="排水管网节点",
    en="Sewer nodes",
    group=Group.NETWORKS,
    geometry=("POINT",),
    description_zh="检查井、企业接管井、监测井、泵站、污水处理厂进水口、入河排口",
    description_en="Manholes, enterprise connection wells, monitoring wells, pump stations, "
    "WWTP inlets and river outfalls",
    fields=(
        Field("code", T.TEXT, "节点编号", "Node code", required=True, aliases=("编号", "井号")),
        Field(
            "kind",
            T.TEXT,
            "节点类型",
            "Node kind",
            required=True,
            choices=(
                choice("manhole", "检查井", "Manhole", "窨井"),
                choice("connection_well", "企业接管井", "Enterprise connection well", "接管井"),
                choice("monitoring_well", "监测井", "Monitoring well", "采样井"),
                choice("pump_station", "泵站", "Pump station", "提升泵站"),
                choice("wwtp_inlet", "污水处理厂进水口", "WWTP inlet", "污水厂进水口"),
                choice("river_outfall", "入河排口", "River outfall", "入河排污口"),
            ),
            aliases=("类型",),
        ),
        Field(
            "invert_m",
            T.REAL,
            "井底高程",
            "Invert elevation",
            unit="m",
            minimum=-100,
            maximum=9000,
            aliases=("管底高程", "底高程"),
        ),
    ),
    natural_key=("code",),
    style=Style(
        color="#525252",
        radius=2,
        visible=False,
        # a park's network has tens of thousands of wells: clustered, and only close up
        min_zoom=15,
        cluster=True,
        by="kind",
        palette=(
            ("manhole", "#969696"),
            ("connection_well", "#8c510a"),
            ("monitoring_well", "#e31a1c"),
            ("pump_station", "#6a3d9a"),
            ("wwtp_inlet", "#1f78b4"),
            ("river_outfall", "#33a02c"),
        ),
    ),
    popup=("code", "kind", "invert_m"),
    source="Guangxi Table A.1 item 16, Table H.1 item 2",
)
