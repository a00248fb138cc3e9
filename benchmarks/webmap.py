"""Benchmark of the one-map page in headless Chromium, on the demo park served from localhost.

    .venv/bin/python benchmarks/webmap.py [--repeat 5] [--points 50000] [--keep]

A scratch database ``onemap_bench_webmap`` on the project's PostGIS server (``onemap db url`` or
ONEMAP_DATABASE_URL's) gets the demo park, plus ``--points`` sewer nodes scattered over the
park for the dense case (a layer off at start, drawn from its min_zoom); it is dropped
afterwards unless ``--keep``. The app is served by werkzeug's threaded server on 127.0.0.1.
Each run opens the page in a fresh browser context (cold cache) and measures:

- the time from navigation until every layer on at start has drawn (each layer's feature count
  set by the page), median and p90 over ``--repeat`` runs;
- the bytes the page transferred (response bodies as sent on the wire, so compressed when the
  server compresses), and how many of them were the layers' features (``/items`` requests);
- the longest main-thread task (PerformanceObserver ``longtask``: tasks over 50 ms) and the total
  blocking time (Σ of each long task's time beyond 50 ms) until then: what a user feels as a
  frozen page while the layers arrive;

first for the demo, then with the dense layer on. Then the phone case (Jiangsu 7.1.2): a
390 × 844 viewport with the CPU throttled 4× (Chromium's DevTools emulation), the time from
navigation until the overview for decision makers shows its figures (the bar's first sheet,
tapped as soon as the bar offers it).
Prints one table, ratios side by side.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.load import load_file  # noqa: E402
from layers import REGISTRY  # noqa: E402
from onemap.commands.demo import layer_file  # noqa: E402
from onemap.database import database_url, engine_for  # noqa: E402

DB = "onemap_bench_webmap"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Every layer on at start has drawn (features, a status, or its view loaded and empty, as the
#: alerts of a database never judged), and none is still loading.
DRAWN = """() => {
  const app = window.onemap;
  if (!app || !app.map.getContainer().dataset.ready) return false;
  return Object.values(app.layers).every((s) => !app.map.hasLayer(s.holder)
    || (!s.loading && s.status !== app.t("loading") && (s.count > 0 || s.status || s.loaded)));
}"""
#: Installed before the page's own scripts: every long task of the main thread, kept on window.
LONG_TASKS = """(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push(e.duration);
  }).observe({ type: "longtask", buffered: true });
})();"""
#: A task over this many milliseconds counts as blocking (the longtask API's own threshold).
BLOCKING_MS = 50


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def make_database(points: int) -> str:
    server = make_url(database_url())
    with psycopg.connect(
        _libpq(server.set(database="postgres").render_as_string(False)), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    url = server.set(database=DB).render_as_string(hide_password=False)
    from onemap import migrate

    migrate.upgrade(url)
    engine = engine_for(url)
    for layer in REGISTRY:
        path = layer_file(ROOT / "data" / "demo", layer.id)
        if path is not None:
            load_file(path, layer.id, engine)
    engine.dispose()
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        # the dense layer: sewer nodes (off at start, drawn from zoom 15) over the park's extent
        conn.execute(
            """
            INSERT INTO sewer_nodes (code, kind, geom)
            SELECT 'BENCH-' || g, 'manhole',
                   ST_SetSRID(ST_MakePoint(119.998 + random() * 0.063,
                                           32.008 + random() * 0.050), 4326)
            FROM generate_series(1, %s) g
            """,
            (points,),
        )
        conn.execute("ANALYZE")
    return url


def serve(url: str) -> tuple[str, Any]:
    from geoapi.app import create_app

    holder: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        return holder["app"](environ, start_response)

    # werkzeug logs every request at INFO: thousands of lines per run, and time spent on them
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    root = f"http://127.0.0.1:{server.server_port}"
    holder["app"] = create_app(url, root + "/ogcapi")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return root, server


@dataclass(frozen=True)
class Run:
    """One page load: seconds to drawn, bytes on the wire (all, features), long tasks (ms)."""

    seconds: float
    bytes_total: int
    bytes_items: int
    longest_task_ms: float
    blocking_ms: float


def measure(playwright: Any, root: str, extra_layer: str | None) -> Run:
    context = playwright.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="onemap-bench-"),
        executable_path=CHROMIUM,
        headless=True,
        args=ARGS,
        viewport={"width": 1400, "height": 900},
    )
    context.add_init_script(LONG_TASKS)
    page = context.new_page()
    sizes: list[tuple[str, int]] = []
    page.on("requestfinished", lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
    start = time.perf_counter()
    page.goto(root + "/")
    if extra_layer:
        # switched on, and zoomed in to where the layer draws (its min_zoom), at the park centre
        page.wait_for_selector(".leaflet-container[data-ready]")
        page.evaluate(
            """(id) => { const app = window.onemap, s = app.layers[id];
              s.holder.addTo(app.map);
              const zoom = Math.max(app.map.getZoom(), s.cfg.style.min_zoom || 0);
              app.map.setZoom(zoom, {animate: false});
              app.load(s); }""",
            extra_layer,
        )
    page.wait_for_function(DRAWN, timeout=120_000, polling=20)
    elapsed = time.perf_counter() - start
    page.wait_for_timeout(200)
    tasks: list[float] = page.evaluate("window.__longTasks")
    context.close()
    return Run(
        seconds=elapsed,
        bytes_total=sum(size for _, size in sizes),
        bytes_items=sum(size for url, size in sizes if "/items?" in url),
        longest_task_ms=max(tasks, default=0.0),
        blocking_ms=sum(t - BLOCKING_MS for t in tasks if t > BLOCKING_MS),
    )


#: The phone case: viewport and CPU slow-down (Emulation.setCPUThrottlingRate).
PHONE_VIEWPORT = {"width": 390, "height": 844}
PHONE_CPU_SLOWDOWN = 4
#: The overview has its figures (overview.js marks the map) and shows them.
OVERVIEW_DRAWN = """() => {
  const map = document.querySelector(".leaflet-container");
  const air = document.querySelector(".om-overview .om-ov-air");
  return map && map.dataset.overview === "ready" && air && air.offsetParent !== null;
}"""


def measure_phone(playwright: Any, root: str) -> float:
    """Seconds from navigation to the overview drawn, on a throttled phone-sized page."""
    context = playwright.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix="onemap-bench-phone-"),
        executable_path=CHROMIUM,
        headless=True,
        args=ARGS,
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU_SLOWDOWN})
    start = time.perf_counter()
    page.goto(root + "/")
    # on a phone the overview is the bar's first sheet: tapped as soon as the bar offers it
    page.tap(".om-bar button[data-panel=overview]", timeout=120_000)
    page.wait_for_function(OVERVIEW_DRAWN, timeout=120_000, polling=20)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"loading the demo park and {args.points} sewer nodes into {DB} …", flush=True)
    url = make_database(args.points)
    root, server = serve(url)
    rows = []
    try:
        with sync_playwright() as playwright:
            measure(playwright, root, None)  # warm the server (pygeoapi, the hillshade)
            for label, extra in (
                ("demo, default layers", None),
                (f"+ {args.points:,} sewer nodes", "sewer_nodes"),
            ):
                runs = [measure(playwright, root, extra) for _ in range(args.repeat)]
                rows.append((label, runs))
            phone = sorted(measure_phone(playwright, root) for _ in range(args.repeat))
    finally:
        server.shutdown()
        if not args.keep:
            from geoapi.catalog import dispose_engines

            dispose_engines()
            server_url = make_url(url).set(database="postgres")
            with psycopg.connect(
                _libpq(server_url.render_as_string(False)), autocommit=True
            ) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    print(
        f"\n{'case':<28}{'median s':>10}{'p90 s':>9}{'× demo':>8}{'MB':>8}{'items MB':>10}"
        f"{'longest task ms':>17}{'TBT ms':>9}"
    )
    base = statistics.median(r.seconds for r in rows[0][1])
    for label, runs in rows:
        times = sorted(r.seconds for r in runs)
        p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
        median = statistics.median(times)
        print(
            f"{label:<28}{median:>10.3f}{p90:>9.3f}{median / base:>8.2f}"
            f"{statistics.median(r.bytes_total for r in runs) / 1e6:>8.2f}"
            f"{statistics.median(r.bytes_items for r in runs) / 1e6:>10.2f}"
            f"{statistics.median(r.longest_task_ms for r in runs):>17.0f}"
            f"{statistics.median(r.blocking_ms for r in runs):>9.0f}"
        )
    print("medians over the runs; target: median under 1.5 s to a fully drawn demo map")
    p90 = phone[min(len(phone) - 1, round(0.9 * (len(phone) - 1)))]
    print(
        f"\n{'phone 390×844, CPU ÷' + str(PHONE_CPU_SLOWDOWN):<28}{'median s':>10}{'p90 s':>9}"
        f"\n{'overview drawn':<28}{statistics.median(phone):>10.3f}{p90:>9.3f}"
    )
    print("target: the overview drawn in under 2 s median")


if __name__ == "__main__":
    main()
