"""A collection's style as QGIS QML and as OGC SLD 1.1 (Symbology Encoding), the same as on the
page and in the project: served at ``/ogcapi/collections/{id}/styles/default?f=qml|sld``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from layers.spec import Field, Layer
from qgisproject.fields import layer_fields
from qgisproject.symbols import POLYGON_FILL_ALPHA, categories, kind, renderer

QGIS_VERSION = "3.22.16-Białowieża"
QML_MIME = "application/vnd.qgis.qml"
SLD_MIME = "application/vnd.ogc.sld+xml"
_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"


def _text(element: ET.Element) -> bytes:
    ET.indent(element)
    return bytes(ET.tostring(element, encoding="utf-8", xml_declaration=True))


def qml(layer: Layer, fields: tuple[Field, ...]) -> bytes:
    """The layer's QML: renderer, value maps and aliases (QGIS: Layer ▸ Properties ▸ Style ▸
    Load Style)."""
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Fields|Forms")
    if layer.geometry is not None:
        root.append(renderer(layer))
    root.extend(layer_fields(layer, fields))
    return _text(root)


def _se(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{_SE}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _parameter(parent: ET.Element, name: str, value: str) -> None:
    _se(parent, "SvgParameter", value, name=name)


def _symbolizer(rule: ET.Element, layer: Layer, color: str) -> None:
    style = layer.style
    match kind(layer):
        case "marker":
            point = _se(rule, "PointSymbolizer")
            graphic = _se(point, "Graphic")
            mark = _se(graphic, "Mark")
            _se(mark, "WellKnownName", "circle")
            _parameter(_se(mark, "Fill"), "fill", color)
            stroke = _se(mark, "Stroke")
            _parameter(stroke, "stroke", "#ffffff")
            _parameter(stroke, "stroke-width", "1")
            _se(graphic, "Size", f"{2 * style.radius:g}")
        case "line":
            stroke = _se(_se(rule, "LineSymbolizer"), "Stroke")
            _parameter(stroke, "stroke", color)
            _parameter(stroke, "stroke-width", f"{style.weight:g}")
        case _:
            polygon = _se(rule, "PolygonSymbolizer")
            fill = color if style.by else style.fill
            if fill:
                fill_element = _se(polygon, "Fill")
                _parameter(fill_element, "fill", fill)
                _parameter(fill_element, "fill-opacity", f"{POLYGON_FILL_ALPHA / 255:.1f}")
            stroke = _se(polygon, "Stroke")
            _parameter(stroke, "stroke", color)
            _parameter(stroke, "stroke-width", f"{style.weight:g}")


def sld(layer: Layer) -> bytes:
    """The layer's style as an SLD 1.1 document, one rule per category (Chinese titles)."""
    ET.register_namespace("sld", _SLD)
    ET.register_namespace("se", _SE)
    ET.register_namespace("ogc", _OGC)
    root = ET.Element(f"{{{_SLD}}}StyledLayerDescriptor", version="1.1.0")
    named = ET.SubElement(root, f"{{{_SLD}}}NamedLayer")
    _se(named, "Name", layer.id)
    user = ET.SubElement(named, f"{{{_SLD}}}UserStyle")
    _se(user, "Name", "default")
    feature_style = _se(user, "FeatureTypeStyle")
    if layer.geometry is None:
        return _text(root)
    classes = categories(layer)
    if not classes:
        rule = _se(feature_style, "Rule")
        _se(rule, "Name", layer.id)
        _se(_se(rule, "Description"), "Title", layer.zh)
        _symbolizer(rule, layer, layer.style.color)
        return _text(root)
    assert layer.style.by is not None
    for c in classes:
        rule = _se(feature_style, "Rule")
        _se(rule, "Name", c.value)
        _se(_se(rule, "Description"), "Title", c.label)
        condition = ET.SubElement(rule, f"{{{_OGC}}}Filter")
        equal = ET.SubElement(condition, f"{{{_OGC}}}PropertyIsEqualTo")
        ET.SubElement(equal, f"{{{_OGC}}}PropertyName").text = layer.style.by
        ET.SubElement(equal, f"{{{_OGC}}}Literal").text = c.value
        _symbolizer(rule, layer, c.color)
    return _text(root)
