"""Major hazard installations of hazardous chemicals (Jiangsu 7.6.2; GB 18218-2018).

One row per production or storage unit identified as a major hazard: its level 1-4 (level 1 the
most severe) from R = α Σ β q/Q, and the CAS numbers of the chemicals that make it one. The
enterprise maintains its own; the layer is on the one map (Jiangsu 7.8.1: major risk sources).
"""

from __future__ import annotations

from layers.cas_number import cas_list_problem
from layers.risk_fields import OWNING_ENTERPRISE
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

LEVEL_COLOURS = ((1, "#67000d"), (2, "#cb181d"), (3, "#fb6a4a"), (4, "#fcbba1"))

LAYER = Layer(
    id="hazard_sources",
    zh="危险化学品重大危险源",
    en="Major hazard installations",
    group=Group.RISK,
    geometry=("POINT", "POLYGON", "MULTIPOLYGON"),
    description_zh="企业危险化学品重大危险源：生产单元或储存单元、级别（一至四级）、R值与构成危险源的化学品",
    description_en="Enterprises' major hazard installations: production or storage unit, level "
    "1-4, R value and the chemicals that make them one",
    fields=(
        OWNING_ENTERPRISE,
        Field(
            "code",
            T.TEXT,
            "危险源编码",
            "Installation code",
            required=True,
            aliases=("重大危险源编码", "编号", "单元编号"),
        ),
        Field(
            "name", T.TEXT, "危险源名称", "Name", required=True, aliases=("重大危险源名称", "名称")
        ),
        Field(
            "unit_type",
            T.TEXT,
            "单元类型",
            "Unit type",
            required=True,
            choices=(
                choice("production", "生产单元", "Production unit", "生产", "生产装置"),
                choice("storage", "储存单元", "Storage unit", "储存", "储罐区", "仓库"),
            ),
            aliases=("重大危险源类型", "危险源类型"),
        ),
        Field(
            "level",
            T.INTEGER,
            "重大危险源级别",
            "Level (GB 18218)",
            required=True,
            choices=(
                choice(1, "一级", "Level 1", "一级重大危险源", "1级"),
                choice(2, "二级", "Level 2", "二级重大危险源", "2级"),
                choice(3, "三级", "Level 3", "三级重大危险源", "3级"),
                choice(4, "四级", "Level 4", "四级重大危险源", "4级"),
            ),
            aliases=("级别", "危险源级别"),
        ),
        Field(
            "r_value",
            T.REAL,
            "R值",
            "R (α Σ β q/Q)",
            minimum=0,
            aliases=("分级指标R", "R"),
        ),
        Field(
            "q_ratio_sum",
            T.REAL,
            "q/Q之和",
            "Σ q/Q",
            minimum=0,
            aliases=("S值", "Σq/Q"),
        ),
        Field(
            "chemicals",
            T.TEXT_LIST,
            "构成危险源的化学品（CAS号）",
            "Chemicals that make it one (CAS)",
            check=cas_list_problem,
            aliases=("危险化学品", "化学品CAS号"),
        ),
        Field("filed_on", T.DATE, "备案日期", "Filed on", aliases=("备案时间",)),
    ),
    natural_key=("code",),
    owner_field="credit_code",
    enterprise_writable=True,
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#cb181d",
        fill="#fb6a4a",
        by="level",
        palette=LEVEL_COLOURS,
        radius=8,
    ),
    popup=(
        "name",
        "code",
        "credit_code",
        "unit_type",
        "level",
        "r_value",
        "q_ratio_sum",
        "chemicals",
    ),
    source="Jiangsu 7.6.2; GB 18218-2018 4.2-4.3",
)
