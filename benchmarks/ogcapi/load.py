"""Load: wrk against a server, and the SQL floor by psycopg processes."""

from __future__ import annotations

import multiprocessing
import os
import re
import statistics
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.ogcapi.cases import Case
from benchmarks.ogcapi.data import DB_NAME

CONNECTIONS = 8


@dataclass
class Result:
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    bytes: int | None = None
    note: str = ""
    server_cpu_ms: float | None = None  # per request, the server's whole process group
    pg_cpu_ms: float | None = None  # per request, PostgreSQL backends of the scratch database


_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


def cpu_s(pgid: int | None) -> tuple[float, float]:
    """CPU seconds so far of process group ``pgid``, and of the scratch database's backends.

    Per-request CPU is steadier than requests/s when other work shares the machine.
    """
    server = postgres = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
            fields = raw[raw.rindex(")") + 2 :].split()
            used = (int(fields[11]) + int(fields[12])) * _TICK_S  # utime + stime
            if pgid is not None and int(fields[2]) == pgid:
                server += used
            elif raw[raw.index("(") + 1 : raw.rindex(")")].startswith("postgres") and (
                DB_NAME.encode() in (stat.parent / "cmdline").read_bytes()
            ):
                postgres += used
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return server, postgres


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, duration_s: int, warmup_s: int, pgid: int | None) -> Result:
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        status = response.status
    result = Result(bytes=len(body))
    if status != 200:
        result.note = f"status {status}"
    if warmup_s:
        subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{warmup_s}s", url],
            capture_output=True, check=True,
        )  # fmt: skip
    server_before, pg_before = cpu_s(pgid)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration_s}s", "--timeout", "10s", "--latency",
         url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    server_after, pg_after = cpu_s(pgid)
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    if requests:
        result.server_cpu_ms = (server_after - server_before) * 1000 / requests
        result.pg_cpu_ms = (pg_after - pg_before) * 1000 / requests
    result.rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    result.p50_ms = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    result.p99_ms = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        result.note = f"{errors.group(1)} non-2xx"
    return result


def floor_sql(case: Case, columns: list[str]) -> str:
    """The page as GeoJSON text built in SQL, numberMatched by count(*) (peer-benchmark §4).

    ``columns`` are the table's non-geometry columns, named one by one: ``to_jsonb(row)``
    would also serialise the geometry once more (PostGIS casts geometry to GeoJSON).
    """
    pairs = ", ".join(f"'{c}', r.{c}" for c in columns)
    return (
        "SELECT json_build_object('type', 'FeatureCollection', "
        f"'numberMatched', (SELECT count(*) FROM {case.table} WHERE {case.where}), "
        "'numberReturned', count(*), "
        "'features', coalesce(json_agg(json_build_object('type', 'Feature', 'id', r.id, "
        "'geometry', ST_AsGeoJSON(r.geom)::json, "
        f"'properties', json_build_object({pairs}))), '[]'))::text "
        f"FROM (SELECT * FROM {case.table} WHERE {case.where} ORDER BY id LIMIT {case.limit}) r"
    )


def _floor_worker(
    dsn: str,
    sql: str,
    start_at: float,
    stop_at: float,
    queue: multiprocessing.Queue[object],
    measured: Any,
) -> None:
    latencies = []
    size = 0
    with psycopg.connect(dsn) as conn:
        conn.execute("SET jit = off")
        conn.execute(sql, prepare=True).fetchone()
        while time.time() < start_at:
            time.sleep(0.001)
        while (now := time.time()) < stop_at:
            row = conn.execute(sql, prepare=True).fetchone()
            latencies.append(time.time() - now)
            size = len(row[0].encode()) if row else 0
        queue.put((latencies, size))
        measured.wait(60)  # keep the backend alive until its CPU time has been read


def floor(dsn: str, case: Case, duration_s: int) -> Result:
    with psycopg.connect(dsn) as conn:
        columns = [
            name
            for (name,) in conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                "AND NOT attisdropped AND atttypid <> 'geometry'::regtype ORDER BY attnum",
                (case.table,),
            )
        ]
    sql = floor_sql(case, columns)
    queue: multiprocessing.Queue[object] = multiprocessing.Queue()
    measured = multiprocessing.Event()
    start_at = time.time() + 2.0
    workers = [
        multiprocessing.Process(
            target=_floor_worker,
            args=(dsn, sql, start_at, start_at + duration_s, queue, measured),
        )
        for _ in range(CONNECTIONS)
    ]
    for w in workers:
        w.start()
    time.sleep(max(0.0, start_at - time.time()))
    pg_before = cpu_s(None)[1]
    latencies: list[float] = []
    size = 0
    try:
        for _ in workers:
            got, size = queue.get(timeout=duration_s + 60)  # type: ignore[misc]
            latencies.extend(got)
        pg_ms = (cpu_s(None)[1] - pg_before) * 1000 / max(len(latencies), 1)
    finally:
        measured.set()
        for w in workers:
            w.join(10)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return Result(len(latencies) / duration_s, q[49] * 1000, q[98] * 1000, size, pg_cpu_ms=pg_ms)
