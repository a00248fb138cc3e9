"""A provincial instance harvests two park instances (``onemap serve`` on two loopback ports)
through their OGC APIs: every row with its park's code, time series incrementally."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from etl.load import load_file
from province.figures import park_figures
from province.harvest import add_park, harvest

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def second_db(server_url: str, template_db: str) -> Iterator[str]:
    """Another fresh database at head (the second park)."""
    name = f"onemap_test_park_b_{os.getpid()}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def parks(db_url: str, second_db: str) -> Iterator[dict[str, tuple[str, str]]]:
    """``{code: (API root, database URL)}`` of two served parks with the demo stations."""
    onemap = str(Path(sys.executable).with_name("onemap"))
    servers, out = [], {}
    try:
        for code, url in (("PARK-A", db_url), ("PARK-B", second_db)):
            engine = sa.create_engine(url)
            assert load_file(DEMO / "stations.csv", "stations", engine).rejected == 0
            if code == "PARK-B":
                assert load_file(DEMO / "enterprises.csv", "enterprises", engine).rejected == 0
            engine.dispose()
            port = _free_port()
            root = f"http://127.0.0.1:{port}/ogcapi"
            env = {**os.environ, "ONEMAP_DATABASE_URL": url, "ONEMAP_PUBLIC_URL": root}
            servers.append(
                subprocess.Popen(
                    [onemap, "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            out[code] = (root, url)
        deadline = time.monotonic() + 120
        for root, _ in out.values():
            while not _answers(f"{root}/collections?f=json"):
                assert time.monotonic() < deadline, f"{root} did not start"
                time.sleep(0.1)
        yield out
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(60)


def _observe(url: str, *hours: int) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for hour in hours:
            connection.execute(
                sa.text(
                    "INSERT INTO observations (station_code, time, parameter, value, unit)"
                    " VALUES ('AQ-01', :t, 'a21026', 8.5, 'ug/m3')"
                ),
                {"t": f"2026-11-30T{hour:02d}:00:00Z"},
            )
    engine.dispose()


def test_two_parks_into_one_province(
    parks: dict[str, tuple[str, str]], server_url: str, template_db: str
) -> None:
    name = f"onemap_test_province_{os.getpid()}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    province = sa.create_engine(make_url(server_url).set(database=name))
    try:
        _observe(parks["PARK-A"][1], 1, 2)
        with province.begin() as connection:
            for code, (root, _) in parks.items():
                add_park(connection, code, root, None)
        first = harvest(province)
        assert first.read[("PARK-A", "stations")] == first.read[("PARK-B", "stations")] == 28
        assert first.read[("PARK-A", "observations")] == 2
        with province.connect() as connection:
            counts = dict(
                connection.execute(
                    sa.text(
                        "SELECT park_code, count(*) FROM province_features"
                        " WHERE collection = 'stations' AND geom IS NOT NULL GROUP BY 1"
                    )
                ).all()
            )
        assert counts == {"PARK-A": 28, "PARK-B": 28}
        engine_b = sa.create_engine(parks["PARK-B"][1])
        with engine_b.connect() as connection:
            major = connection.execute(
                sa.text("SELECT count(*) FROM enterprises WHERE risk_level = 'major'")
            ).scalar_one()
        engine_b.dispose()
        now = dt.datetime.now(dt.UTC)
        with province.connect() as connection:
            table = {f.code: f for f in park_figures(connection, now, now)}
        assert (table["PARK-A"].enterprises, table["PARK-B"].enterprises) == (0, 120)
        assert table["PARK-B"].major_risk == major > 0
        assert table["PARK-A"].stations == 28 and table["PARK-A"].capture_rate == 0.0
        # incrementally: only the observations from the newest harvested on are read again
        _observe(parks["PARK-A"][1], 3)
        second = harvest(province)
        assert second.read[("PARK-A", "observations")] == 2  # 02:00 again, and 03:00
        assert second.changed[("PARK-A", "stations")] == 0
        with province.connect() as connection:
            stored = connection.execute(
                sa.text(
                    "SELECT count(*) FROM province_features WHERE park_code = 'PARK-A'"
                    " AND collection = 'observations'"
                )
            ).scalar_one()
        assert stored == 3
    finally:
        province.dispose()
        with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
