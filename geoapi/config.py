"""pygeoapi's configuration, rendered from the layer registry (nothing is written per layer)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from analytics.registry import ANALYSES
from geoapi.catalog import Extent
from geoapi.crs import CRS84, supported
from geoapi.query import DEFAULT_ITEMS, MAX_ITEMS, public_fields
from layers.spec import GROUP_TITLES, Layer

PROVIDER = "geoapi.provider.OnemapProvider"
#: One generic processor for every analysis, and a synchronous manager with no job store.
PROCESSOR = "geoapi.processes.AnalysisProcessor"
MANAGER = "geoapi.processes.SyncManager"
#: Used for an empty table's extent: roughly China, so clients still get a sensible box.
FALLBACK_BBOX = (73.0, 18.0, 135.0, 54.0)
CSV = "text/csv"
GPKG = "application/geopackage+sqlite3"


def _both(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


#: A collection's licence, as every collection links it: ONEMAP_LICENSE_URL and
#: ONEMAP_LICENSE_TITLE, by default the API's own (CC-BY 4.0, metadata.license below).
ENV_LICENSE_URL = "ONEMAP_LICENSE_URL"
ENV_LICENSE_TITLE = "ONEMAP_LICENSE_TITLE"
DEFAULT_LICENSE = ("https://creativecommons.org/licenses/by/4.0/", "CC-BY 4.0")


def license_link() -> dict[str, str]:
    """The ``license`` link of every collection (configurable by the environment)."""
    href = os.environ.get(ENV_LICENSE_URL) or DEFAULT_LICENSE[0]
    title = os.environ.get(ENV_LICENSE_TITLE) or DEFAULT_LICENSE[1]
    return {
        "type": "text/html",
        "rel": "license",
        "title": title,
        "href": href,
        "hreflang": "zh-CN",
    }


def style_links(layer: Layer, server_url: str) -> list[dict[str, str]]:
    """Links to the collection's style as QML (symbols, aliases, value maps) and, for a layer
    with a geometry, SLD (qgisproject.routes)."""
    href = f"{server_url}/collections/{layer.id}/styles/default"
    return [
        {
            "type": mime,
            "rel": "stylesheet",
            "title": f"{name} 样式 / {name} style",
            "href": f"{href}?f={fmt}",
            "hreflang": "zh-CN",
        }
        for fmt, name, mime in (
            ("qml", "QGIS QML", "application/vnd.qgis.qml"),
            ("sld", "SLD 1.1", "application/vnd.ogc.sld+xml"),
        )
        if fmt == "qml" or layer.geometry is not None
    ]


def collection_config(
    layer: Layer, database_url: str, server_url: str, extent: Extent, zone_srid: int
) -> dict[str, Any]:
    """One collection's pygeoapi resource."""
    group_zh, group_en = GROUP_TITLES[layer.group]
    items = f"{server_url}/collections/{layer.id}/items"
    extents: dict[str, Any] = {
        "spatial": {"bbox": list(extent.bbox or FALLBACK_BBOX), "crs": CRS84},
    }
    if extent.interval:
        extents["temporal"] = {"begin": extent.interval[0], "end": extent.interval[1]}
    provider: dict[str, Any] = {
        "type": "feature",
        "name": PROVIDER,
        "data": {
            "database_url": database_url,
            "layer": layer.id,
            "base_url": server_url,
            "zone_srid": zone_srid,
        },
        "id_field": "id",
        "crs": list(supported(zone_srid)),
        "storage_crs": CRS84,
    }
    if layer.time_field:
        provider["time_field"] = layer.time_field
    titled = [f for f in public_fields(layer) if f.name in ("name", "code")]
    if titled:
        provider["title_field"] = titled[0].name
    return {
        "type": "collection",
        "title": _both(layer.zh, layer.en),
        "description": _both(layer.description_zh or layer.zh, layer.description_en or layer.en),
        "keywords": {"zh": [group_zh, layer.zh], "en": [group_en, layer.en]},
        # rel "alternate", not "enclosure": pygeoapi sends a HEAD request (i.e. builds the
        # whole download) for every enclosure link without a length on every collection view.
        "links": [
            {
                "type": CSV,
                "rel": "alternate",
                "title": "CSV 下载 / CSV download",
                "href": f"{items}?f=csv",
                "hreflang": "zh-CN",
            },
            {
                "type": GPKG,
                "rel": "alternate",
                "title": "GeoPackage 下载 / GeoPackage download",
                "href": f"{items}?f=gpkg",
                "hreflang": "zh-CN",
            },
            *style_links(layer, server_url),
            license_link(),
        ],
        "extents": extents,
        "limits": {"default_items": DEFAULT_ITEMS, "max_items": MAX_ITEMS, "on_exceed": "error"},
        "providers": [provider],
    }


def process_config(analysis_id: str, database_url: str) -> dict[str, Any]:
    """One analysis's pygeoapi resource: the generic processor, told which analysis it runs
    (its description is rendered from the registry by :mod:`geoapi.processes`)."""
    return {
        "type": "process",
        "processor": {"name": PROCESSOR, "analysis": analysis_id, "database_url": database_url},
    }


def build_config(
    layers: Iterable[Layer],
    database_url: str,
    server_url: str,
    extents: Mapping[str, Extent],
    zone_srid: int,
) -> dict[str, Any]:
    """The whole pygeoapi configuration for ``layers`` served at ``server_url`` (the mount)."""
    server_url = server_url.rstrip("/")
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": 5000},
            "url": server_url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": False,
            # "zh", not "zh-CN": babel has no zh_CN locale (only zh_Hans_CN), and pygeoapi builds
            # Locale("zh", "CN") for a request in another Chinese or unknown language: a 500.
            "languages": ["zh", "en-US"],
            "pretty_print": False,
            "manager": {"name": MANAGER, "connection": None, "output_dir": None},
            "limits": {
                "default_items": DEFAULT_ITEMS,
                "max_items": MAX_ITEMS,
                "on_exceed": "error",
            },
            "map": {
                "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "attribution": "&copy; OpenStreetMap contributors",
            },
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": _both("园区生态环境一张图", "Industrial park environment one-map"),
                "description": _both(
                    "园区企业、排放口、监测、敏感目标与管网的 OGC API 要素服务",
                    "OGC API - Features of the park's enterprises, outfalls, monitoring, "
                    "receptors and networks",
                ),
                "keywords": {"zh": ["园区", "生态环境", "一张图"], "en": ["park", "environment"]},
                "keywords_type": "theme",
                "terms_of_service": "https://creativecommons.org/licenses/by/4.0/",
                "url": server_url,
            },
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": _both("园区管理机构", "Park administration"), "url": server_url},
            "contact": {
                "name": _both("园区生态环境部门", "Park environment office"),
                "position": _both("数据管理", "Data management"),
                "url": server_url,
                "role": "pointOfContact",
            },
        },
        "resources": {
            layer.id: collection_config(
                layer,
                database_url,
                server_url,
                extents.get(layer.id, Extent(None, None)),
                zone_srid,
            )
            for layer in layers
        }
        | {analysis.id: process_config(analysis.id, database_url) for analysis in ANALYSES},
    }
