"""Where QGIS's time goes when it reads the 20,000 benchmark points: the server's share (its pages
as QGIS asks for them) beside QGIS's own work, with QGIS's default page and with the ready
project's (``pageSize``, ``qgisproject.project.PAGE_SIZE``), alternating, in one run.

    .venv/bin/python -m benchmarks.ogcapi.qgis_share [--rounds 4]

Needs Debian's ``python3-qgis`` (QGIS 3.22 on Debian 12), run by the system Python; the scratch
database is the OGC API benchmark's (``benchmarks.ogcapi.data``), dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import time
import urllib.request

from benchmarks.ogcapi import WORK
from benchmarks.ogcapi.data import drop_database, make_database
from benchmarks.ogcapi.downloads import SYSTEM_PYTHON
from benchmarks.ogcapi.servers import start_ours, stop
from onemap.database import database_url
from qgisproject.project import PAGE_SIZE

#: QGIS 3.22's User-Agent (the server answers it without per-feature links, as QGIS itself).
QGIS_AGENT = "Mozilla/5.0 QGIS/32216"

#: Run by the system Python: open the layer, read every feature, print the times as JSON.
READ = """
import json, os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
began = time.perf_counter()
layer = QgsVectorLayer(sys.argv[1], "layer", "OAPIF")
opened = time.perf_counter()
count = sum(1 for _ in layer.getFeatures())
done = time.perf_counter()
print(json.dumps({"valid": layer.isValid(), "open": opened - began, "read": done - opened,
                  "features": count}))
"""


def _server_page_s(base: str, limit: int) -> float:
    """Median seconds of one first page of ``limit`` features as QGIS asks for it."""
    url = f"{base}/collections/enterprises/items?limit={limit}&f=json"
    request = urllib.request.Request(url, headers={"User-Agent": QGIS_AGENT})
    times = []
    for _ in range(7):
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _qgis_read(base: str, extra: str) -> dict[str, float]:
    source = f"{extra} url='{base}' typename='enterprises'".strip()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", READ, source],
        capture_output=True, text=True, env=env, cwd=WORK, timeout=600, check=False,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    printed = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not printed:
        raise SystemExit(f"QGIS failed: {done.stderr.strip()[-300:]}")
    result: dict[str, float] = json.loads(printed[-1])
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    server = database_url()
    url = make_database(server)
    srv = start_ours(url)
    load_start = os.getloadavg()[0]
    cases = {
        "QGIS default (1,000)": "",
        f"ready project ({PAGE_SIZE:,})": f"pageSize='{PAGE_SIZE}'",
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
    try:
        base = f"http://127.0.0.1:{srv.port}/ogcapi"
        page_1000 = _server_page_s(base, 1000)
        page_big = _server_page_s(base, PAGE_SIZE)
        for _ in range(args.rounds):
            for name, extra in cases.items():
                runs[name].append(_qgis_read(base, extra))
    finally:
        stop(srv)
        drop_database(server)
    print(f"load average (1 min) at start {load_start:.1f}, at end {os.getloadavg()[0]:.1f}")
    print(f"server, one page as QGIS asks: 1,000 features {page_1000 * 1000:.1f} ms, "
          f"{PAGE_SIZE:,} features {page_big * 1000:.1f} ms")  # fmt: skip
    print(f"server's share of 20,000 features: {20 * page_1000:.2f} s by 1,000, "
          f"{20_000 / PAGE_SIZE * page_big:.2f} s by {PAGE_SIZE:,}")  # fmt: skip
    print()
    print("| QGIS 3.22 reads 20,000 points | open | read, median | read, min | QGIS CPU |")
    print("|---|---:|---:|---:|---:|")
    for name, results in runs.items():
        reads = [r["read"] for r in results]
        print(
            f"| {name} | {statistics.median(r['open'] for r in results):.2f} s "
            f"| {statistics.median(reads):.2f} s | {min(reads):.2f} s "
            f"| {statistics.median(r['cpu'] for r in results):.2f} s |"
        )


if __name__ == "__main__":
    main()
