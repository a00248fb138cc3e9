"""Benchmark of the OGC API: ours, stock pygeoapi 0.24 and tipg 1.6 side by side, and the SQL floor.

    .venv/bin/python benchmarks/ogcapi.py [--duration 10] [--warmup 2] [--keep] [--skip-peers]

Everything runs on this machine, on loopback, against one scratch database on the project's
PostGIS server (``onemap db url`` or ONEMAP_DATABASE_URL's), dropped afterwards unless ``--keep``:

- ``onemap_bench_ogcapi``, migrated to head, holds 20,000 enterprises (points spread uniformly
  over 20 km x 20 km around 110.30 E, 25.10 N) and 100,000 sewer pipes (2-4 vertices, about 50 m
  each) joining 101,000 sewer nodes in 1,000 chains. Made by SQL ``generate_series`` with a fixed
  seed, then ``ANALYZE``. The same tables as peer-benchmark.md's, in the project's schema.
- Three servers, 2 workers each: ours (``onemap serve --workers 2``, gunicorn), stock pygeoapi
  0.24 with its PostgreSQL provider (gunicorn, 2 sync workers) and tipg 1.6.1 (uvicorn, 2
  workers). The peers are installed by this script into throwaway venvs under
  /tmp/onemap-bench (Python 3.12: pygeoapi >= 0.22 needs it), configured as in peer-benchmark.md.
- Load: ``wrk -t2 -c8 -d<duration>s --latency`` (8 keep-alive connections) after an unrecorded
  warm-up; bytes per response from one GET before the run.
- The SQL floor: the same pages as GeoJSON text built in SQL, ``numberMatched`` by a count(*)
  subquery, run as prepared statements by 8 processes with one psycopg connection each for the
  same duration; every byte of the result is read by the client.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from onemap import migrate  # noqa: E402
from onemap.database import database_url  # noqa: E402

DB_NAME = "onemap_bench_ogcapi"
WORK = Path("/tmp/onemap-bench")
PEER_PYTHON = "/root/.pyenv/versions/3.12.1/bin/python3.12"
CONNECTIONS = 8
GDAL_TIMEOUT_S = 240
#: 2 km x 2 km in the middle of the 20 km x 20 km box: 1 % of the area.
BBOX = "110.29008,25.09098,110.30992,25.10902"

# ---------------------------------------------------------------- data

DATA_SQL = """
SELECT setseed(0.42);
INSERT INTO enterprises (id, name, credit_code, address, industry_code, industry_name,
                         risk_level, hazard_level, key_discharger, inspection_class, permit_no,
                         geom)
SELECT i, '企业' || i, '91450100' || lpad(i::text, 10, '0'), '园区大道 ' || i || ' 号',
       'C' || (2600 + i % 50), (ARRAY['化工', '医药', '电镀', '印染', '食品'])[1 + i % 5],
       CASE WHEN r < 0.70 THEN 'general' WHEN r < 0.92 THEN 'larger' ELSE 'major' END,
       i % 5, i % 3 = 0, (ARRAY['A', 'B', 'C'])[1 + i % 3], 'P' || lpad(i::text, 12, '0'),
       ST_SetSRID(ST_MakePoint(110.30 + (random() - 0.5) * 0.1984,
                               25.10 + (random() - 0.5) * 0.1804), 4326)
FROM (SELECT i, random() AS r FROM generate_series(1, 20000) AS i) s;

-- 1,000 chains of 101 nodes: a random walk of ~50 m steps from a random start.
CREATE TEMP TABLE walk AS
SELECT c, k, 110.30 + sx + sum(dx) OVER w AS x, 25.10 + sy + sum(dy) OVER w AS y
FROM (SELECT c, (random() - 0.5) * 0.19 AS sx, (random() - 0.5) * 0.17 AS sy
      FROM generate_series(0, 999) AS c) chain
CROSS JOIN LATERAL (
    SELECT k, CASE WHEN k = 0 THEN 0 ELSE 0.0005 * cos(a) END AS dx,
              CASE WHEN k = 0 THEN 0 ELSE 0.00045 * sin(a) END AS dy
    FROM (SELECT k, random() * 2 * pi() AS a FROM generate_series(0, 100) AS k) t
    WHERE chain.c IS NOT NULL) step
WINDOW w AS (PARTITION BY c ORDER BY k);

INSERT INTO sewer_nodes (code, kind, invert_m, geom)
SELECT format('N%s-%s', c, k),
       (ARRAY['manhole', 'manhole', 'manhole', 'connection_well', 'monitoring_well'])[1 + k % 5],
       round((80 - k * 0.02)::numeric, 2), ST_SetSRID(ST_MakePoint(x, y), 4326)
