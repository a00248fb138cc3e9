"""The page is derived from the registry and refers to nothing outside the app."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from layers import REGISTRY
from layers.spec import GROUP_TITLES, Access, Group, Layer, Style
from webmap.page import COMPACT_ITEMS, VENDOR_CSS, VENDOR_JS, build_page
from webmap.spec import legend, map_config

BOUNDS = ((31.9, 119.9), (32.1, 120.1))
STATIC = Path(__file__).resolve().parents[2] / "webmap" / "static"

PUBLIC = [layer for layer in REGISTRY if layer.access is Access.PUBLIC]


def _config(html: str) -> dict:
    match = re.search(r"OneMap\.start\([^,]+, (\{.*\})\);", html)
    assert match, "the page starts OneMap with its configuration"
    return json.loads(match.group(1).replace("<\\/", "</"))


@pytest.fixture(scope="module")
def html() -> str:
    return build_page("", REGISTRY, BOUNDS)


def test_every_geometric_layer_is_on_the_page_in_its_group(html: str) -> None:
    config = _config(html)
    # the page knows public layers only (internal ones join a signed-in user's page)
    geometric = [layer for layer in PUBLIC if layer.geometry is not None]
    assert [c["id"] for c in config["layers"]] == [layer.id for layer in geometric]
    for layer, cfg in zip(geometric, config["layers"], strict=True):
        assert cfg["group"] == layer.group.value
        assert (cfg["zh"], cfg["en"]) == (layer.zh, layer.en)
        assert cfg["style"]["visible"] == layer.style.visible
        on_phone = layer.style.visible if layer.style.on_phone is None else layer.style.on_phone
        assert cfg["style"]["on_phone"] == on_phone
        assert cfg["style"]["min_zoom"] == layer.style.min_zoom
        assert cfg["style"]["palette"] == {str(v): c for v, c in layer.style.palette}
    groups = {g["id"]: (g["zh"], g["en"]) for g in config["groups"]}
    for layer in geometric:
        assert groups[layer.group.value] == GROUP_TITLES[layer.group]
    # groups in the modules' order
    order = [g.value for g in Group]
    assert [g["id"] for g in config["groups"]] == sorted(groups, key=order.index)


def test_layers_without_geometry_are_not_map_layers(html: str) -> None:
    ids = {c["id"] for c in _config(html)["layers"]}
    for layer in REGISTRY:
        if layer.geometry is None:
            assert layer.id not in ids


def test_popups_carry_chinese_titles_and_units_but_no_private_field(html: str) -> None:
    config = _config(html)
    for layer, cfg in zip([x for x in PUBLIC if x.geometry], config["layers"], strict=True):
        for name in cfg["popup"]:
            f = layer.field(name)
            assert cfg["fields"][name]["zh"] == f.zh
            assert cfg["fields"][name]["unit"] == f.unit
        private = {f.name for f in layer.fields if f.private}
        assert not private & set(cfg["fields"]), layer.id
        assert not private & set(cfg["properties"]), layer.id
        assert not private & set(cfg["popup"]), layer.id


def test_related_records_follow_the_foreign_keys() -> None:
    config = map_config(REGISTRY)
    by_id = {c["id"]: c for c in config["layers"]}
    for layer in PUBLIC:
        for f, target, target_field in layer.references:
            if target in by_id:
                related = by_id[target]["related"]
                assert {"layer": layer.id, "field": f.name, "value_from": target_field}.items() <= (
                    next(r for r in related if r["layer"] == layer.id and r["field"] == f.name)
                ).items()


def test_legend_labels_palette_values_with_their_choices() -> None:
    for layer in REGISTRY:
        entries = legend(layer)
        assert [e["color"] for e in entries] == [c for _, c in layer.style.palette]
        if layer.style.by:
            choices = {str(c.value): c.zh for c in layer.field(layer.style.by).choices}
            for e in entries:
                assert e["zh"] == choices.get(e["value"], e["value"])


def test_a_new_layer_needs_no_change_to_the_page() -> None:
    from layers.spec import Field, FieldType

    extra = Layer(
        id="emergency_shelters",
        zh="应急避难场所",
        en="Emergency shelters",
        group=Group.RISK,
        geometry=("POINT",),
        fields=(Field("name", FieldType.TEXT, "名称", "Name"),),
        natural_key=("name",),
        style=Style(color="#000000", visible=False),
        popup=("name",),
    )
    config = _config(build_page("", (*REGISTRY, extra), BOUNDS))
    assert config["layers"][-1]["id"] == "emergency_shelters"
    assert config["groups"][-1]["id"] == "risk"


def test_the_page_names_no_other_host(html: str) -> None:
    assert re.findall(r"\b(?:https?:)?//[\w.-]+", html) == []
    for name, path in (*VENDOR_JS, *VENDOR_CSS):
        assert f'"/webmap/static/vendor/{path}"' in html, name


def test_static_scripts_name_no_other_host() -> None:
    for script in STATIC.glob("*.js"):
        assert re.findall(r"https?://", script.read_text("utf-8")) == [], script.name
    for script in STATIC.glob("*.css"):
        assert "url(" not in script.read_text("utf-8"), script.name


def test_vendor_assets_are_installed() -> None:
    for _, path in (*VENDOR_JS, *VENDOR_CSS):
        assert (STATIC / "vendor" / path).is_file(), f"{path}: run `make setup` (npm ci)"


def test_a_configured_tile_server_replaces_the_hillshade(monkeypatch: pytest.MonkeyPatch) -> None:
    template = "https://tiles.example/{z}/{x}/{y}.png"
    monkeypatch.setenv("ONEMAP_TILE_URL", template)
    monkeypatch.setenv("ONEMAP_TILE_ATTRIBUTION", "© Example")
    basemap = _config(build_page("", REGISTRY, BOUNDS))["basemap"]
    assert basemap == {"tiles": template, "attribution": "© Example"}


def test_the_page_honours_the_script_root() -> None:
    html = build_page("/onemap", REGISTRY, BOUNDS)
    assert '"/onemap/webmap/static/vendor/leaflet/leaflet.js"' in html
    assert _config(html)["api"] == "/onemap/ogcapi"


def test_a_layer_with_a_ready_trace_asks_for_it() -> None:
    layers = {c["id"]: c for c in map_config(REGISTRY)["layers"]}
    exceedances = layers["exceedances"]
    assert exceedances["trace"] == {"process": "trace_process", "inputs": "trace_inputs"}
    assert {"trace_process", "trace_inputs"} <= set(exceedances["properties"])
    assert layers["stations"]["trace"] is None


def test_the_page_asks_for_compact_items_and_the_api_gives_them(
    live_site: tuple[str, Any],
) -> None:
    root, _ = live_site
    page = requests.get(root + "/", timeout=30)
    assert _config(page.text)["items_params"] == COMPACT_ITEMS == {"profile": "rel-as-key"}
    compact = requests.get(
        f"{root}/ogcapi/collections/outfalls/items",
        params={"f": "json", "limit": "5", **COMPACT_ITEMS},
        timeout=30,
    )
    assert compact.status_code == 200, compact.text[:300]
    features = compact.json()["features"]
    assert features and all(f["links"] == [] for f in features)
