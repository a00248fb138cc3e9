"""What checking pooled connections before use (``pool_pre_ping``) costs the API.

``python -m benchmarks.pre_ping [--rounds N] [--requests N]``: a scratch database with the
OGC API benchmark's 20,000 enterprises, the whole app (Flask test client, no socket), and
``/ogcapi/collections/enterprises/items?limit=100`` (and a single feature) asked alternately
with the ping on and off, on the same engine (only its pool's ``_pre_ping`` flag changes),
in interleaved rounds so that the machine's load falls on both alike. Prints a table of the
median time per request.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.ogcapi.data import drop_database, make_database
from onemap.database import database_url

DB_NAME = "onemap_bench_pre_ping"
PATHS = {
    "items?limit=100": "/ogcapi/collections/enterprises/items?f=json&limit=100",
    "items/{id}": "/ogcapi/collections/enterprises/items/7?f=json",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100, help="per round, path and setting")
    args = parser.parse_args()
    server = database_url()
    url = make_database(server, DB_NAME)
    try:
        from geoapi.app import create_app
        from geoapi.catalog import pooled_engine

        app = create_app(url, "http://127.0.0.1:5000/ogcapi")
        pool = pooled_engine(url).pool
        client = app.test_client()
        times: dict[tuple[str, bool], list[float]] = {}
        for _ in range(args.rounds):
            for name, path in PATHS.items():
                for ping in (False, True):
                    pool._pre_ping = ping  # type: ignore[attr-defined]
                    assert client.get(path).status_code == 200
                    started = time.perf_counter()
                    for _ in range(args.requests):
                        client.get(path)
                    elapsed = (time.perf_counter() - started) / args.requests
                    times.setdefault((name, ping), []).append(elapsed * 1000)
        print(f"\n{args.rounds} rounds x {args.requests} requests, median ms per request\n")
        print(
            f"| {'request':<18} | {'no ping':>8} | {'pre_ping':>8} | {'cost':>7} | {'ratio':>6} |"
        )
        print(f"|{'-' * 20}|{'-' * 10}:|{'-' * 10}:|{'-' * 9}:|{'-' * 8}:|")
        for name in PATHS:
            off = statistics.median(times[(name, False)])
            on = statistics.median(times[(name, True)])
            print(f"| {name:<18} | {off:8.2f} | {on:8.2f} | {on - off:+7.2f} | {on / off:6.3f} |")
    finally:
        from geoapi.catalog import dispose_engines

        dispose_engines()
        drop_database(server, DB_NAME)


if __name__ == "__main__":
    main()
