"""Entry point: ``python -m benchmarks.ogcapi`` (see the package docstring)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

import benchmarks.ogcapi
from benchmarks.ogcapi import WORK
from benchmarks.ogcapi.cases import CASES
from benchmarks.ogcapi.data import DB_NAME, drop_database, libpq_url, make_database
from benchmarks.ogcapi.downloads import gdal_downloads
from benchmarks.ogcapi.load import CONNECTIONS, Result, floor, wrk
from benchmarks.ogcapi.report import NAMES, report
from benchmarks.ogcapi.servers import start_ours, start_pygeoapi, start_tipg, stop
from onemap.database import database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=benchmarks.ogcapi.__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured cell")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded seconds before a cell")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--skip-peers", action="store_true", help="ours and the floor only")
    parser.add_argument("--skip-gdal", action="store_true", help="no ogr2ogr downloads")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")
    WORK.mkdir(parents=True, exist_ok=True)
    server = database_url()
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    print(f"database {DB_NAME}: generating 20,000 points and 100,000 lines ...", flush=True)
    url = make_database(server)
    print(f"  done in {time.monotonic() - started:.1f} s", flush=True)

    results: dict[str, dict[str, Result]] = {}
    downloads: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    starters = {"ours": start_ours}
    if not args.skip_peers:
        starters |= {"pygeoapi": start_pygeoapi, "tipg": start_tipg}
    try:
        for name, start in starters.items():
            print(f"{name}: starting ...", flush=True)
            try:
                srv = start(url)
            except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
                errors[name] = f"could not start: {exc}"
                print(f"  {errors[name]}", flush=True)
                continue
            try:
                results[name] = {}
                for case in CASES:
                    results[name][case.key] = r = wrk(
                        srv.url(case),
                        args.duration,
                        args.warmup,
                        srv.process.pid if srv.process else None,
                    )
                    print(f"  {case.title}: {r.rps:.1f} req/s, {r.bytes:,} B", flush=True)
                if not args.skip_gdal and shutil.which("ogr2ogr"):
                    downloads[name] = gdal_downloads(srv)
            finally:
                stop(srv)
        print("SQL floor ...", flush=True)
        results["floor"] = {}
        for case in CASES:
            results["floor"][case.key] = r = floor(libpq_url(url), case, args.duration)
            print(f"  {case.title}: {r.rps:.1f} queries/s", flush=True)
    finally:
        if not args.keep:
            drop_database(server)
    print()
    print(f"load average (1 min) at start {load_start:.1f}, at end {os.getloadavg()[0]:.1f}")
    print(
        f"OGC API benchmark: wrk -t2 -c{CONNECTIONS} -d{args.duration}s (keep-alive), "
        f"{args.warmup} s warm-up; 2 workers per server; loopback; {os.cpu_count()} CPUs shared "
        "by load generator, servers and PostgreSQL"
    )
    print(report(results, errors))
    if downloads:
        print("\nThe 20,000 enterprises into a GeoPackage through GDAL's OAPIF driver:")
        for name, lines in downloads.items():
            for line in lines:
                print(f"  {NAMES[name]}: {line}")
    print(f"\nwhole run {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
