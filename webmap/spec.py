"""The map's layer description, derived from the layer registry by pure functions.

Everything the page knows about a layer (title, group, geometry, style, legend, popup fields with
their Chinese and English titles, units and choice labels, related records) comes from here;
nothing in ``webmap/`` names a layer. The page as served knows public layers and fields only;
a signed-in user's page asks for its own description (``GET /page/layers``, geoapi), built here
from the layers and fields the policy lets that user read (``fields_of``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from layers.spec import GROUP_TITLES, Access, Field, Group, Layer


def public_fields(layer: Layer) -> tuple[Field, ...]:
    """The fields the page may show: every field not marked private."""
    return tuple(f for f in layer.fields if not f.private)


#: The fields of a layer one reader may read (public_fields for everyone).
FieldsOf = Callable[[Layer], tuple[Field, ...]]


def map_layers(registry: Iterable[Layer]) -> tuple[Layer, ...]:
    """The layers that have a geometry, in registry order: one map layer each."""
    return tuple(layer for layer in registry if layer.geometry is not None)


def _field(f: Field) -> dict[str, Any]:
    return {
        "zh": f.zh,
        "en": f.en,
        "unit": f.unit,
        "type": str(f.type),
        "choices": {str(c.value): {"zh": c.zh, "en": c.en} for c in f.choices},
    }


def legend(layer: Layer) -> list[dict[str, Any]]:
    """One legend entry per palette colour, labelled with the choice's titles where it has one."""
    labels = {}
    if layer.style.by:
        labels = {str(c.value): c for c in layer.field(layer.style.by).choices}
    entries = []
    for value, colour in layer.style.palette:
        choice = labels.get(str(value))
        entries.append(
            {
                "value": str(value),
                "color": colour,
                "zh": choice.zh if choice else str(value),
                "en": choice.en if choice else str(value),
            }
        )
    return entries


def _related(
    layer: Layer, registry: tuple[Layer, ...], fields_of: FieldsOf
) -> list[dict[str, Any]]:
    """Records of other layers pointing at this one (an enterprise's outfalls, a station's
    observations, newest first when the layer has a time field), and records this one points at."""
    out: list[dict[str, Any]] = []
    for other in registry:
        for f, target_layer, target_field in other.references:
            if target_layer == layer.id:
                out.append(
                    {
                        "layer": other.id,
                        "zh": other.zh,
                        "en": other.en,
                        "field": f.name,
                        "value_from": target_field,
                        "sortby": f"-{other.time_field}" if other.time_field else None,
                    }
                )
    readable = {f.name for f in fields_of(layer)}
    for f, target_layer, target_field in layer.references:
        target = next((t for t in registry if t.id == target_layer), None)
        if target is None or f.name not in readable:
            continue
        out.append(
            {
                "layer": target.id,
                "zh": f"{f.zh}（{target.zh}）",
                "en": f"{f.en} ({target.en})",
                "field": target_field,
                "value_from": f.name,
                "sortby": None,
            }
        )
    return out


#: Fields naming the OGC API process a feature calls for and its inputs (JSON): such a
#: feature's popup offers to run it (an exceedance's ready trace, monitoring.quality.follow_up).
TRACE_FIELDS = {"process": "trace_process", "inputs": "trace_inputs"}


def _trace(layer: Layer, fields_of: FieldsOf) -> dict[str, str] | None:
    readable = {f.name for f in fields_of(layer)}
    return dict(TRACE_FIELDS) if set(TRACE_FIELDS.values()) <= readable else None


def _requested_properties(
    layer: Layer, related: list[dict[str, Any]], fields_of: FieldsOf
) -> list[str]:
    """The properties the page asks the API for: popup, style, key, name, link and trace
    fields."""
    public = {f.name for f in fields_of(layer)}
    trace = _trace(layer, fields_of)
    wanted = [
        *layer.popup,
        *layer.natural_key,
        *(r["value_from"] for r in related),
        *(trace.values() if trace else ()),
    ]
    if layer.style.by:
        wanted.append(layer.style.by)
    if "name" in public:
        wanted.insert(0, "name")
    return [n for n in dict.fromkeys(wanted) if n in public]


def layer_config(
    layer: Layer, registry: tuple[Layer, ...], fields_of: FieldsOf = public_fields
) -> dict[str, Any]:
    """The JSON description of one map layer, for a reader of ``fields_of`` its fields, who
    may read the layers of ``registry``."""
    style = layer.style
    related = _related(layer, registry, fields_of)
    public = fields_of(layer)
    return {
        "id": layer.id,
        "zh": layer.zh,
        "en": layer.en,
        "group": str(layer.group),
        "geometry": layer.geometry_type,
        "style": {
            "color": style.color,
            "fill": style.fill,
            "weight": style.weight,
            "radius": style.radius,
            "by": style.by,
            "palette": {str(value): colour for value, colour in style.palette},
            "visible": style.visible,
            "on_phone": style.visible if style.on_phone is None else style.on_phone,
            "min_zoom": style.min_zoom,
            "cluster": style.cluster,
            "arrows": style.arrows,
        },
        "legend": legend(layer),
        "fields": {f.name: _field(f) for f in public},
        "popup": [name for name in layer.popup if name in {f.name for f in public}],
        "title_field": "name" if any(f.name == "name" for f in public) else None,
        "key": [n for n in layer.natural_key if n in {f.name for f in public}],
        "properties": _requested_properties(layer, related, fields_of),
        "related": related,
        "trace": _trace(layer, fields_of),
        "searchable": any(f.name == "name" for f in public),
    }


def map_config(registry: Iterable[Layer], fields_of: FieldsOf | None = None) -> dict[str, Any]:
    """The page's configuration: groups in the modules' order and one entry per map layer.

    Without ``fields_of``, the page everyone gets: public layers and fields only. With it, one
    reader's: ``registry`` holds the layers they may read, ``fields_of`` their fields of each.
    """
    if fields_of is None:
        everything = tuple(layer for layer in registry if layer.access is Access.PUBLIC)
        fields_of = public_fields
    else:
        everything = tuple(registry)
    layers = map_layers(everything)
    groups = [g for g in Group if any(layer.group == g for layer in layers)]
    return {
        "groups": [
            {"id": str(g), "zh": GROUP_TITLES[g][0], "en": GROUP_TITLES[g][1]} for g in groups
        ],
        "layers": [layer_config(layer, everything, fields_of) for layer in layers],
        # layers with a time field (observations): the analyses' default time window
        "time_layers": [
            {"id": layer.id, "time_field": layer.time_field}
            for layer in everything
            if layer.time_field
        ],
    }
