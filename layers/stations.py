"""Monitoring stations (Jiangsu 7.3.1-7.3.6 and Appendix A station fields)."""

from __future__ import annotations

from layers.shared_fields import ADMIN_CODE, DEVICE_MN
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="stations",
    zh="监测站点",
    en="Monitoring stations",
    group=Group.MONITORING,
    geometry=("POINT",),
    description_zh="大气、地表水、地下水、土壤、声环境、气象、水文及污染源在线与无组织监测站点",
    description_en="Air, surface-water, groundwater, soil, noise, meteorological, hydrological, "
    "source-online and fugitive monitoring stations",
    fields=(
        Field(
            "code",
            T.TEXT,
            "站点编码",
            "Station code",
            required=True,
            aliases=("站点编号", "点位编码"),
        ),
        Field(
            "name",
            T.TEXT,
            "站点名称",
            "Station name",
            required=True,
            aliases=("监测点位名称", "点位名称"),
        ),
        Field(
            "type",
            T.TEXT,
            "站点类型",
            "Station type",
            required=True,
            choices=(
                choice("air", "空气", "Ambient air", "大气", "空气站", "环境空气"),
                choice("surface_water", "地表水", "Surface water", "水质自动站"),
                choice("groundwater", "地下水", "Groundwater"),
                choice("soil", "土壤", "Soil"),
                choice("noise", "声环境", "Noise", "噪声"),
                choice("met", "气象", "Meteorological", "气象站"),
                choice("hydro", "水文", "Hydrological", "水文站"),
                choice("source_online", "污染源在线", "Pollution-source online", "在线监测"),
                choice("fugitive", "无组织", "Fugitive", "无组织监控"),
            ),
        ),
        DEVICE_MN,
        ADMIN_CODE,
        Field("built", T.DATE, "建站时间", "Date built"),
        Field("address", T.TEXT, "安装地址", "Address", aliases=("地址",)),
        Field("department", T.TEXT, "管理部门", "Managing department"),
        Field(
            "level",
            T.TEXT,
            "管理级别",
            "Management level",
            choices=(
                choice("national", "国控", "National", "国家级"),
                choice("provincial", "省控", "Provincial", "省级"),
                choice("municipal", "市控", "Municipal", "市级"),
                choice("park", "园区自建", "Park-built", "园区"),
            ),
        ),
        Field(
            "contact", T.TEXT, "站长", "Station head", private=True, aliases=("联系人", "负责人")
        ),
        Field("phone", T.TEXT, "联系电话", "Phone", private=True, aliases=("联系方式",)),
        # Computed by `onemap quality --store` from the observations (Jiangsu 7.3, 7.8.1).
        Field(
            "status",
            T.TEXT,
            "站点状态",
            "Status",
            choices=(
                choice("normal", "正常", "Normal"),
                choice("exceeding", "超标", "Exceeding"),
                choice("offline", "离线", "Offline"),
                choice("no_data", "无数据", "No data"),
            ),
            derived=True,
        ),
        Field("status_time", T.TIMESTAMPTZ, "状态时间", "Status as of", derived=True),
        Field("latest_time", T.TIMESTAMPTZ, "最新数据时间", "Latest data", derived=True),
        Field("exceeding_parameters", T.TEXT, "超标因子", "Exceeding parameters", derived=True),
        Field("latest_values", T.TEXT, "最新监测值", "Latest values", derived=True),
        # Air stations: the latest real-time (hourly) AQI per HJ 633 and its primary pollutant(s).
        Field("aqi", T.INTEGER, "空气质量指数（小时）", "AQI (hourly)", derived=True),
        Field("aqi_time", T.TIMESTAMPTZ, "AQI时间", "AQI hour", derived=True),
        Field(
            "primary_pollutant",
            T.TEXT,
            "首要污染物",
            "Primary pollutant(s)",
            derived=True,
        ),
    ),
    natural_key=("code",),
    style=Style(
        color="#238b45",
        by="status",
        radius=7,
        palette=(
            ("normal", "#1a9641"),
            ("exceeding", "#d7191c"),
            ("offline", "#969696"),
            ("no_data", "#d9d9d9"),
        ),
    ),
    popup=(
        "name",
        "code",
        "type",
        "status",
        "exceeding_parameters",
        "aqi",
        "primary_pollutant",
        "aqi_time",
        "latest_values",
        "latest_time",
        "level",
        "department",
        "address",
    ),
    source="Jiangsu 7.3, Appendix A",
)
