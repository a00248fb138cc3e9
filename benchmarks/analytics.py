"""Benchmark of the analyses: one table of median / p90 milliseconds per analysis, in one run.

    .venv/bin/python benchmarks/analytics.py [--repeat 20] [--keep]

Scratch databases are created on the project's PostGIS server (the one `onemap db url` gives,
or ONEMAP_DATABASE_URL's) and dropped afterwards unless ``--keep``:

- ``onemap_bench_demo``: the demo park (data/demo), every layer loaded;
- ``onemap_bench_net_<N>``: a generated sewage network of N pipes (1k, 10k, 100k) — a random
  spanning tree of a 40 m street grid draining to one WWTP inlet in a corner, with a few loops,
  a detached piece and a connection well with an enterprise and outfall every 25 nodes.

Each analysis is called through the registry on a pooled engine (``run_analysis``), as the CLI
and the OGC API call it; the time includes the queries, not serialising the result to JSON.
Network traces are timed warm (the graph cached for the database state, as a service runs)
and cold (the graph rebuilt from the tables on every call).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from pyproj import Transformer
from scipy.sparse import coo_array
from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.network_graph import clear_cache  # noqa: E402
from analytics.registry import run_analysis  # noqa: E402
from etl.load import load_file  # noqa: E402
from layers.credit_code import check_character  # noqa: E402
from onemap import migrate  # noqa: E402
from onemap.database import database_url  # noqa: E402

DEMO = ROOT / "data" / "demo"
DEMO_LAYERS = ("park", "zones", "enterprises", "rivers", "sewer_nodes", "sewer_pipes",
               "outfalls", "receptors", "stations", "observations", "hazard_sources",
               "emergency_supplies", "shelters", "emergency_teams", "risk_control_points",
               "facilities", "cameras")  # fmt: skip
SIZES = (1_000, 10_000, 100_000)
SPACING_M = 40.0
Row = tuple[str, str, int, float, float]


# --- scratch databases -------------------------------------------------------------------


def _libpq(url: str, database: str) -> str:
    parsed = make_url(url).set(drivername="postgresql", database=database)
    return parsed.render_as_string(hide_password=False)


def fresh_database(server: str, name: str) -> str:
    with psycopg.connect(_libpq(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    return url


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(_libpq(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_demo(engine: Engine) -> None:
    for layer in DEMO_LAYERS:
        path = next(p for p in DEMO.glob(f"{layer}.*") if p.suffix in (".geojson", ".csv", ".gz"))
        load_file(path, layer, engine)


# --- a generated sewer network -----------------------------------------------------------


def _credit_code(n: int) -> str:
    first17 = f"91320000MA{n:07d}"
    return first17 + check_character(first17)


def generate_network(engine: Engine, pipes: int, seed: int = 7) -> str:
    """Insert a sewage network of ``pipes`` pipes; returns the WWTP inlet's code.

    A grid of nodes 40 m apart; random edge weights and their minimum spanning tree give a
    dendritic network; every pipe points towards the inlet at node 0. Then 0.5 % extra pipes
    between grid neighbours (loops of a combined system) and a detached piece of 10 pipes.
    """
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(pipes + 1)))
    count = side * side
    ij = np.indices((side, side)).reshape(2, -1).T
    index = ij[:, 0] * side + ij[:, 1]
    right = index[ij[:, 1] < side - 1]
    down = index[ij[:, 0] < side - 1]
    a = np.concatenate([right, down])
    b = np.concatenate([right + 1, down + side])
    weights = rng.random(len(a)) + 0.01
    tree = minimum_spanning_tree(coo_array((weights, (a, b)), shape=(count, count)).tocsr())
    order, parent = breadth_first_order(tree, 0, directed=False, return_predecessors=True)
    children = order[1 : pipes + 1]  # keep exactly `pipes` pipes: the nearest nodes to the root
    keep = np.zeros(count, dtype=bool)
    keep[order[: pipes + 1]] = True
    tails, heads = list(children), list(parent[children])
    extra = max(pipes // 200, 1)
    inside = np.flatnonzero(keep[a] & keep[b])
    for k in rng.choice(inside, extra, replace=False):
        tails.append(int(b[k]))
        heads.append(int(a[k]))
    x, y = ij[:, 1] * SPACING_M, ij[:, 0] * SPACING_M
    to_lonlat = Transformer.from_crs(
        "+proj=aeqd +lat_0=32.0 +lon_0=120.0 +datum=WGS84 +units=m", "EPSG:4326", always_xy=True
    )
    lon, lat = (np.asarray(v).tolist() for v in to_lonlat.transform(x, y))
    used = np.flatnonzero(keep)
    kinds = np.full(count, "manhole", dtype=object)
    wells = used[1::25]
    kinds[wells] = "connection_well"
    kinds[0] = "wwtp_inlet"
    detached = [(f"D{i}", f"D{i + 1}") for i in range(10)]
    dx = x.max() + 500.0
    d_lon, d_lat = (
        np.asarray(v).tolist()
        for v in to_lonlat.transform(dx + SPACING_M * np.arange(11), np.zeros(11))
    )

    def copy(sql: str, rows: list[str]) -> None:
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur, cur.copy(sql) as out:  # type: ignore[attr-defined]
                out.write("".join(rows))
            raw.commit()
        finally:
            raw.close()

    copy(
        "COPY sewer_nodes (code, kind, geom) FROM STDIN",
        [f"N{n}\t{kinds[n]}\tSRID=4326;POINT({lon[n]!r} {lat[n]!r})\n" for n in used]
        + [f"D{i}\tmanhole\tSRID=4326;POINT({d_lon[i]!r} {d_lat[i]!r})\n" for i in range(11)],
    )
    pipe_rows = []
    for k, (t, h) in enumerate(zip(map(int, tails), map(int, heads), strict=True)):
        length = float(np.hypot(x[t] - x[h], y[t] - y[h]))
        line = f"SRID=4326;LINESTRING({lon[t]!r} {lat[t]!r}, {lon[h]!r} {lat[h]!r})"
        pipe_rows.append(f"P{k}\tsewage\t{length}\tN{t}\tN{h}\t{line}\n")
    for k, (t, h) in enumerate(detached):
        i, j = int(t[1:]), int(h[1:])
        line = f"SRID=4326;LINESTRING({d_lon[i]!r} {d_lat[i]!r}, {d_lon[j]!r} {d_lat[j]!r})"
        pipe_rows.append(f"DP{k}\tsewage\t{SPACING_M}\t{t}\t{h}\t{line}\n")
    copy(
        "COPY sewer_pipes (code, system, length_m, from_node, to_node, geom) FROM STDIN", pipe_rows
    )
    copy(
        "COPY enterprises (name, credit_code, geom) FROM STDIN",
        [f"企业{n}\t{_credit_code(n)}\tSRID=4326;POINT({lon[n]!r} {lat[n]!r})\n" for n in wells],
    )
    copy(
        "COPY outfalls (code, credit_code, kind, sewer_node, geom) FROM STDIN",
        [
            f"W{n}\t{_credit_code(n)}\twastewater\tN{n}\tSRID=4326;POINT({lon[n]!r} {lat[n]!r})\n"
            for n in wells
        ],
    )
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return "N0"


# --- timing ------------------------------------------------------------------------------


def timed(label: str, case: str, calls: list[Callable[[], Any]]) -> Row:
    calls[0]()  # warm the pool, the caches and the code paths once
    spent = []
    for call in calls:
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000.0)
    values = np.array(spent)
    return (label, case, len(spent), float(np.median(values)), float(np.percentile(values, 90)))


def demo_rows(engine: Engine, repeat: int) -> list[Row]:
    with engine.connect() as conn:
        credits = [
            r[0] for r in conn.execute(text("SELECT credit_code FROM enterprises ORDER BY id"))
        ]
        inlet = conn.execute(
            text("SELECT code FROM sewer_nodes WHERE kind='wwtp_inlet'")
        ).scalar_one()
        hazards = [
            r[0]
            for r in conn.execute(text("SELECT ST_AsGeoJSON(geom) FROM hazard_sources ORDER BY id"))
        ]
    episodes = json.loads((DEMO / "episodes.json").read_text(encoding="utf-8"))["episodes"]
    air = [e for e in episodes if e["medium"] == "air"]
    starts = [
        datetime.fromisoformat(air[k % len(air)]["start"]) + timedelta(days=k // len(air))
        for k in range(repeat)
    ]
    stations = [air[k % len(air)]["affected"]["station_code"] for k in range(repeat)]

    def run(analysis: str, params: dict[str, Any]) -> Callable[[], Any]:
        return lambda: run_analysis(analysis, params, engine)

    def cold(params: dict[str, Any]) -> Callable[[], Any]:
        return lambda: (clear_cache(), run_analysis("network-trace", params, engine))

    whole = {"network": "sewer", "start": inlet, "max_distance_m": 200000}
    return [
        timed("receptor-screening", f"each demo enterprise ({len(credits)})",
              [run("receptor-screening", {"site": f"enterprise:{c}"}) for c in credits]),
        timed("receptor-screening", "park boundary",
              [run("receptor-screening", {"site": "park"})] * repeat),
        timed("wind-sector-trace", "24 h, air station, pollutant", [
            run("wind-sector-trace", {"receptor": f"station:{s}", "start": t.isoformat(),
                                      "end": (t + timedelta(hours=24)).isoformat(),
                                      "pollutant": "a21026"})
            for s, t in zip(stations, starts, strict=True)]),
        timed("back-trajectory", "24 h, step 300 s", [
            run("back-trajectory", {"receptor": f"station:{s}", "hours": 24,
                                    "arrival_time": (t + timedelta(hours=24)).isoformat()})
            for s, t in zip(stations, starts, strict=True)]),
        timed("network-trace", "demo, upstream of WWTP inlet, 5 km",
              [run("network-trace", {"network": "sewer", "start": inlet})] * repeat),
        timed("network-trace", "demo, WWTP inlet, whole network",
              [run("network-trace", whole)] * repeat),
        timed("network-trace", "demo, WWTP inlet, whole, cold graph", [cold(whole)] * repeat),
        timed("network-trace", "demo, river downstream 20 km", [
            run("network-trace", {"network": "river", "start": "reach:ZXH-01",
                                  "direction": "downstream", "max_distance_m": 20000})] * repeat),
        timed("emergency-response", f"each demo major hazard installation ({len(hazards)})",
              [run("emergency-response", {"site": h, "time": starts[k % len(starts)].isoformat()})
               for k, h in enumerate(hazards)]),
        timed("emergency-response", "each demo enterprise, chemical given",
              [run("emergency-response", {"site": f"enterprise:{c}", "chemical": "7782-50-5",
                                          "time": starts[k % len(starts)].isoformat()})
               for k, c in enumerate(credits)]),
    ]  # fmt: skip


NETWORK_CASES = (
    ("inlet, 5 km", {}),
    ("inlet, 5 km, results only", {"include_network": False}),
    ("inlet, whole network, results only", {"max_distance_m": 200000, "include_network": False}),
    ("inlet, whole network", {"max_distance_m": 200000}),
)


def network_rows(engine: Engine, size: int, inlet: str, repeat: int) -> list[Row]:
    def run(params: dict[str, Any]) -> Callable[[], Any]:
        return lambda: run_analysis("network-trace", params, engine)

    def cold(params: dict[str, Any]) -> Callable[[], Any]:
        return lambda: (clear_cache(), run_analysis("network-trace", params, engine))

    base = {"network": "sewer", "start": inlet}
    rows = [
        timed("network-trace", f"{size:,} pipes, {case}", [run({**base, **extra})] * repeat)
        for case, extra in NETWORK_CASES
    ]
    cold_calls = [cold(base)] * max(repeat // 2, 3)
    rows.append(timed("network-trace", f"{size:,} pipes, inlet, 5 km, cold graph", cold_calls))
    return rows


def print_table(rows: list[Row]) -> None:
    width = max(len(r[1]) for r in rows)
    print(f"{'analysis':<20} {'case':<{width}} {'n':>4} {'median ms':>10} {'p90 ms':>9}")
    print("-" * (20 + width + 27))
    for analysis, case, n, median, p90 in rows:
        print(f"{analysis:<20} {case:<{width}} {n:>4} {median:>10.1f} {p90:>9.1f}")


def print_growth(rows: list[Row], sizes: list[int]) -> None:
    """Median cost of each network case per size, and its ratio to the previous size."""
    medians = {case: median for _, case, _, median, _ in rows}
    cases = [c for c, _ in NETWORK_CASES] + ["inlet, 5 km, cold graph"]
    print()
    print("growth with network size (median ms; × = ratio to the previous size)")
    header = "".join(f"{f'{n:,} pipes':>18}" for n in sizes)
    print(f"{'case':<36}{header}")
    for case in cases:
        cells, previous = [], None
        for n in sizes:
            value = medians.get(f"{n:,} pipes, {case}")
            if value is None:
                cells.append(f"{'—':>18}")
                continue
            ratio = f" (×{value / previous:.1f})" if previous else ""
            cells.append(f"{value:>10.1f}{ratio:>8}")
            previous = value
        print(f"{case:<36}{''.join(cells)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="calls per case (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args()
    server = database_url()
    names = ["onemap_bench_demo", *(f"onemap_bench_net_{n}" for n in args.sizes)]
    try:
        started = time.perf_counter()
        demo = create_engine(fresh_database(server, names[0]))
        load_demo(demo)
        print(f"demo loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        rows = demo_rows(demo, args.repeat)
        demo.dispose()
        for name, size in zip(names[1:], args.sizes, strict=True):
            started = time.perf_counter()
            engine = create_engine(fresh_database(server, name))
            inlet = generate_network(engine, size)
            print(
                f"{size:,}-pipe network in {time.perf_counter() - started:.1f} s", file=sys.stderr
            )
            rows += network_rows(engine, size, inlet, args.repeat)
            engine.dispose()
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} CPUs, load average {load:.1f} at the end of the run")
        print_table(rows)
        print_growth(rows, args.sizes)
    finally:
        if not args.keep:
            for name in names:
                drop_database(server, name)


if __name__ == "__main__":
    main()
