"""Benchmark of accounts, the policy, editing and the audit trail, ratios side by side in one run.

    .venv/bin/python -m benchmarks.accounts [--duration 8] [--rounds 3] [--creates 300]

On a copy of the OGC API benchmark's scratch database (20,000 enterprises, 100,000 sewer
pipes; see ``benchmarks/ogcapi``) of its own name, ``onemap_bench_accounts``, so that another
benchmark's run cannot drop it midway; dropped afterwards:

1. Reads, ``enterprises/items?limit=100`` under ``wrk -t2 -c8``, interleaved round by round:
   - *before*: the commit before the policy (2535b92), checked out under /tmp/onemap-bench and
     served by the same venv with ``PYTHONPATH`` pointing at it (its features carry fewer
     related links than today's, so it serves fewer bytes: history, not the A/B);
   - *no policy*: this API at HEAD with the guard and the read policy taken out
     (:func:`start_without_policy`), the same bytes as *anonymous*: the A/B;
   - *anonymous*: this checkout, no credentials;
   - *token*: this checkout, ``Authorization: Bearer`` of an account whose role is ``public``:
     the same view as anonymous (same fields, same bytes), so the ratio is what signing in costs;
   - *staff token*: a staff account's token, which also reads the private fields (about twice
     the bytes of the demo's enterprises): what a staff member's page costs, shown beside it.
   Targets: anonymous >= 95 % of no policy; token >= 90 % of anonymous.
2. Creates: single-feature POSTs of a hazardous chemical (one GeoJSON feature each) as staff:
   p50 and p95 of sequential requests on one connection, and throughput with 4 concurrent
   clients, round by round interleaved; against stock pygeoapi 0.24's PostgreSQL provider with
   ``editable: true`` on the same table (same triggers, same database), and against this API
   as it was before one row was judged value by value (:data:`BEFORE_ROW_COMMIT`, its one-row
   columns through the file loader's pandas path), served from a checkout under
   /tmp/onemap-bench like *before*. Targets: p50 < 20 ms; >= 3x stock's throughput.
   In-process, the validation alone: one feature's properties through the column path
   (``etl.rows.parse_values`` on one-row columns, as before) and the row path
   (``etl.rows.parse_row``), interleaved, p50 and p95.
3. The audit trail's cost on a bulk load: the demo's sewer nodes and pipes loaded into a fresh
   database with the row triggers enabled, and with them disabled.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

from benchmarks.ogcapi import WORK
from benchmarks.ogcapi.cases import Server
from benchmarks.ogcapi.data import drop_database, libpq_url, make_database
from benchmarks.ogcapi.servers import (
    free_port,
    pygeoapi_config,
    serve_pygeoapi,
    spawn,
    start_ours,
    stop,
    wait_up,
)

DB_NAME = "onemap_bench_accounts"
BEFORE_COMMIT = "2535b92"
#: The last commit whose API validated a feature as one-row columns (pandas, ~1.5 ms a field).
BEFORE_ROW_COMMIT = "d7598cd"
READ = "/ogcapi/collections/enterprises/items?limit=100"
REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"


def wrk_rps(url: str, duration_s: int, headers: dict[str, str]) -> float:
    args = ["wrk", "-t2", "-c8", f"-d{duration_s}s", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{url}: {bad.group(1)} non-2xx responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def start_before(url: str, commit: str = BEFORE_COMMIT, name: str = "before-policy") -> Server:
    """The API as it was at ``commit`` (by default before the policy), from a checkout of it
    under /tmp/onemap-bench (made when missing)."""
    tree = WORK / name
    if not (tree / "geoapi").exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], check=True)
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit],
            check=True,
            capture_output=True,
        )
    server = Server(name, free_port())
    env = {**os.environ, "ONEMAP_DATABASE_URL": url, "PYTHONPATH": str(tree)}
    env.pop("ONEMAP_PUBLIC_URL", None)
    code = "from onemap.cli import main; main()"
    server.process = spawn(
        [sys.executable, "-c", code, "serve", "--workers", "2", "--port", str(server.port)],
        env,
        WORK / f"{name}-server.log",
    )
    wait_up(server, READ)
    return server


#: Appended to the no-policy tree's files: the guard installs nothing, and every public layer
#: is read as its anonymous view without asking the principal's grants.
NO_POLICY = {
    "geoapi/guard.py": (
        "\n\ndef install(app: Flask) -> None:  # benchmark: no guard\n    return None\n"
    ),
    "accounts/policy.py": (
        "\n\ndef read_view(principal: Principal, layer: Layer) -> ReadView | None:"
        "  # benchmark: no policy\n"
        "    if layer.access is not Access.PUBLIC:\n        return None\n"
        "    return ReadView(layer, public_fields(layer), _table(layer), personal=False)\n"
    ),
}


def start_without_policy(url: str) -> Server:
    """This API at HEAD with the policy taken out (:data:`NO_POLICY`): the A/B the policy's
    cost is measured against, serving the same bytes as ``anonymous``; a checkout of HEAD
    under /tmp/onemap-bench, remade every run."""
    tree = WORK / "no-policy"
    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                   capture_output=True, check=False)  # fmt: skip
    subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], check=True)
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), "HEAD"],
        check=True,
        capture_output=True,
    )
    for path, addition in NO_POLICY.items():
        with (tree / path).open("a", encoding="utf-8") as source:
            source.write(addition)
    server = Server("no-policy", free_port())
    env = {**os.environ, "ONEMAP_DATABASE_URL": url, "PYTHONPATH": str(tree)}
    env.pop("ONEMAP_PUBLIC_URL", None)
    server.process = spawn(
        [sys.executable, "-c", "from onemap.cli import main; main()", "serve", "--workers", "2",
         "--port", str(server.port)],
        env,
        WORK / "no-policy-server.log",
    )  # fmt: skip
    wait_up(server, READ)
    return server


def start_stock_editable(url: str) -> Server:
    """Stock pygeoapi 0.24 with transactions on the hazardous chemicals table."""
    server = Server("pygeoapi", free_port())
    config_path, openapi_path = pygeoapi_config(url, server.port)
    config = json.loads(config_path.read_text())
    resource = json.loads(json.dumps(config["resources"]["enterprises"]))
    resource["providers"][0].update({"table": "hazardous_chemicals", "editable": True})
    resource["title"] = resource["description"] = "chemicals"
    config["resources"] = {"hazardous_chemicals": resource}
    config_path.write_text(json.dumps(config, ensure_ascii=False))
    ready = "/collections/hazardous_chemicals/items?f=json&limit=1"
    return serve_pygeoapi(server, config_path, openapi_path, "pygeoapi-editable.log", ready)


def _feature(code: str, place: str) -> bytes:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [110.30, 25.10]},
        "properties": {
            "credit_code": code,
            "name": "甲醇",
            "cas_no": "67-56-1",
            "storage_place": place,
            "max_quantity_t": 12.5,
            "storage_form": "tank",
        },
    }
    return json.dumps(feature, ensure_ascii=False).encode()


def creates(
    items_url: str, headers: dict[str, str], code: str, tag: str, n: int
) -> tuple[list[float], float]:
    """(ms of each of ``n`` sequential creates, creates/s of ``n`` more by 4 clients)."""
    headers = {**headers, "Content-Type": "application/geo+json"}
    latencies = []
    with requests.Session() as session:
        for i in range(n):
            started = time.perf_counter()
            response = session.post(items_url, data=_feature(code, f"{tag}-s{i}"), headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                raise RuntimeError(f"{items_url}: {response.status_code} {response.text[:200]}")

    def client(k: int) -> None:
        with requests.Session() as session:
            for i in range(k, n, 4):
                r = session.post(items_url, data=_feature(code, f"{tag}-c{i}"), headers=headers)
                if r.status_code != 201:
                    raise RuntimeError(f"{items_url}: {r.status_code} {r.text[:200]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(client, range(4)))
    return latencies, n / (time.perf_counter() - started)


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """(p50, p95) of ``latencies``."""
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def validation_cost(code: str, n: int) -> dict[str, tuple[float, float]]:
    """(p50, p95) in ms of validating one feature's properties by the column path and by the
    row path, interleaved call by call."""
    import pandas as pd

    from etl.dates import configured_timezone
    from etl.rows import parse_row, parse_values
    from etl.validate import Reasons
    from geoapi.feature_input import as_cell
    from layers import get_layer
    from layers.spec import input_fields

    layer = get_layer("hazardous_chemicals")
    properties = json.loads(_feature(code, "in-process"))["properties"]
    raw = {f.name: as_cell(properties.get(f.name)) for f in input_fields(layer)}
    zone = configured_timezone()
    times: dict[str, list[float]] = {"column path (before)": [], "row path": []}
    for _ in range(n):
        started = time.perf_counter()
        columns = {name: pd.Series([cell], dtype=object) for name, cell in raw.items()}
        parse_values(layer, columns, 1, Reasons(1), zone)
        times["column path (before)"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        parse_row(layer, raw, zone)
        times["row path"].append((time.perf_counter() - started) * 1000)
    return {path: percentiles(t) for path, t in times.items()}


def audit_load_cost(server_url: str) -> tuple[float, float]:
    """Seconds to load the demo's sewer nodes and pipes with the audit triggers, and without."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from etl.load import load_file
    from onemap import migrate

    times = []
    for triggers in (True, False):
        name = f"{DB_NAME}_audit"
        admin = make_url(server_url).set(drivername="postgresql", database="postgres")
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}"')
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        if not triggers:
            with psycopg.connect(libpq_url(url), autocommit=True) as c:
                for table in ("sewer_nodes", "sewer_pipes"):
                    c.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        engine = create_engine(url)
        started = time.perf_counter()
        for layer in ("sewer_nodes", "sewer_pipes"):
            load_file(DEMO / f"{layer}.geojson", layer, engine)
        times.append(time.perf_counter() - started)
        engine.dispose()
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return times[0], times[1]


