"""QGIS symbols and renderers from a layer's style hints (``layers.spec.Style``).

As on the page: points are circles of the page's radius (pixels) filled with the category's
colour; lines are the colour at the page's weight; polygons are outlined in the colour and
filled with the fill colour at the page's 20 % opacity. A ``by`` field with a palette is a
categorised renderer, labelled with the choices' Chinese titles.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from layers.spec import Layer

#: Leaflet's default fill opacity for polygons, which the page keeps.
POLYGON_FILL_ALPHA = 51  # of 255, i.e. 0.2
OUTLINE = "255,255,255,255"


def rgba(css: str, alpha: int = 255) -> str:
    """A ``#rrggbb`` colour as QGIS's ``r,g,b,a``."""
    value = css.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


@dataclass(frozen=True)
class Category:
    """One class of a categorised style: the stored value, its label and colour."""

    value: str
    label: str
    color: str


def categories(layer: Layer) -> list[Category]:
    """The style's categories (empty for a single-symbol layer), labelled in Chinese."""
    style = layer.style
    if not style.by or not style.palette:
        return []
    labels = {str(c.value): c.zh for c in layer.field(style.by).choices}
    return [Category(str(v), labels.get(str(v), str(v)), c) for v, c in style.palette]


def kind(layer: Layer) -> str:
    """QGIS's symbol type of the layer's geometry: marker, line or fill."""
    geometry = (layer.geometry_type or "").upper()
    if "POINT" in geometry:
        return "marker"
    if "LINE" in geometry:
        return "line"
    return "fill"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    holder = ET.SubElement(parent, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(holder, "Option", name=name, type="QString", value=value)


def symbol(layer: Layer, name: str, color: str) -> ET.Element:
    """One ``<symbol>`` of ``layer``'s geometry in ``color``."""
    style = layer.style
    sym_type = kind(layer)
    element = ET.Element(
        "symbol", type=sym_type, name=name, alpha="1", clip_to_extent="1", force_rhr="0"
    )
    if sym_type == "marker":
        klass, props = (
            "SimpleMarker",
            {
                "name": "circle",
                "color": rgba(color),
                "outline_color": OUTLINE,
                "outline_style": "solid",
                "outline_width": "1",
                "outline_width_unit": "Pixel",
                "size": f"{2 * style.radius:g}",
                "size_unit": "Pixel",
            },
        )
    elif sym_type == "line":
        klass, props = (
            "SimpleLine",
            {
                "line_color": rgba(color),
                "line_style": "solid",
                "line_width": f"{style.weight:g}",
                "line_width_unit": "Pixel",
                "capstyle": "round",
                "joinstyle": "round",
            },
        )
    else:
        # a category colours both; otherwise the outline is the colour, the fill the fill's
        fill = color if style.by else style.fill
        klass, props = (
            "SimpleFill",
            {
                "color": rgba(fill, POLYGON_FILL_ALPHA) if fill else "0,0,0,0",
                "style": "solid",
                "outline_color": rgba(color),
                "outline_style": "solid",
                "outline_width": f"{style.weight:g}",
                "outline_width_unit": "Pixel",
            },
        )
    symbol_layer = ET.SubElement(element, "layer", {"class": klass, "enabled": "1", "pass": "0"})
    symbol_layer.set("locked", "0")
    _options(symbol_layer, props)
    return element


def renderer(layer: Layer) -> ET.Element:
    """The ``<renderer-v2>`` of a layer: categorised by the style's field, else one symbol."""
    classes = categories(layer)
    if not classes:
        element = ET.Element("renderer-v2", type="singleSymbol", symbollevels="0")
        element.set("forceraster", "0")
        ET.SubElement(element, "symbols").append(symbol(layer, "0", layer.style.color))
        return element
    assert layer.style.by is not None
    element = ET.Element(
        "renderer-v2", type="categorizedSymbol", attr=layer.style.by, symbollevels="0"
    )
    element.set("forceraster", "0")
    cats = ET.SubElement(element, "categories")
    symbols = ET.SubElement(element, "symbols")
    for i, c in enumerate(classes):
        ET.SubElement(cats, "category", render="true", symbol=str(i), value=c.value, label=c.label)
        symbols.append(symbol(layer, str(i), c.color))
    source = ET.SubElement(element, "source-symbol")
    source.append(symbol(layer, "0", layer.style.color))
    return element