FROM walk;

-- Pipe k of chain c joins node k to node k+1, with 0-2 jittered vertices between.
INSERT INTO sewer_pipes (id, code, system, diameter_mm, material, length_m, from_node, to_node,
                         geom)
SELECT c * 100 + a.k + 1, format('P%s-%s', c, a.k),
       (ARRAY['sewage', 'rain', 'combined'])[1 + c % 3], (ARRAY[300, 400, 500, 600])[1 + a.k % 4],
       (ARRAY['HDPE', 'PVC', 'RC'])[1 + a.k % 3], NULL,
       format('N%s-%s', c, a.k), format('N%s-%s', c, a.k + 1),
       ST_SetSRID(ST_MakeLine(ARRAY(
           SELECT ST_MakePoint(a.x + (b.x - a.x) * f + CASE WHEN f IN (0, 1) THEN 0
                                                            ELSE (random() - 0.5) * 0.0001 END,
                               a.y + (b.y - a.y) * f)
           FROM unnest(CASE (c + a.k) % 3 WHEN 0 THEN ARRAY[0, 1]::float8[]
                                        WHEN 1 THEN ARRAY[0, 0.5, 1]::float8[]
                                        ELSE ARRAY[0, 0.33, 0.67, 1]::float8[] END)
                WITH ORDINALITY AS u(f, o)
           ORDER BY o)), 4326)
