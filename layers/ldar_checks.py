"""LDAR: leak detection and repair of equipment components (Jiangsu 7.4.4; GB 37822-2019 5.x
and GB 31571-2015). Each row is one component's reading in one round; a leak not repaired
within the standard's deadline is a finding, and the leak rate per enterprise and round is
reported (``sources.registers``)."""

from __future__ import annotations

from layers.declared_fields import DECLARING_ENTERPRISE, REVIEW, not_in_the_future
from layers.spec import Access, Field, FieldType, Group, Layer, choice

T = FieldType

LAYER = Layer(
    id="ldar_checks",
    zh="泄漏检测与修复",
    en="LDAR checks",
    group=Group.SOURCES,
    geometry=None,
    description_zh="设备与管线组件VOCs泄漏检测读数、泄漏认定、修复及复测",
    description_en="Leak readings of equipment components, leaks found, their repair and recheck",
    fields=(
        DECLARING_ENTERPRISE,
        Field("unit", T.TEXT, "装置", "Process unit", required=True, aliases=("生产装置",)),
        Field(
            "component_id",
            T.TEXT,
            "组件编号",
            "Component id",
            required=True,
            aliases=("密封点编号",),
        ),
        Field(
            "component_type",
            T.TEXT,
            "组件类型",
            "Component type",
            required=True,
            choices=(
                choice("valve", "阀门", "Valve"),
                choice("flange", "法兰", "Flange", "连接件"),
                choice("pump", "泵", "Pump"),
                choice("compressor", "压缩机", "Compressor"),
                choice("open_ended_line", "开口阀或开口管线", "Open-ended line", "开口管线"),
                choice("other", "其他", "Other"),
            ),
        ),
        Field(
            "checked_on",
            T.DATE,
            "检测日期",
            "Checked on",
            required=True,
            check=not_in_the_future,
        ),
        Field("reading_ppm", T.REAL, "检测值", "Reading", unit="μmol/mol", minimum=0),
        Field(
            "leak_threshold_ppm",
            T.REAL,
            "泄漏认定浓度",
            "Leak threshold",
            unit="μmol/mol",
            minimum=0,
        ),
        Field("leaking", T.BOOLEAN, "是否泄漏", "Leaking"),
        Field("repaired_on", T.DATE, "修复日期", "Repaired on", check=not_in_the_future),
        Field("recheck_ppm", T.REAL, "复测值", "Recheck reading", unit="μmol/mol", minimum=0),
        *REVIEW,
    ),
    natural_key=("credit_code", "component_id", "checked_on"),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    declared=True,
    source="Jiangsu 7.4.4; GB 37822-2019; GB 31571-2015",
)
