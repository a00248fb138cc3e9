"""The scratch database: 20,000 points and 100,000 lines made by SQL."""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import make_url

from onemap import migrate

DB_NAME = "onemap_bench_ogcapi"

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


def make_database(server: str, name: str = DB_NAME) -> str:
    """The scratch database ``name``, migrated, loaded and analysed; its SQLAlchemy URL."""
    libpq = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
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


def drop_database(server: str, name: str = DB_NAME) -> None:
    libpq = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
