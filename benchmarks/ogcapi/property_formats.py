"""What writing reals with a decimal point and times in the park's zone costs a page (A/B).

    .venv/bin/python -m benchmarks.ogcapi.property_formats [--runs 60]

On the database of ``onemap db url`` (the demo park loaded): a page of 1,000 observations
(``value`` double precision, ``time`` timestamptz) and the 485 exceedances (two reals, three
times), properties built by ``row_to_json`` as the API builds them, with the columns as they are
(A: ``205``, ``…+00:00``) and as the API writes them (B: ``205.0``, ``…+08:00``; geoapi.times).
Median milliseconds of the statement over ``--runs`` alternated runs; prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg

from geoapi.query import public_fields
from geoapi.times import property_json_sql, response_zone
from layers import get_layer
from onemap.database import database_url

CASES = (("observations", 1000, 0), ("exceedances", 1000, 0))


def _statement(layer_id: str, limit: int, offset: int, formatted: bool) -> str:
    layer = get_layer(layer_id)
    zone_name = response_zone()
    zone = f"'{zone_name}'"
    columns = ", ".join(
        (property_json_sql(f, zone, zone_name) if formatted else None) or f'"{f.name}"'
        for f in public_fields(layer)
    )
    return (
        f"SELECT string_agg(row_to_json((SELECT r FROM (SELECT {columns}) r))::text, ',') "
        f'FROM (SELECT * FROM "{layer_id}" ORDER BY id LIMIT {limit} OFFSET {offset}) page'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    url = database_url().replace("postgresql+psycopg://", "postgresql://")
    print(f"{'page':<28}{'A: as stored (ms)':>20}{'B: as written (ms)':>20}{'B/A':>8}")
    with psycopg.connect(url, autocommit=True) as connection:
        for layer_id, limit, offset in CASES:
            timings: dict[bool, list[float]] = {False: [], True: []}
            sql = {f: _statement(layer_id, limit, offset, f) for f in (False, True)}
            for f in (False, True):  # warm the cache and check both run
                connection.execute(sql[f]).fetchone()
            for _ in range(args.runs):
                for f in (False, True):
                    began = time.perf_counter()
                    connection.execute(sql[f]).fetchone()
                    timings[f].append((time.perf_counter() - began) * 1000)
            a, b = (statistics.median(timings[f]) for f in (False, True))
            title = f"{layer_id} limit={limit}"
            print(f"{title:<28}{a:>20.2f}{b:>20.2f}{b / a:>8.2f}")


if __name__ == "__main__":
    main()
