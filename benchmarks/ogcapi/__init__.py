"""Benchmark of the OGC API: ours, stock pygeoapi 0.24 and tipg 1.6 side by side, and the SQL floor.

    .venv/bin/python -m benchmarks.ogcapi [--duration 10] [--warmup 2] [--keep] [--skip-peers]
        [--skip-gdal]

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

from pathlib import Path

#: Where the peers' venvs, their configurations, logs and downloaded files go.
WORK = Path("/tmp/onemap-bench")
