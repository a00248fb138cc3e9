"""Enterprises in the park (Jiangsu 7.2.2 and 7.6; Guangxi A.1 item 3, Appendix E).

The unified social credit code is the natural key; its GB 32100 check character is verified on
load. Risk grades follow HJ 941-2018 (一般/较大/重大, shown blue/yellow/red per Jiangsu 7.6).
"""

from __future__ import annotations

from layers.credit_code import PATTERN as CREDIT_CODE_PATTERN
from layers.credit_code import credit_code_problem
from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

#: HJ 941-2018 grades in the colours Jiangsu 7.6.2 names: blue, yellow, red. The yellow is a
#: saturated gold so that it stands out from the tan of the hillshade (tests/webmap).
RISK_COLOURS = (("general", "#2b83ba"), ("larger", "#ffd700"), ("major", "#d7191c"))

LAYER = Layer(
    id="enterprises",
    zh="企业",
    en="Enterprises",
    group=Group.SOURCES,
    geometry=("POINT",),
    description_zh="园区入驻企业：统一社会信用代码、行业、环保负责人、环境风险等级、排污许可",
    description_en="Enterprises in the park: credit code, industry, environmental contact, "
    "risk level and discharge permit",
    fields=(
        Field("name", T.TEXT, "企业名称", "Enterprise name", required=True, aliases=("单位名称",)),
        Field(
            "credit_code",
            T.TEXT,
            "统一社会信用代码",
            "Unified social credit code",
            required=True,
            pattern=CREDIT_CODE_PATTERN,
            check=credit_code_problem,
            aliases=("信用代码", "社会信用代码"),
        ),
        Field("address", T.TEXT, "生产经营场所地址", "Site address", aliases=("地址", "详细地址")),
        Field(
            "industry_code",
            T.TEXT,
            "行业代码",
            "Industry code (GB/T 4754)",
            pattern="^[A-T]?[0-9]{2,4}$",
            aliases=("行业类别代码", "国民经济行业代码"),
        ),
        Field("industry_name", T.TEXT, "行业类别", "Industry", aliases=("行业名称", "所属行业")),
        Field(
            "env_contact",
            T.TEXT,
            "环保负责人",
            "Environmental contact",
            private=True,
            aliases=("环保联系人",),
        ),
        Field("phone", T.TEXT, "联系方式", "Phone", private=True, aliases=("联系电话", "电话")),
        Field(
            "risk_level",
            T.TEXT,
            "环境风险等级",
            "Environmental risk level (HJ 941)",
            choices=(
                choice("general", "一般", "General", "一般环境风险", "一般风险"),
                choice("larger", "较大", "Larger", "较大环境风险", "较大风险"),
                choice("major", "重大", "Major", "重大环境风险", "重大风险"),
            ),
            aliases=("突发环境事件风险等级", "风险等级"),
        ),
        Field(
            "hazard_level",
            T.INTEGER,
            "重大危险源等级",
            "Major hazard level (GB 18218)",
            choices=(
                choice(0, "无", "None", "否", "非重大危险源"),
                choice(1, "一级", "Level 1", "一级重大危险源"),
                choice(2, "二级", "Level 2", "二级重大危险源"),
                choice(3, "三级", "Level 3", "三级重大危险源"),
                choice(4, "四级", "Level 4", "四级重大危险源"),
            ),
            aliases=("危险源等级",),
        ),
        Field(
            "key_discharger",
            T.BOOLEAN,
            "重点排污单位",
            "Key discharger",
            aliases=("是否重点排污单位",),
        ),
        Field(
            "inspection_class",
            T.TEXT,
            "监管类别",
            "Inspection class (A/B/C)",
            choices=(
                choice("A", "A类（每季度）", "A (quarterly)", "A类"),
                choice("B", "B类（每半年）", "B (half-yearly)", "B类"),
                choice("C", "C类（每年）", "C (yearly)", "C类"),
            ),
            aliases=("排查类别", "分类"),
        ),
        Field(
            "permit_no",
            T.TEXT,
            "排污许可证编号",
            "Discharge permit number",
            aliases=("排污许可证号", "许可证编号"),
        ),
    ),
    natural_key=("credit_code",),
    owner_field="credit_code",
    enterprise_writable=True,
    style=Style(color="#2b83ba", by="risk_level", palette=RISK_COLOURS, radius=7),
    popup=(
        "name",
        "credit_code",
        "industry_name",
        # private: shown to staff and to the enterprise itself (Jiangsu Appendix A rows 4-7)
        "env_contact",
        "phone",
        "risk_level",
        "hazard_level",
        "key_discharger",
        "inspection_class",
        "permit_no",
        "address",
    ),
    source="Jiangsu 7.2.2, 7.6, Appendix A; Guangxi Table A.1 item 3",
)
