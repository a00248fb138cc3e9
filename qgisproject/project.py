"""The QGIS project (``.qgs`` XML, zipped as ``.qgz``) of a list of layers served by this API.

``build_project`` takes the layers and the fields to show as parameters: whoever calls it
decides what the user may read (today every public collection; per user with accounts).
Layers are QGIS OAPIF layers of the server (QGIS 3.22 asks for CRS84; the project, in CGCS2000,
reprojects them), grouped as on the page, named by their Chinese titles, styled from the style
hints, with aliases, value maps and the registry's foreign keys as relations.
"""

from __future__ import annotations

import functools
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyproj

from layers.spec import GROUP_TITLES, Field, Layer
from qgisproject.fields import layer_fields
from qgisproject.styles import QGIS_VERSION
from qgisproject.symbols import renderer

PROJECT_CRS = "EPSG:4490"
LAYER_CRS = "OGC:CRS84"
TITLE = "园区生态环境一张图"
#: Map scale denominator at Web Mercator zoom 0 (256-pixel tiles, 0.28 mm pixels).
ZOOM0_SCALE = 559_082_264.0
_GEOMETRY = {"POINT": "Point", "LINESTRING": "Line", "POLYGON": "Polygon"}
_WKB = {
    "POINT": "Point",
    "MULTIPOINT": "MultiPoint",
    "LINESTRING": "LineString",
    "MULTILINESTRING": "MultiLineString",
    "POLYGON": "Polygon",
    "MULTIPOLYGON": "MultiPolygon",
}


@dataclass(frozen=True)
class Raster:
    """A raster layer of the project (the park's hillshade): a GDAL-readable URL and its CRS."""

    id: str
    name: str
    url: str
    crs: str


def layer_id(layer: Layer) -> str:
    """The project's id of a collection's layer."""
    return f"onemap_{layer.id}"


#: The page QGIS asks for: the API's largest (``geoapi.query.MAX_ITEMS``). Left to itself QGIS
#: 3.22 pages by the OpenAPI ``limit`` default (1,000), and reading a layer whole costs it a
#: round trip, an OGR open and two JSON parses per page.
PAGE_SIZE = 10_000


def datasource(layer: Layer, server_url: str, authcfg: str | None) -> str:
    """The OAPIF provider's URI of ``layer`` on the API at ``server_url`` (its landing page)."""
    parts = [
        f"pageSize='{PAGE_SIZE}'",
        "pagingEnabled='true'",
        "preferCoordinatesForWfsT11='false'",
        f"restrictToRequestBBOX='{1 if layer.geometry is not None else 0}'",
        f"typename='{layer.id}'",
        f"url='{server_url}'",
        "version='auto'",
    ]
    if authcfg:
        parts.insert(0, f"authcfg={authcfg}")
    return " ".join(parts)


@functools.cache
def _wkt(authid: str) -> str:
    return str(pyproj.CRS.from_user_input(authid).to_wkt())


def _crs(parent: ET.Element, tag: str, authid: str) -> None:
    # QGIS 3.22 reads a CRS from its WKT; the authority id alone leaves it invalid
    system = ET.SubElement(ET.SubElement(parent, tag), "spatialrefsys")
    ET.SubElement(system, "wkt").text = _wkt(authid)
    ET.SubElement(system, "authid").text = authid


def _vector(
    layer: Layer, fields: tuple[Field, ...], server_url: str, authcfg: str | None
) -> ET.Element:
    geometry = (layer.geometry_type or "").upper()
    attributes = {"type": "vector", "styleCategories": "AllStyleCategories"}
    if layer.geometry is None:
        attributes |= {"geometry": "No geometry", "wkbType": "NoGeometry"}
    else:
        base = geometry.removeprefix("MULTI")
        attributes |= {
            "geometry": _GEOMETRY.get(base, "Unknown"),
            "wkbType": _WKB.get(geometry, "Unknown"),
        }
    if layer.style.min_zoom is not None:
        attributes |= {
            "hasScaleBasedVisibilityFlag": "1",
            "minScale": f"{ZOOM0_SCALE / 2**layer.style.min_zoom:.0f}",
            "maxScale": "0",
        }
    element = ET.Element("maplayer", attributes)
    ET.SubElement(element, "id").text = layer_id(layer)
    ET.SubElement(element, "datasource").text = datasource(layer, server_url, authcfg)
    ET.SubElement(element, "layername").text = layer.zh
    ET.SubElement(element, "abstract").text = f"{layer.description_zh} / {layer.description_en}"
    if layer.geometry is not None:
        _crs(element, "srs", LAYER_CRS)
    ET.SubElement(element, "provider", encoding="").text = "OAPIF"
    if layer.geometry is not None:
        element.append(renderer(layer))
    element.extend(layer_fields(layer, fields))
    return element


