"""Hazardous chemicals stored by each enterprise (Jiangsu 7.6.1; GB 18218-2018).

One row per chemical per storage place. The enterprise maintains its own rows; the layer is
internal: storage places and quantities are not published. ``threshold_t`` is the critical
quantity of GB 18218 Table 2 (by hazard class) for a chemical Table 1 does not name — Table 1's
own quantities are shipped (``layers.gb18218``) and take precedence. Whether a unit (``unit_code``,
else the storage place) is a major hazard follows from the sum of q/Q over its chemicals
(GB 18218 4.2.2, ``layers.gb18218.assess``), not from the typed flag alone.
"""

from __future__ import annotations

from layers.cas_number import PATTERN as CAS_PATTERN
from layers.cas_number import cas_problem
from layers.spec import Access, Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="hazardous_chemicals",
    zh="危险化学品",
    en="Hazardous chemicals",
    group=Group.RISK,
    geometry=("POINT",),
    description_zh="企业危险化学品的名称、CAS号、最大存储量、储存方式与危险性类别（储存地点）",
    description_en="Hazardous chemicals of each enterprise: name, CAS number, maximum quantity, "
    "storage form and GHS hazard classes, at their storage place",
    fields=(
        Field(
            "credit_code",
            T.TEXT,
            "统一社会信用代码",
            "Enterprise credit code",
            required=True,
            references="enterprises.credit_code",
            aliases=("企业信用代码", "信用代码"),
        ),
        Field(
            "name",
            T.TEXT,
            "化学品名称",
            "Chemical name",
            required=True,
            aliases=("危险化学品名称", "品名", "名称"),
        ),
        Field(
            "cas_no",
            T.TEXT,
            "CAS号",
            "CAS number",
            required=True,
            pattern=CAS_PATTERN,
            check=cas_problem,
            aliases=("CAS", "CAS编号"),
        ),
        Field(
            "storage_place",
            T.TEXT,
            "储存地点",
            "Storage place",
            required=True,
            aliases=("存放地点", "储存位置", "储罐/仓库编号"),
        ),
        Field(
            "unit_code",
            T.TEXT,
            "危险化学品单元",
            "Unit (GB 18218 production or storage unit)",
            aliases=("单元编号", "储存单元", "生产单元", "危险源编码"),
        ),
        Field(
            "max_quantity_t",
            T.REAL,
            "最大存储量",
            "Maximum quantity stored",
            unit="t",
            minimum=0,
            aliases=("最大储存量", "最大存量"),
        ),
        Field(
            "storage_form",
            T.TEXT,
            "储存方式",
            "Storage form",
            choices=(
                choice("tank", "储罐", "Tank", "罐区", "罐装"),
                choice("warehouse", "仓库", "Warehouse", "库房"),
                choice("cylinder", "气瓶", "Cylinder", "钢瓶"),
                choice("pipeline", "管道", "Pipeline"),
                choice("other", "其他", "Other"),
            ),
            aliases=("储存形式",),
        ),
        Field(
            "hazard_classes",
            T.TEXT_LIST,
            "危险性类别",
            "Hazard classes (GHS)",
            aliases=("危险类别", "GHS分类"),
        ),
        Field(
            "threshold_t",
            T.REAL,
            "临界量",
            "Critical quantity (GB 18218 Table 2 when not in Table 1)",
            unit="t",
            minimum=0,
            aliases=("临界量（吨）",),
        ),
        Field(
            "is_major_hazard",
            T.BOOLEAN,
            "是否构成重大危险源",
            "Major hazard",
            aliases=("重大危险源",),
        ),
    ),
    natural_key=("credit_code", "cas_no", "storage_place"),
    access=Access.INTERNAL,
    owner_field="credit_code",
    enterprise_writable=True,
    style=Style(color="#d7191c", radius=5, visible=False),
    popup=(
        "name",
        "cas_no",
        "credit_code",
        "storage_place",
        "unit_code",
        "max_quantity_t",
        "storage_form",
        "threshold_t",
        "is_major_hazard",
    ),
    source="Jiangsu 7.6.1; GB 18218-2018",
)
