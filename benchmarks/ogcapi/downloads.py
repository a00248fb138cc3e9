"""Whole-layer downloads through GDAL's OAPIF driver, with the clients' default settings.

Two GDALs: Debian's ``ogr2ogr`` (3.6 on Debian 12: pages of 10 unless told ``PAGE_SIZE``) and
the GDAL bundled in pyogrio's wheel (3.10+: sizes its pages from the API's OpenAPI ``limit``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.ogcapi import WORK
from benchmarks.ogcapi.cases import Server

GDAL_TIMEOUT_S = 240
#: Debian's Python, the one python3-qgis is built for.
SYSTEM_PYTHON = "/usr/bin/python3"
QGIS_READ = Path(__file__).with_name("qgis_read.py")


def _describe(label: str, elapsed: float, count: object, urls: list[str]) -> str:
    items = [u for u in urls if "/items" in u]
    limits = sorted({m for u in items for m in re.findall(r"[?&]limit=(\d+)", u)}, key=int)
    return (
        f"{label}: {elapsed:.2f} s, {count} features, {len(urls)} HTTP requests "
        f"({len(items)} items pages, limit={'/'.join(limits) or '?'})"
    )


def _base(server: Server) -> tuple[str, str]:
    """The URL GDAL opens and the layer name, per server."""
    base = {"ours": f"http://127.0.0.1:{server.port}/ogcapi"}.get(
        server.name, f"http://127.0.0.1:{server.port}"
    )
    return base, ("public.enterprises" if server.name == "tipg" else "enterprises")


def gdal_downloads(server: Server) -> list[str]:
    """The whole enterprises layer: ``ogr2ogr`` with GDAL's defaults, then PAGE_SIZE=1000, then
    pyogrio's GDAL with its defaults.

    CPL_DEBUG=ON makes GDAL log every URL it fetches, so the page size it chose and the number
    of requests are read from its own log.
    """
    base, layer = _base(server)
    out = []
    for options in ([], ["-oo", "PAGE_SIZE=1000"]):
        label = "ogr2ogr " + (" ".join(options) or "default settings")
        target = WORK / f"{server.name}-enterprises.gpkg"
        target.unlink(missing_ok=True)
        began = time.perf_counter()
        try:
            done = subprocess.run(
                ["ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{base}", layer, *options],
                capture_output=True, text=True, timeout=GDAL_TIMEOUT_S,
                env={**os.environ, "CPL_DEBUG": "ON"},
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            out.append(f"{label}: over {GDAL_TIMEOUT_S} s, stopped")
            continue
        elapsed = time.perf_counter() - began
        urls = re.findall(r"HTTP: Fetch\(([^)]*)\)", done.stderr)
        if done.returncode != 0:
            out.append(f"{label}: FAILED: {done.stderr.strip()[-200:]}")
            continue
        info = subprocess.run(
            ["ogrinfo", "-so", "-al", str(target)], capture_output=True, text=True
        ).stdout
        found = re.search(r"Feature Count: (\d+)", info)
        out.append(_describe(label, elapsed, found.group(1) if found else "?", urls))
    out.append(modern_gdal_download(server))
    if subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True).returncode:
        out.append("QGIS: not installed (apt-get install --no-install-recommends python3-qgis)")
    else:
        out.append(qgis_download(server))
    return out


def modern_gdal_download(server: Server) -> str:
    """pyogrio's bundled GDAL, default settings, into a GeoPackage (benchmarks.ogcapi.gdal_read)."""
    base, layer = _base(server)
    target = WORK / f"{server.name}-enterprises-pyogrio.gpkg"
    target.unlink(missing_ok=True)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.ogcapi.gdal_read", base, layer, str(target)],
            capture_output=True, text=True, timeout=GDAL_TIMEOUT_S,
            env={**os.environ, "CPL_DEBUG": "ON"},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"pyogrio GDAL default settings: over {GDAL_TIMEOUT_S} s, stopped"
    if done.returncode != 0:
        return f"pyogrio GDAL default settings: FAILED: {done.stderr.strip()[-200:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    label = f"GDAL {result['gdal']} (pyogrio) default settings"
    urls = re.findall(r"HTTP: Fetch\(([^)]*)\)", done.stderr)
    return _describe(label, result["seconds"], result["features"], urls)


def qgis_download(server: Server) -> str:
    """QGIS's OAPIF provider reading the layer whole (benchmarks/ogcapi/qgis_read.py)."""
    base, layer = _base(server)
    try:
        done = subprocess.run(
            [SYSTEM_PYTHON, str(QGIS_READ), base, layer],
            capture_output=True, text=True, timeout=GDAL_TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"QGIS default settings: over {GDAL_TIMEOUT_S} s, stopped"
    printed = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not printed:  # the exit status is no help: QGIS 3.22's bindings crash on the way out
        return f"QGIS default settings: FAILED: {done.stderr.strip()[-200:]}"
    result = json.loads(printed[-1])
    return (
        f"QGIS {result['qgis']} default settings: {result['seconds']:.2f} s, "
        f"{result['features']} features, {len(result['fields'])} fields"
    )