FROM walk a JOIN walk b USING (c)
WHERE b.k = a.k + 1;
UPDATE sewer_pipes SET length_m = round(ST_Length(geom::geography)::numeric, 2);
"""

SELECT_ENTERPRISES = "SELECT setval(pg_get_serial_sequence('enterprises', 'id'), 20000)"
SELECT_PIPES = "SELECT setval(pg_get_serial_sequence('sewer_pipes', 'id'), 100000)"


def make_database(server: str) -> str:
    """The scratch database, migrated, loaded and analysed; its SQLAlchemy URL."""
    libpq = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    url = make_url(server).set(database=DB_NAME).render_as_string(hide_password=False)
    migrate.upgrade(url)
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute(DATA_SQL)
        conn.execute(SELECT_ENTERPRISES)
        conn.execute(SELECT_PIPES)
        conn.commit()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def drop_database(server: str) -> None:
    libpq = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


# ---------------------------------------------------------------- requests


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    table: str
    query: str  # after the collection's items path
    where: str  # the floor's WHERE clause
    limit: int


CASES = (
    Case("l100", "limit=100 (points)", "enterprises", "limit=100", "TRUE", 100),
    Case(
        "bbox",
        "1% bbox, limit=100",
        "enterprises",
        f"limit=100&bbox={BBOX}",
        f"geom && ST_MakeEnvelope({BBOX}, 4326)",
        100,
    ),
    Case("p1000", "limit=1000, points", "enterprises", "limit=1000", "TRUE", 1000),
    Case("l1000", "limit=1000, lines", "sewer_pipes", "limit=1000", "TRUE", 1000),
)


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes] | None = None
    error: str | None = None

    def url(self, case: Case) -> str:
        base = f"http://127.0.0.1:{self.port}"
        if self.name == "ours":
            return f"{base}/ogcapi/collections/{case.table}/items?f=json&{case.query}"
        if self.name == "pygeoapi":
            return f"{base}/collections/{case.table}/items?f=json&{case.query}"
        # tipg: f=json is a flat non-GeoJSON array; f=geojson is the GeoJSON (peer-benchmark §2).
        return f"{base}/collections/public.{case.table}/items?f=geojson&{case.query}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(server: Server, path: str, timeout_s: float = 90) -> None:
    """Wait until ``path`` answers 200; on failure stop the server and raise."""
    try:
        _wait_up(server, path, timeout_s)
    except RuntimeError:
        stop(server)
        raise


def _wait_up(server: Server, path: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with status {server.process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{server.name} did not answer {path} within {timeout_s:.0f} s")


def stop(server: Server) -> None:
    if server.process is None or server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(5)


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped by its id
        cwd=WORK,
    )


# ---------------------------------------------------------------- peers


def peer_venv(name: str, packages: list[str]) -> Path:
    """A throwaway venv under WORK with ``packages``; reused when already complete."""
    venv = WORK / f"{name}-venv"
    marker = venv / ".installed"
    wanted = " ".join(packages)
    if marker.exists() and marker.read_text() == wanted:
        return venv
    if not Path(PEER_PYTHON).exists():
        raise RuntimeError(f"no Python 3.12 at {PEER_PYTHON} (pygeoapi >= 0.22 and tipg need it)")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([PEER_PYTHON, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", *packages], capture_output=True, text=True
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if "is ignored" not in line]
        raise RuntimeError("pip install failed: " + " | ".join(lines[-3:]))
    marker.write_text(wanted)
    return venv


def pygeoapi_config(url: str, port: int) -> tuple[Path, Path]:
    u = make_url(url)
    resources = {}
    for table, title in (("enterprises", "Enterprises"), ("sewer_pipes", "Sewer pipes")):
        resources[table] = {
            "type": "collection",
            "title": title,
            "description": title,
            "keywords": [table],
            "extents": {
                "spatial": {
                    "bbox": [110.2, 25.0, 110.4, 25.2],
                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                }
            },
            "providers": [
                {
                    "type": "feature",
                    "name": "PostgreSQL",
                    "data": {
                        "host": u.host,
                        "port": u.port,
                        "dbname": u.database,
                        "user": u.username,
                        "password": u.password,
                        "search_path": ["public"],
                    },
                    "id_field": "id",
                    "table": table,
                    "geom_field": "geom",
                }
            ],
        }
    config = {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": False,
            "languages": ["en-US"],
            "pretty_print": False,
            "limits": {"default_items": 10, "max_items": 10000},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OSM"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "bench",
                "description": "bench",
                "keywords": ["bench"],
                "keywords_type": "theme",
                "terms_of_service": "https://example.org",
                "url": "https://example.org",
            },
            "license": {"name": "CC-BY 4.0", "url": "https://example.org"},
            "provider": {"name": "bench", "url": "https://example.org"},
            "contact": {"name": "bench", "position": "bench", "url": "https://example.org"},
        },
        "resources": resources,
    }
    config_path = WORK / f"pygeoapi-{port}.yml"
    openapi_path = WORK / f"pygeoapi-openapi-{port}.yml"
    # JSON is YAML: no yaml dependency needed for the peer's config.
    config_path.write_text(json.dumps(config, ensure_ascii=False))
    return config_path, openapi_path


def start_pygeoapi(url: str) -> Server:
    server = Server("pygeoapi", free_port())
    venv = peer_venv(
        "pygeoapi",
        ["pygeoapi==0.24.0", "gunicorn", "psycopg2-binary", "sqlalchemy", "geoalchemy2",
         "pygeofilter", "pyproj", "shapely"],
    )  # fmt: skip
    config, openapi = pygeoapi_config(url, server.port)
    env = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    generated = subprocess.run(
        [str(venv / "bin/pygeoapi"), "openapi", "generate", str(config), "--output-file",
         str(openapi)],
        env=env, capture_output=True, text=True, cwd=WORK,
    )  # fmt: skip
    if generated.returncode != 0:
        raise RuntimeError(
            f"pygeoapi openapi generate: {generated.stderr.strip().splitlines()[-1]}"
        )
    server.process = spawn(
        [str(venv / "bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{server.port}",
         "--access-logfile", "/dev/null", "--no-control-socket", "pygeoapi.flask_app:APP"],
        env, WORK / "pygeoapi-server.log",
    )  # fmt: skip
    wait_up(server, "/collections/enterprises/items?f=json&limit=1")
    return server


def start_tipg(url: str) -> Server:
    server = Server("tipg", free_port())
    venv = peer_venv("tipg", ["tipg==1.6.1", "uvicorn[standard]"])
    env = {
        **os.environ,
        "DATABASE_URL": libpq_url(url),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.enterprises", "public.sewer_pipes"]',
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    server.process = spawn(
        [str(venv / "bin/uvicorn"), "tipg.main:app", "--host", "127.0.0.1", "--port",
         str(server.port), "--workers", "2", "--no-access-log", "--log-level", "warning"],
        env, WORK / "tipg-server.log",
    )  # fmt: skip
    wait_up(server, "/collections/public.enterprises/items?f=geojson&limit=1")
    return server


def start_ours(url: str) -> Server:
    server = Server("ours", free_port())
    onemap = Path(sys.executable).parent / "onemap"
    env = {**os.environ, "ONEMAP_DATABASE_URL": url}
    env.pop("ONEMAP_PUBLIC_URL", None)
    server.process = spawn(
        [str(onemap), "serve", "--workers", "2", "--port", str(server.port)],
        env, WORK / "ours-server.log",
    )  # fmt: skip
    wait_up(server, "/ogcapi/collections/enterprises/items?f=json&limit=1")
    return server


# ---------------------------------------------------------------- load


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


# ---------------------------------------------------------------- GDAL


def gdal_downloads(server: Server) -> list[str]:
    """``ogr2ogr`` of the whole enterprises layer with GDAL's defaults, then PAGE_SIZE=1000.

    CPL_DEBUG=ON makes GDAL log every URL it fetches, so the page size it chose and the number
    of requests are read from its own log.
    """
    base = {"ours": f"http://127.0.0.1:{server.port}/ogcapi"}.get(
        server.name, f"http://127.0.0.1:{server.port}"
    )
    layer = "public.enterprises" if server.name == "tipg" else "enterprises"
    out = []
    for options in ([], ["-oo", "PAGE_SIZE=1000"]):
        target = WORK / f"{server.name}-enterprises.gpkg"
        target.unlink(missing_ok=True)
        began = time.perf_counter()
        try:
            done = subprocess.run(
                ["ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{base}", layer, *options],
                capture_output=True, text=True, timeout=GDAL_TIMEOUT_S,
                env={**os.environ, "CPL_DEBUG": "ON"},
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            out.append(
                f"{' '.join(options) or 'default settings'}: over {GDAL_TIMEOUT_S} s, stopped"
            )
            continue
        elapsed = time.perf_counter() - began
        urls = re.findall(r"HTTP: Fetch\(([^)]*)\)", done.stderr)
        items = [u for u in urls if "/items" in u]
        limits = sorted({m for u in items for m in re.findall(r"[?&]limit=(\d+)", u)}, key=int)
        count = "?"
        if done.returncode == 0:
            info = subprocess.run(
                ["ogrinfo", "-so", "-al", str(target)], capture_output=True, text=True
            ).stdout
            found = re.search(r"Feature Count: (\d+)", info)
            count = found.group(1) if found else "?"
        label = " ".join(options) or "default settings"
        out.append(
            f"{label}: {elapsed:.2f} s, {count} features, {len(urls)} HTTP requests "
            f"({len(items)} items pages, limit={'/'.join(limits) or '?'})"
            + ("" if done.returncode == 0 else f", FAILED: {done.stderr.strip()[-200:]}")
        )
    return out


# ---------------------------------------------------------------- table

NAMES = {"ours": "ours", "pygeoapi": "pygeoapi 0.24", "tipg": "tipg 1.6.1", "floor": "SQL floor"}


def fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}×"


def report(results: dict[str, dict[str, Result]], errors: dict[str, str]) -> str:
    lines = [
        "| request | server | req/s | p50 ms | p99 ms | bytes/response "
        "| server CPU ms/req | PG CPU ms/req | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    verdicts = []
    for case in CASES:
        for name in ("ours", "pygeoapi", "tipg", "floor"):
            r = results.get(name, {}).get(case.key, Result(note=errors.get(name, "not run")))
            lines.append(
                f"| {case.title} | {NAMES[name]} | {fmt(r.rps, ',.1f')} | {fmt(r.p50_ms, '.1f')} "
                f"| {fmt(r.p99_ms, '.1f')} | {fmt(r.bytes, ',d')} | {fmt(r.server_cpu_ms, '.1f')} "
                f"| {fmt(r.pg_cpu_ms, '.1f')} | {r.note} |"
            )
    lines += [
        "",
        "| request | ours/stock | ours/tipg | ours/floor | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for case in CASES:

        def rps(name: str, key: str = case.key) -> float | None:
            return results.get(name, {}).get(key, Result()).rps

        ours, stock, tipg, sql = rps("ours"), rps("pygeoapi"), rps("tipg"), rps("floor")
        peers = [v for v in (stock, tipg) if v]
        checks = []
        target = ["≥2× the better peer"]
        if ours and peers:
            checks.append(ours >= 2 * max(peers))
        if case.limit == 1000:
            target += ["≥5× stock", "≥70% of floor"]
            if ours and stock:
                checks.append(ours >= 5 * stock)
            if ours and sql:
                checks.append(ours >= 0.7 * sql)
        complete = len(checks) == len(target)
        met = "met" if complete and all(checks) else "not met" if not all(checks) else "partial"
        if not complete and all(checks):
            met = "incomplete (a peer missing)"
        verdicts.append(met)
        lines.append(
            f"| {case.title} | {ratio(ours, stock)} | {ratio(ours, tipg)} | {ratio(ours, sql)} "
            f"| {', '.join(target)} | {met} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
        print("\nogr2ogr -f GPKG of the 20,000 enterprises, GDAL's page size vs PAGE_SIZE=1000:")
        for name, lines in downloads.items():
            for line in lines:
                print(f"  {NAMES[name]}: {line}")
    print(f"\nwhole run {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
