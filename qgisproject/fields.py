"""Field aliases (Chinese titles with units) and value maps (value → Chinese label)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from layers.spec import Field, Layer


def alias(f: Field) -> str:
    """The Chinese title, with the unit when there is one: ``排放高度（m）``."""
    return f"{f.zh}（{f.unit}）" if f.unit else f.zh


def field_configuration(fields: tuple[Field, ...]) -> ET.Element:
    """``<fieldConfiguration>``: a ValueMap widget (label → value) for every enumerated field."""
    element = ET.Element("fieldConfiguration")
    for f in fields:
        entry = ET.SubElement(element, "field", name=f.name, configurationFlags="None")
        if not f.choices:
            ET.SubElement(entry, "editWidget", type="TextEdit")
            continue
        widget = ET.SubElement(entry, "editWidget", type="ValueMap")
        config = ET.SubElement(widget, "config")
        outer = ET.SubElement(config, "Option", type="Map")
        listing = ET.SubElement(outer, "Option", name="map", type="List")
        for c in f.choices:
            pair = ET.SubElement(listing, "Option", type="Map")
            ET.SubElement(pair, "Option", name=c.zh, type="QString", value=str(c.value))
    return element


def aliases(fields: tuple[Field, ...]) -> ET.Element:
    """``<aliases>``: each field's Chinese alias."""
    element = ET.Element("aliases")
    for i, f in enumerate(fields):
        ET.SubElement(element, "alias", field=f.name, index=str(i), name=alias(f))
    return element


def layer_fields(layer: Layer, fields: tuple[Field, ...]) -> list[ET.Element]:
    """The field elements of a layer's ``<maplayer>`` or QML, in QGIS's order."""
    return [field_configuration(fields), aliases(fields)]
