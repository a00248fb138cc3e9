"""Permitted totals: the yearly amount of a pollutant an enterprise's discharge permit allows,
with the running total of the year and its warning (Jiangsu 7.4.1 刷卡排污 超总量预警: at 80 %
and at 100 % of the permitted total). The running total is written by ``onemap quality
--store`` from the outfalls' loads."""

from __future__ import annotations

from layers.shared_fields import PARAMETER, running_total_fields
from layers.spec import Field, FieldType, Group, Layer, Style

T = FieldType

LAYER = Layer(
    id="permit_totals",
    zh="许可排放量",
    en="Permitted totals",
    group=Group.SOURCES,
    geometry=None,
    description_zh="排污许可证核定的企业年许可排放量、当年累计排放量及超总量预警（80%、100%）",
    description_en="Yearly totals a discharge permit allows per enterprise and pollutant, the "
    "year's running total and its warning (80 %, 100 %)",
    fields=(
        Field(
            "credit_code",
            T.TEXT,
            "统一社会信用代码",
            "Enterprise credit code",
            required=True,
            references="enterprises.credit_code",
            aliases=("企业信用代码",),
        ),
        Field("permit_no", T.TEXT, "排污许可证编号", "Permit number", aliases=("许可证编号",)),
        PARAMETER,
        Field(
            "year",
            T.INTEGER,
            "年度",
            "Year",
            required=True,
            minimum=2000,
            maximum=2100,
            aliases=("许可年度",),
        ),
        Field(
            "permitted_t",
            T.REAL,
            "年许可排放量",
            "Permitted total",
            unit="t",
            required=True,
            minimum=0,
            aliases=("许可排放量",),
        ),
        *running_total_fields("占许可量比例", "Share of the permit", "超总量（≥100%）"),
    ),
    natural_key=("credit_code", "parameter", "year"),
    owner_field="credit_code",
    style=Style(
        by="total_status",
        palette=(("normal", "#1a9641"), ("warning", "#fdae61"), ("exceeded", "#d7191c")),
    ),
    source="Jiangsu 7.4.1; Guangxi L 3(2)",
)
