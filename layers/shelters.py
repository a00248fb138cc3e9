"""Emergency shelters (Jiangsu 7.6.3: their number and location), with capacity."""

from __future__ import annotations

from layers.risk_fields import PHONE, keeper
from layers.spec import Field, FieldType, Group, Layer, Style

T = FieldType

LAYER = Layer(
    id="shelters",
    zh="应急避难场所",
    en="Emergency shelters",
    group=Group.RISK,
    geometry=("POINT", "POLYGON", "MULTIPOLYGON"),
    description_zh="应急避难场所：名称、容纳人数、面积、管理人",
    description_en="Emergency shelters: name, capacity, area and keeper",
    fields=(
        Field("name", T.TEXT, "名称", "Name", required=True, aliases=("避难场所名称",)),
        Field(
            "capacity_people",
            T.INTEGER,
            "容纳人数",
            "Capacity",
            unit="人",
            minimum=0,
            aliases=("可容纳人数", "容量"),
        ),
        Field("area_m2", T.REAL, "面积", "Area", unit="m²", minimum=0, aliases=("占地面积",)),
        Field("address", T.TEXT, "地址", "Address", aliases=("位置",)),
        keeper(),
        PHONE,
    ),
    natural_key=("name",),
    style=Style(
        on_phone=False,  # a layer of its tool or module, not of the phone overview
        color="#006837",
        fill="#78c679",
        radius=8,
    ),
    popup=("name", "capacity_people", "area_m2", "address"),
    source="Jiangsu 7.6.3",
)
