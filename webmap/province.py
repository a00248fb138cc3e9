"""The provincial map's page (served at ``/province`` by ``geoapi.province``).

A plain HTML document with Leaflet from ``static/vendor`` over the configured tile server
(``ONEMAP_TILE_URL``; none by default: the parks' own hillshades do not join up).
``static/province.js`` asks ``/province/parks`` for the table of parks and the layers this user
may read, and each layer's harvested features from ``/province/collections/{id}/items``
(``park=`` when one park is chosen). No inline script or style: the strict
Content-Security-Policy holds unchanged.
"""

from __future__ import annotations

from html import escape

from webmap.page import STATIC_URL, basemap


def build_province_page(root: str = "") -> str:
    """The page's HTML; ``root`` is the app's script root ('' when served at the host root)."""
    static = escape(f"{root}{STATIC_URL}")
    tiles = basemap(root, None)  # the configured tile server (ONEMAP_TILE_URL), else none
    tile_attributes = (
        f' data-tiles="{escape(tiles["tiles"])}" data-attribution="{escape(tiles["attribution"])}"'
        if tiles.get("tiles")
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>省级生态环境一张图 / Provincial one map</title>
<link rel="icon" href="{escape(root)}/webmap/icon-192.png">
<link rel="stylesheet" href="{static}/vendor/leaflet/leaflet.css">
<link rel="stylesheet" href="{static}/province.css">
<script src="{static}/vendor/leaflet/leaflet.js"></script>
<script src="{static}/province.js" defer></script>
</head>
<body data-root="{escape(root)}"{tile_attributes}>
<header class="pv-header">
  <h1>省级生态环境一张图 <span lang="en">Provincial one map</span></h1>
  <label for="pv-park">园区 / Park</label>
  <select id="pv-park"><option value="">全部园区 / All parks</option></select>
  <span id="pv-status" role="status"></span>
</header>
<main class="pv-main">
  <div id="pv-map" aria-label="地图 / map"></div>
  <aside class="pv-side">
    <fieldset id="pv-layers"><legend>图层 / Layers</legend></fieldset>
    <table id="pv-parks">
      <caption>园区一览 / Parks</caption>
      <thead><tr>
        <th scope="col">园区<br><span lang="en">Park</span></th>
        <th scope="col">企业<br><span lang="en">Enterprises</span></th>
        <th scope="col">重大/较大风险<br><span lang="en">Major / larger risk</span></th>
        <th scope="col">未处理报警<br><span lang="en">Open alerts</span></th>
        <th scope="col">今日AQI<br><span lang="en">AQI today</span></th>
        <th scope="col">数据获取率<br><span lang="en">Data capture</span></th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </aside>
</main>
</body>
</html>
"""
