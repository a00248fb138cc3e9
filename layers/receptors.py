"""Sensitive receptors around the park (Jiangsu 7.2.3; Guangxi Table I.2): residential areas,
schools, hospitals, administrative offices, drinking-water intakes and ecological targets."""

from __future__ import annotations

from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

LAYER = Layer(
    id="receptors",
    zh="环境敏感目标",
    en="Sensitive receptors",
    group=Group.RECEPTORS,
    geometry=("POINT", "POLYGON", "MULTIPOLYGON"),
    description_zh="园区周边环境敏感点：居民点、医疗卫生机构、文教机构、行政办公区、饮用水取水口、生态保护目标",
    description_en="Sensitive receptors around the park: residential areas, hospitals, schools, "
    "administrative offices, drinking-water intakes and ecological targets",
    fields=(
        Field(
            "name", T.TEXT, "名称", "Name", required=True, aliases=("敏感目标名称", "保护目标名称")
        ),
        # Category labels follow Jiangsu 7.2.3: 居民点、医疗卫生机构、文教机构、行政办公区.
        Field(
            "category",
            T.TEXT,
            "类别",
            "Category",
            required=True,
            choices=(
                choice("residential", "居民点", "Residential", "居民区", "村庄", "小区"),
                choice("school", "文教机构", "School", "学校"),
                choice("hospital", "医疗卫生机构", "Hospital", "医院", "卫生院"),
                choice("office", "行政办公区", "Administrative office", "行政办公", "机关"),
                choice("water_intake", "饮用水取水口", "Drinking-water intake", "取水口", "水源地"),
                choice("ecological", "生态保护目标", "Ecological", "生态", "生态敏感区"),
                choice("other", "其他", "Other"),
            ),
            aliases=("保护对象", "敏感目标类别"),
        ),
        Field(
            "population",
            T.INTEGER,
            "人口",
            "Population",
            unit="人",
            minimum=0,
            aliases=("人数", "规模（人）"),
        ),
        Field(
            "air_sensitive", T.BOOLEAN, "大气敏感", "Air sensitive", aliases=("大气环境保护目标",)
        ),
        Field(
            "water_sensitive", T.BOOLEAN, "水敏感", "Water sensitive", aliases=("水环境保护目标",)
        ),
        Field("address", T.TEXT, "地址", "Address"),
    ),
    natural_key=("name",),
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#e7298a",
        by="category",
        palette=(
            ("residential", "#e7298a"),
            ("school", "#7570b3"),
            ("hospital", "#d95f02"),
            ("office", "#1b9e77"),
            ("water_intake", "#1f78b4"),
            ("ecological", "#66a61e"),
            ("other", "#666666"),
        ),
    ),
    popup=("name", "category", "population", "air_sensitive", "water_sensitive"),
    source="Jiangsu 7.2.3; Guangxi Table I.2",
)
