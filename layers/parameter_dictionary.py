"""The parameter dictionary: each HJ 212-2017 code with its names, unit, medium and the limits in
force, so a code like ``a21004`` in observations and exceedance events reads as 二氧化氮.

Rows come from the catalogue in :mod:`layers.parameters` (code, not a file), written by
``onemap demo load`` and ``onemap standards load``, which also sums up the limits in force.
"""

from __future__ import annotations

from layers.spec import Field, FieldType, Group, Layer, Style, choice

T = FieldType

MEDIA = (
    choice("met", "气象", "Meteorology"),
    choice("air", "大气", "Air"),
    choice("water", "水", "Water"),
)

LAYER = Layer(
    id="parameters",
    zh="监测因子字典",
    en="Parameter dictionary",
    group=Group.REFERENCE,
    geometry=None,
    description_zh="HJ 212-2017 因子编码、中英文名称、单位、介质及现行标准限值",
    description_en="HJ 212-2017 parameter codes with their names, unit, medium and the limits "
    "in force by standard and class",
    fields=(
        Field("code", T.TEXT, "因子编码", "HJ 212 code", required=True, pattern="^[a-z][0-9]{5}$"),
        Field("name_zh", T.TEXT, "中文名称", "Chinese name", required=True),
        Field("name_en", T.TEXT, "英文名称", "English name", required=True),
        Field("unit", T.TEXT, "单位", "Unit"),
        Field("medium", T.TEXT, "介质", "Medium", required=True, choices=MEDIA),
        Field("aliases", T.TEXT, "别名", "Other names"),
        Field("limits", T.TEXT, "现行限值", "Limits in force", derived=True),
    ),
    natural_key=("code",),
    style=Style(visible=False),
    popup=("code", "name_zh", "unit", "medium", "limits"),
    source="HJ 212-2017 Appendix B; GB 3095, GB 3838",
)
