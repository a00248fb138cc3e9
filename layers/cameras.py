"""Video cameras (Jiangsu 7.7.1-7.7.4): high panoramas, outfalls, station houses, treatment
facilities, hazardous-waste stores, gates and wharves, each with its GB/T 28181 device id. The
stream and snapshot addresses are internal: anyone who had them could watch."""

from __future__ import annotations

from layers.camera_id import PATTERN as CAMERA_ID_PATTERN
from layers.camera_id import camera_id_problem
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

KIND_COLOURS = (
    ("panorama", "#54278f"),
    ("outfall", "#8c510a"),
    ("station_house", "#e31a1c"),
    ("treatment_facility", "#1f78b4"),
    ("hw_store", "#b15928"),
    ("gate", "#33a02c"),
    ("wharf", "#a6cee3"),
    ("other", "#969696"),
)

#: Layers a camera may watch a feature of, with their titles.
LINKABLE = (
    choice("outfalls", "排放口", "Outfalls"),
    choice("stations", "监测站点", "Monitoring stations"),
    choice("enterprises", "企业", "Enterprises"),
    choice("hazard_sources", "重大危险源", "Major hazard installations"),
    choice("risk_control_points", "风险防控点", "Risk-control points"),
    choice("facilities", "基础设施", "Infrastructure"),
)

LAYER = Layer(
    id="cameras",
    zh="视频监控点",
    en="Cameras",
    group=Group.RISK,
    geometry=("POINT",),
    description_zh="高空全景、排口、站房、治理设施、危废贮存点、卡口、码头等视频监控点",
    description_en="Panorama, outfall, station-house, treatment, hazardous-waste store, gate and "
    "wharf cameras (GB/T 28181)",
    fields=(
        Field(
            "code",
            T.TEXT,
            "设备编码",
            "Device id (GB/T 28181)",
            required=True,
            pattern=CAMERA_ID_PATTERN,
            check=camera_id_problem,
            aliases=("国标编码", "摄像机编码", "设备ID", "编码"),
        ),
        Field("name", T.TEXT, "名称", "Name", required=True, aliases=("监控点名称", "点位名称")),
        Field(
            "kind",
            T.TEXT,
            "类型",
            "Kind",
            required=True,
            choices=(
                choice("panorama", "高空全景", "Panorama", "全景", "高点"),
                choice("outfall", "排口", "Outfall", "排污口", "雨水排口"),
                choice("station_house", "站房", "Station house", "监测站房"),
                choice("treatment_facility", "治理设施", "Treatment facility", "污染治理设施"),
                choice("hw_store", "危废贮存点", "Hazardous-waste store", "危废仓库"),
                choice("gate", "卡口", "Gate", "园区卡口", "出入口"),
                choice("wharf", "码头", "Wharf"),
                choice("other", "其他", "Other"),
            ),
            aliases=("监控类型", "点位类型"),
        ),
        Field(
            "stream_url",
            T.TEXT,
            "视频流地址",
            "Stream URL (RTSP or HLS)",
            private=True,
            pattern="^(rtsps?|https?)://",
            aliases=("取流地址", "RTSP地址", "播放地址"),
        ),
        Field(
            "snapshot_url",
            T.TEXT,
            "抓图地址",
            "Snapshot URL",
            private=True,
            pattern="^https?://",
            aliases=("截图地址",),
        ),
        Field(
            "linked_layer",
            T.TEXT,
            "关联图层",
            "Linked layer",
            choices=LINKABLE,
        ),
        Field("linked_code", T.TEXT, "关联对象编码", "Linked feature", aliases=("关联编码",)),
    ),
    natural_key=("code",),
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#54278f",
        by="kind",
        palette=KIND_COLOURS,
        radius=4,
        cluster=True,
    ),
    popup=("name", "code", "kind", "linked_layer", "linked_code"),
    source="Jiangsu 7.7.1-7.7.4; GB/T 28181-2016",
)
