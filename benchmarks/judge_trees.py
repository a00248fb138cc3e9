"""The judgement of the demo year (alone, and with the loads summed in SQL beside it) by two
checkouts in turns, in one run: the before/after of a change to the judging code.

    git archive COMMIT | tar -x -C /tmp/before       # the tree before the change
    .venv/bin/python benchmarks/sources.py --keep     # the scratch database, at schema head
    .venv/bin/python benchmarks/judge_trees.py /tmp/before [--rounds 4]

Each round runs a fresh process per tree (before, then this checkout) that judges 2025 once to
warm up, then twice alone and twice with ``loads_while``, on ``onemap_bench_sources``. Prints
the medians and minima, the ratio of the medians and the load average during the run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TIMING = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import pandas as pd
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from onemap.database import database_url
from monitoring.quality.judge import judge
from sources.loads import loads_while
engine = create_engine(make_url(database_url()).set(database="onemap_bench_sources"))
start, end = pd.Timestamp("2025-01-01T00:00+08:00"), pd.Timestamp("2026-01-01T00:00+08:00")
judge(engine, start, end)
alone, both = [], []
for _ in range(2):
    t = time.perf_counter(); judge(engine, start, end); alone.append(time.perf_counter() - t)
    t = time.perf_counter(); loads_while(engine, start, end, lambda: judge(engine, start, end))
    both.append(time.perf_counter() - t)
print(json.dumps({"alone": alone, "both": both}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="a checkout of the tree before the change")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    times: dict[str, dict[str, list[float]]] = {k: {"alone": [], "both": []} for k in trees}
    loads = []
    for _ in range(args.rounds):
        for name, tree in trees.items():
            out = subprocess.run(
                [sys.executable, "-c", TIMING, str(tree)],
                capture_output=True, text=True, check=True, cwd="/",
            )  # fmt: skip
            got = json.loads(out.stdout.strip().splitlines()[-1])
            for kind in ("alone", "both"):
                times[name][kind] += got[kind]
            loads.append(os.getloadavg()[0])
    median = statistics.median
    for name in trees:
        alone, both = times[name]["alone"], times[name]["both"]
        print(
            f"{name:<6}  judge alone {median(alone):.2f} s (min {min(alone):.2f})  "
            f"judge ‖ SQL loads {median(both):.2f} s (min {min(both):.2f})  n={len(both)}"
        )
    ratio = {k: median(times["after"][k]) / median(times["before"][k]) for k in ("alone", "both")}
    print(f"after / before (medians): alone {ratio['alone']:.2f}, with loads {ratio['both']:.2f}")
    print(f"load average (1 min) during: {min(loads):.2f} - {max(loads):.2f} on {os.cpu_count()}")


if __name__ == "__main__":
    main()