class _ReadsDone(Exception):
    """``--reads-only``: the reads are measured, the rest is skipped."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk cell")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of reads")
    parser.add_argument("--creates", type=int, default=300, help="creates per server and phase")
    parser.add_argument("--reads-only", action="store_true", help="the reads' cells alone")
    args = parser.parse_args()
    from accounts import store
    from onemap.database import database_url

    WORK.mkdir(parents=True, exist_ok=True)
    server_url = database_url()
    print(f"load average at start {os.getloadavg()[0]:.2f}", flush=True)
    url = make_database(server_url, DB_NAME)
    from sqlalchemy import create_engine

    engine = create_engine(url)
    store.add_user(engine, "bench-staff", "staff", [], "bench-password-1")
    _, token = store.create_token(engine, "bench-staff", name="benchmark")
    store.add_user(engine, "bench-public", "public", [], "bench-password-1")
    _, public_token = store.create_token(engine, "bench-public", name="benchmark")
    with engine.connect() as connection:
        code = connection.exec_driver_sql(
            "SELECT credit_code FROM enterprises ORDER BY id LIMIT 1"
        ).scalar_one()
    engine.dispose()
    bearer = {"Authorization": f"Bearer {token}"}
    servers: list[Server] = []
    try:
        before, bare, ours = start_before(url), start_without_policy(url), start_ours(url)
        servers += [before, bare, ours]
        cells: dict[str, list[float]] = {
            "before": [],
            "no policy": [],
            "anonymous": [],
            "token": [],
            "staff": [],
        }
        sizes = {
            name: len(requests.get(f"http://127.0.0.1:{server.port}{READ}", timeout=60).content)
            for name, server in (("before", before), ("no policy", bare), ("anonymous", ours))
        }
        print("bytes per response: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
        if sizes["no policy"] != sizes["anonymous"]:
            raise SystemExit("the A/B serves different bytes: no policy against anonymous")
        for _ in range(args.rounds):
            for name, server, headers in (
                ("before", before, {}),
                ("no policy", bare, {}),
                ("anonymous", ours, {}),
                ("token", ours, {"Authorization": f"Bearer {public_token}"}),
                ("staff", ours, bearer),
            ):
                target = f"http://127.0.0.1:{server.port}{READ}"
                wrk_rps(target, 1, headers)  # warm-up
                cells[name].append(wrk_rps(target, args.duration, headers))
        stop(before)
        stop(bare)
        if args.reads_only:
            raise _ReadsDone
        stock = start_stock_editable(url)
        before_row = start_before(url, BEFORE_ROW_COMMIT, "before-row")
        servers += [stock, before_row]
        items = "/ogcapi/collections/hazardous_chemicals/items"
        writers = (
            ("ours", f"http://127.0.0.1:{ours.port}{items}", bearer),
            ("before-row", f"http://127.0.0.1:{before_row.port}{items}", bearer),
            ("stock", f"http://127.0.0.1:{stock.port}/collections/hazardous_chemicals/items", {}),
        )
        latencies: dict[str, list[float]] = {name: [] for name, _, _ in writers}
        rates: dict[str, list[float]] = {name: [] for name, _, _ in writers}
        for k in range(args.rounds):
            for name, items_url, headers in writers:
                took, rate = creates(items_url, headers, code, f"{name}{k}", args.creates)
                latencies[name] += took
                rates[name].append(rate)
        validation = validation_cost(code, args.creates)
    except _ReadsDone:
        pass
    finally:
        for server in servers:
            stop(server)
        drop_database(server_url, DB_NAME)

    median = {k: statistics.median(v) for k, v in cells.items()}
    print(f"\nReads, {READ} (req/s, median of {args.rounds} interleaved rounds)\n")
    print(
        "| before the policy (2535b92) | HEAD without the policy | anonymous | token (public role)"
        " | staff token | anonymous/without | token/anonymous | staff/anonymous |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {median['before']:.1f} | {median['no policy']:.1f} | {median['anonymous']:.1f} | "
        f"{median['token']:.1f} | {median['staff']:.1f} | "
        f"{median['anonymous'] / median['no policy']:.2f} | "
        f"{median['token'] / median['anonymous']:.2f} | "
        f"{median['staff'] / median['anonymous']:.2f} |"
    )
    print(
        "\nrounds: "
        + "; ".join(f"{k} {', '.join(f'{x:.0f}' for x in v)}" for k, v in cells.items())
    )
    if args.reads_only:
        print(f"\nload average at end {os.getloadavg()[0]:.2f}")
        return
    with_audit, without = audit_load_cost(server_url)
    print(
        f"\nSingle-feature POST ({args.rounds} interleaved rounds of {args.creates} sequential, "
        f"then {args.creates} by 4 clients; creates/s median of rounds)\n"
    )
    print("| server | p50 ms | p95 ms | creates/s | /stock |")
    print("|---|---:|---:|---:|---:|")
    stock_rate = statistics.median(rates["stock"])
    for name, label in (
        ("ours", "ours (policy, validation by row, audit)"),
        ("before-row", f"ours at {BEFORE_ROW_COMMIT} (validation by one-row columns)"),
        ("stock", "stock pygeoapi 0.24, editable"),
    ):
        p50, p95 = percentiles(latencies[name])
        rate = statistics.median(rates[name])
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {rate:.1f} | {rate / stock_rate:.2f}x |")
    print(f"\nIn-process, one feature's validation ({args.creates} interleaved calls)\n")
    print("| path | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for path, (p50, p95) in validation.items():
        print(f"| {path} | {p50:.2f} | {p95:.2f} |")
    print("\nAudit trail on a bulk load (demo sewer nodes + pipes, 6,755 rows)\n")
    print("| triggers on | triggers off | cost |")
    print("|---:|---:|---:|")
    print(f"| {with_audit:.2f} s | {without:.2f} s | {with_audit / without - 1:+.0%} |")
    print(f"\nload average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
