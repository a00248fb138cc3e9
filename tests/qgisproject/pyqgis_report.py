"""Open a QGIS project with PyQGIS, headless, and print what a user would find in it, as JSON.

    /usr/bin/python3 tests/qgisproject/pyqgis_report.py PROJECT [LAYER=EXPR] [style:LAYER=FILE]
                                                        [--no-count]

Run by the system Python with Debian's ``python3-qgis`` (QGIS 3.22 on Debian 12). For each layer:
valid, name, provider, CRS, the feature count (read feature by feature; a ``LAYER=EXPR`` argument
counts that layer under a subset string instead), aliases, value maps and the renderer (after
loading a QML or SLD file given as ``style:LAYER=FILE``); and the project's CRS, layer tree
groups and relations.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from qgis.core import Qgis, QgsApplication, QgsProject, QgsRasterLayer, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    # LAYER=EXPR counts under a subset string; style:LAYER=FILE loads a QML or SLD file first
    # --no-count: no feature is read
    args = [arg for arg in sys.argv[2:] if arg != "--no-count"]
    counting = len(args) == len(sys.argv[2:])
    styles = {a[6:].split("=", 1)[0]: a.split("=", 1)[1] for a in args if a[:6] == "style:"}
    subsets = dict(arg.split("=", 1) for arg in args if not arg.startswith("style:"))
    project = QgsProject.instance()
    read = project.read(sys.argv[1])
    out: dict[str, object] = {
        "qgis": Qgis.version(),
        "read": read,
        "crs": project.crs().authid(),
        "groups": [g.name() for g in project.layerTreeRoot().children() if g.nodeType() == 0],
        "relations": sorted(
            (r.referencingLayer().name(), r.referencedLayer().name(), r.isValid())
            for r in project.relationManager().relations().values()
        ),
        "layers": {},
    }
    for layer in project.mapLayers().values():
        entry: dict[str, object] = {
            "valid": layer.isValid(),
            "name": layer.name(),
            "provider": layer.providerType(),
            "crs": layer.crs().authid(),
        }
        if isinstance(layer, QgsVectorLayer) and layer.isValid():
            typename = layer.source().split("typename='")[1].split("'")[0]
            entry["typename"] = typename
            entry["page_size"] = layer.source().split("pageSize='")[-1].split("'")[0]
            if typename in subsets:
                layer.setSubsetString(subsets[typename])
            if typename in styles:
                path = styles[typename]
                if path.endswith(".sld"):
                    message, ok = layer.loadSldStyle(path)
                else:
                    message, ok = layer.loadNamedStyle(path)
                entry["style_loaded"] = [bool(ok), message]
            if counting:
                entry["count"] = sum(1 for _ in layer.getFeatures())
            entry["aliases"] = {f.name(): f.alias() for f in layer.fields() if f.alias()}
            entry["value_maps"] = {
                f.name(): layer.editorWidgetSetup(i).config().get("map")
                for i, f in enumerate(layer.fields())
                if layer.editorWidgetSetup(i).type() == "ValueMap"
            }
            entry["types"] = {f.name(): f.typeName() for f in layer.fields()}
            renderer = layer.renderer()
            if renderer is not None:
                entry["renderer"] = renderer.type()
                if renderer.type() == "categorizedSymbol":
                    entry["categories"] = [
                        [c.value(), c.label(), c.symbol().color().name()]
                        for c in renderer.categories()
                    ]
        elif isinstance(layer, QgsRasterLayer) and layer.isValid():
            entry["size"] = [layer.width(), layer.height()]
        out["layers"][layer.id()] = entry  # type: ignore[index]
    print(json.dumps(out, ensure_ascii=False))
    app.exitQgis()


if __name__ == "__main__":
    main()
