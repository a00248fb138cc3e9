"""The page as an installable web app (Jiangsu 7.1.2, the mobile client): its manifest, its
icons and its service worker, all served by the app (nothing from outside).

The service worker (``static/sw.js``) is served at ``/sw.js`` so that its scope is the whole
page. It is sent with the list of the page's own files and a version derived from their
contents, so a new release replaces the cached shell on the next visit. What it keeps and when
is written in the worker itself.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from pathlib import Path

from flask import Blueprint, Response, abort, request

SW_PATH = "/sw.js"
MANIFEST_PATH = "/manifest.webmanifest"
ICON_PATH = "/webmap/icon-<int:size>.png"
#: The icon sizes Chromium asks for to install an app (192 and 512 px squares).
ICON_SIZES = (192, 512)
THEME = "#1b6e4a"  # the park's green, also the manifest's theme colour
BACKGROUND = "#ffffff"


def manifest(root: str) -> dict[str, object]:
    """The web app manifest (W3C Web Application Manifest) for an app served under ``root``."""
    return {
        "name": "园区生态环境一张图 / Park environment one-map",
        "short_name": "一张图",
        "description": "园区生态环境管理一张图 / The park's environmental one-map",
        "lang": "zh-CN",
        "start_url": f"{root}/",
        "scope": f"{root}/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": THEME,
        "icons": [
            {
                "src": f"{root}/webmap/icon-{size}.png",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ],
    }


@functools.cache
def icon_png(size: int) -> bytes:
    """The app's icon, drawn here rather than shipped as a binary: a map pin on the park's green."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), THEME)
    draw = ImageDraw.Draw(image)
    u = size / 16  # the drawing's unit: the icon is 16 units square
    # a pin: a circle with a point below it, and a hole in the circle
    draw.ellipse((4 * u, 2.5 * u, 12 * u, 10.5 * u), fill=BACKGROUND)
    draw.polygon(((4.6 * u, 8.2 * u), (11.4 * u, 8.2 * u), (8 * u, 14 * u)), fill=BACKGROUND)
    draw.ellipse((6.2 * u, 4.7 * u, 9.8 * u, 8.3 * u), fill=THEME)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def shell_files(static_dir: Path, static_url: str) -> list[str]:
    """The page's own files under ``static_url`` (the worker caches them at install)."""
    return sorted(
        f"{static_url}/{path.relative_to(static_dir).as_posix()}"
        for path in static_dir.rglob("*")
        if path.is_file() and not path.name.startswith(".") and path.name != "sw.js"
    )


@functools.cache
def worker_source(static_dir: Path, static_url: str, root: str) -> tuple[str, str]:
    """The worker's script with its shell list and version filled in, and that version."""
    files = [f"{root}/"] + [root + f for f in shell_files(static_dir, static_url)]
    digest = hashlib.sha256()
    for name in sorted(static_dir.rglob("*")):
        if name.is_file() and not name.name.startswith("."):
            digest.update(name.relative_to(static_dir).as_posix().encode())
            digest.update(name.read_bytes())
    version = digest.hexdigest()[:12]
    settings = {"version": version, "shell": files, "root": root}
    source = (static_dir / "sw.js").read_text(encoding="utf-8")
    return source.replace("/*SETTINGS*/{}", json.dumps(settings)), version


def install(blueprint: Blueprint, static_dir: Path, static_url: str) -> None:
    """Add the manifest, the icons and the worker to the page's ``blueprint``."""

    @blueprint.get(MANIFEST_PATH)
    def web_manifest() -> Response:
        body = json.dumps(manifest(request.script_root), ensure_ascii=False)
        response = Response(body, mimetype="application/manifest+json")
        response.cache_control.max_age = 3600
        return response

    @blueprint.get(ICON_PATH)
    def app_icon(size: int) -> Response:
        if size not in ICON_SIZES:
            abort(404)
        response = Response(icon_png(size), mimetype="image/png")
        response.cache_control.max_age = 86400
        return response

    @blueprint.get(SW_PATH)
    def service_worker() -> Response:
        source, version = worker_source(static_dir, static_url, request.script_root)
        response = Response(source, mimetype="text/javascript")
        # the browser must see a new release at once (it checks the worker on each visit)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["ETag"] = f'"{version}"'
        return response