def _raster(raster: Raster) -> ET.Element:
    element = ET.Element("maplayer", type="raster", styleCategories="AllStyleCategories")
    ET.SubElement(element, "id").text = raster.id
    ET.SubElement(element, "datasource").text = f"/vsicurl/{raster.url}"
    ET.SubElement(element, "layername").text = raster.name
    _crs(element, "srs", raster.crs)
    ET.SubElement(element, "provider").text = "gdal"
    return element


def _tree_layer(
    parent: ET.Element, lid: str, name: str, source: str, provider: str, on: bool
) -> None:
    node = ET.SubElement(
        parent,
        "layer-tree-layer",
        id=lid,
        name=name,
        source=source,
        providerKey=provider,
        checked="Qt::Checked" if on else "Qt::Unchecked",
        expanded="0",
    )
    ET.SubElement(node, "customproperties")


def _relations(layers: Sequence[Layer]) -> ET.Element:
    """A relation per foreign key whose both ends are in the project (an enterprise's outfalls,
    a station's observations), named by the referenced and the referencing layers."""
    present = {layer.id: layer for layer in layers}
    element = ET.Element("relations")
    for layer in layers:
        for f, target, target_field in layer.references:
            if target not in present:
                continue
            ET.SubElement(
                element,
                "relation",
                id=f"{layer.id}_{f.name}_{target}",
                name=f"{present[target].zh} → {layer.zh}",
                referencingLayer=layer_id(layer),
                referencedLayer=layer_id(present[target]),
                strength="Association",
            ).append(ET.Element("fieldRef", referencingField=f.name, referencedField=target_field))
    return element


def _canvas(parent: ET.Element, extent: tuple[float, float, float, float] | None) -> None:
    if extent is None:
        return
    canvas = ET.SubElement(parent, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    ET.SubElement(canvas, "units").text = "degrees"
    box = ET.SubElement(canvas, "extent")
    for name, value in zip(("xmin", "ymin", "xmax", "ymax"), extent, strict=True):
        ET.SubElement(box, name).text = f"{value:.7f}"
    _crs(canvas, "destinationsrs", PROJECT_CRS)


def project_xml(
    layers: Sequence[Layer],
    fields: Callable[[Layer], tuple[Field, ...]],
    server_url: str,
    rasters: Sequence[Raster] = (),
    extent: tuple[float, float, float, float] | None = None,
    authcfg: str | None = None,
) -> bytes:
    """The ``.qgs`` document of ``layers`` served at ``server_url`` (the API's landing page).

    ``fields`` gives the fields the user may read of each layer; ``authcfg`` is the id of a QGIS
    authentication configuration holding the user's token (set in QGIS, never here), or None
    for anonymous access; ``extent`` (lon/lat) is where the map opens.
    """
    root = ET.Element("qgis", projectname=TITLE, version=QGIS_VERSION)
    ET.SubElement(root, "homePath", path="")
    ET.SubElement(root, "title").text = TITLE
    _crs(root, "projectCrs", PROJECT_CRS)
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(tree, "customproperties")
    for group, (zh, _en) in GROUP_TITLES.items():
        members = [layer for layer in layers if layer.group is group]
        if not members:
            continue
        node = ET.SubElement(tree, "layer-tree-group", name=zh, checked="Qt::Checked", expanded="1")
        ET.SubElement(node, "customproperties")
        for layer in members:
            source = datasource(layer, server_url, authcfg)
            _tree_layer(node, layer_id(layer), layer.zh, source, "OAPIF", layer.style.visible)
    for raster in rasters:
        _tree_layer(tree, raster.id, raster.name, f"/vsicurl/{raster.url}", "gdal", True)
    _canvas(root, extent)
    project_layers = ET.SubElement(root, "projectlayers")
    for layer in layers:
        project_layers.append(_vector(layer, fields(layer), server_url, authcfg))
    for raster in rasters:
        project_layers.append(_raster(raster))
    root.append(_relations(layers))
    properties = ET.SubElement(root, "properties")
    # QGIS 3.22 reads <projectCrs> only when this says the project has a CRS
    spatial = ET.SubElement(properties, "SpatialRefSys")
    ET.SubElement(spatial, "ProjectionsEnabled", type="int").text = "1"
    onemap = ET.SubElement(properties, "onemap")
    ET.SubElement(onemap, "server", type="QString").text = server_url
    # the placeholder QGIS users fill in: an authentication configuration of their own holding
    # their token (Settings ▸ Options ▸ Authentication), whose id the project's layers name
    ET.SubElement(onemap, "authcfg", type="QString").text = authcfg or ""
    ET.indent(root)
    doctype = b"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    return doctype + bytes(ET.tostring(root, encoding="utf-8"))


def project_qgz(qgs: bytes, name: str = "onemap") -> bytes:
    """``qgs`` zipped as QGIS's ``.qgz`` (the project file inside, named ``{name}.qgs``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.qgs", qgs)
    return buffer.getvalue()
