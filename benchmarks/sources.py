"""Benchmark of judging a year with the outfalls' loads, before and after the loads moved into
PostgreSQL, side by side in one run (issue 12's budget: judge + loads under 2 s).

    .venv/bin/python benchmarks/sources.py [--repeat 5] [--keep]

A scratch database ``onemap_bench_sources`` on the project's PostGIS server (``onemap db url``
or ONEMAP_DATABASE_URL's) holds the demo park's enterprises, outfalls with their standards and
permit limits, stations, operating-condition points, the standards and the year of
observations; dropped afterwards unless ``--keep``. Each round, in turn:

- before: ``judge`` 2025, then the loads summed in Python from the observations the judgement
  read (``discharge_loads(observations=...)``, the path of ``onemap quality --store`` until now);
- after: the loads summed by the database (``sources.loads.LOADS_SQL``) on a second connection
  while the judgement runs (``sources.loads.loads_while``, what ``--store`` does now);
- judge alone, the floor of both.

The two agree (the table says so). The machine is shared: the load average is printed beside
the medians, and only the ratio of one run means much.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.monitoring import drop, scratch  # noqa: E402
from etl.load import load_file  # noqa: E402
from monitoring.quality.judge import judge  # noqa: E402
from onemap.database import database_url  # noqa: E402
from sources.loads import discharge_loads, loads_while  # noqa: E402

NAME = "onemap_bench_sources"
LAYERS = (
    "enterprises", "rivers", "sewer_nodes", "outfalls", "permit_limits", "stations",
    "operating_conditions",
)  # fmt: skip
KEY = ["outfall_code", "parameter", "interval", "period_start"]


def _load_demo(url: str) -> int:
    engine = create_engine(url)
    try:
        for layer_id in LAYERS:
            path = ROOT / "data/demo" / f"{layer_id}.csv"
            load_file(path if path.exists() else path.with_suffix(".geojson"), layer_id, engine)
        report = load_file(ROOT / "data/demo/observations.csv.gz", "observations", engine)
        for path in sorted((ROOT / "data/standards").glob("*.csv")):
            load_file(path, "standard_limits", engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
        return report.inserted
    finally:
        engine.dispose()


def _same(before: pd.DataFrame, after: pd.DataFrame) -> str:
    merged = before.merge(after, on=KEY, suffixes=("_b", "_a"))
    if len(merged) != len(before) or len(before) != len(after):
        return f"NO: {len(before)} vs {len(after)} rows"
    relative = np.abs(merged["load_kg_b"] - merged["load_kg_a"]) / merged["load_kg_b"].abs()
    return f"yes ({len(before):,} rows, largest relative difference {relative.max():.1e})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    server = database_url()
    url = scratch(server, NAME)
    try:
        rows = _load_demo(url)
        engine = create_engine(url)
        start = pd.Timestamp("2025-01-01T00:00+08:00")
        end = pd.Timestamp("2026-01-01T00:00+08:00")
        judge(engine, start, end)  # warm the caches of both sides once
        before_s, after_s, alone_s, loads_s = [], [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            judged = judge(engine, start, end)
            t1 = time.perf_counter()
            before = discharge_loads(engine, start, end, observations=judged.observations)
            t2 = time.perf_counter()
            _, after = loads_while(engine, start, end, lambda: judge(engine, start, end))
            t3 = time.perf_counter()
            alone_s.append(t1 - t0)
            loads_s.append(t2 - t1)
            before_s.append(t2 - t0)
            after_s.append(t3 - t2)
        engine.dispose()
        median = statistics.median
        table = [
            ("observations", f"{rows:,}"),
            ("load average (1 min), end", f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"),
            ("judge 2025 alone: median / min s", f"{median(alone_s):.2f} / {min(alone_s):.2f}"),
            ("before: loads in Python after judging: median s", f"{median(loads_s):.2f}"),
            (
                "before: judge + loads: median / min s",
                f"{median(before_s):.2f} / {min(before_s):.2f}  (target < 2)",
            ),
            (
                "after: judge ‖ loads in SQL: median / min s",
                f"{median(after_s):.2f} / {min(after_s):.2f}  (target < 2)",
            ),
            ("after / before (medians)", f"{median(after_s) / median(before_s):.2f}"),
            ("same loads", _same(before, after)),
        ]
    finally:
        if not args.keep:
            drop(server, NAME)
    width = max(len(name) for name, _ in table)
    print(f"{'measurement':<{width}}  result")
    for name, value in table:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
