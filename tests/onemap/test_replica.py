"""A read replica: a real streaming standby (``pg_basebackup -R`` on loopback) of a primary
cluster of the test's own, in a temporary directory (never the shared cluster). Reads are
served by the standby, writes by the primary, and a lost standby falls back to the primary with
a warning and no error."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from etl.load import load_file
from onemap import migrate
from onemap.cluster import Cluster
from onemap.database import PREFER_PRIMARY, ReadRouter, current_connect_params, live_engine
from onemap.standby import make_standby

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
WAIT_S = 60


def wait_for(condition, what: str, timeout_s: float = WAIT_S):  # type: ignore[no-untyped-def]
    """``condition()``'s first true value, polled until ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    """(primary, standby): a primary of the test's own with the demo stations, at head, and a
    started streaming standby of it."""
    base = Path(tempfile.mkdtemp(prefix="onemap-replica-", dir="/tmp"))
    base.chmod(0o755)  # the server's user (as root: onemap) enters it
    primary, standby = Cluster(base / "primary"), Cluster(base / "standby")
    try:
        primary.up()
        migrate.upgrade(primary.url())
        engine = sa.create_engine(primary.url())
        assert load_file(DEMO / "stations.csv", "stations", engine).rejected == 0
        engine.dispose()
        standby = make_standby(primary, base / "standby")
        yield primary, standby
    finally:
        for cluster in (standby, primary):
            if cluster.is_initialised():
                cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def _in_recovery(connection: sa.Connection) -> bool:
    return bool(connection.exec_driver_sql("SELECT pg_is_in_recovery()").scalar_one())


def test_reads_go_to_the_standby_and_writes_to_the_primary(
    clusters: tuple[Cluster, Cluster],
) -> None:
    primary, standby = clusters
    router = ReadRouter(live_engine(primary.url()), live_engine(standby.url()))
    try:
        with router.connect() as connection:
            assert _in_recovery(connection)
            with pytest.raises(DBAPIError, match="read-only transaction"):
                connection.exec_driver_sql("DELETE FROM stations")
        with router.primary.begin() as connection:
            assert not _in_recovery(connection)
            connection.exec_driver_sql(
                "UPDATE stations SET address = 'replicated' WHERE code = 'AQ-01'"
            )

        def replicated() -> bool:
            with router.connect() as connection:
                address = connection.exec_driver_sql(
                    "SELECT address FROM stations WHERE code = 'AQ-01'"
                ).scalar_one()
            return address == "replicated"

        wait_for(replicated, "the standby to replay the write")
        # read-your-writes: a request that just wrote reads from the primary
        token = PREFER_PRIMARY.set(True)
        try:
            with router.connect() as connection:
                assert not _in_recovery(connection)
        finally:
            PREFER_PRIMARY.reset(token)
    finally:
        router.primary.dispose()
        router.replica.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def _geoapi_connections(cluster: Cluster) -> int:
    engine = sa.create_engine(cluster.url("postgres"))
    try:
        with engine.connect() as connection:
            return int(
                connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'onemap-geoapi'"
                    " AND datname = 'onemap'"
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_the_app_reads_from_the_standby_and_survives_losing_it(
    clusters: tuple[Cluster, Cluster],
) -> None:
    primary, standby = clusters
    port = _free_port()
    root = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ONEMAP_DATABASE_URL": primary.url(),
        "ONEMAP_DATABASE_READ_URL": standby.url(),
        "ONEMAP_PUBLIC_URL": f"{root}/ogcapi",
    }
    onemap = str(Path(sys.executable).with_name("onemap"))
    server = subprocess.Popen(
        [onemap, "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    items = f"{root}/ogcapi/collections/stations/items?f=json&limit=100"
    try:
        wait_for(lambda: _get(f"{root}/healthz")[0] == 200, "the app to start", 120)
        status, body = _get(items)
        assert status == 200
        assert len(json.loads(body)["features"]) == 28
        assert _geoapi_connections(standby) > 0  # the items were read there
        standby.stop()
        status, body = _get(items)  # no error to the user ...
        assert status == 200 and len(json.loads(body)["features"]) == 28
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=60)
        if not standby.is_running():
            standby.start()
    assert "read replica unreachable" in errors, errors[-2000:]  # ... and a warning in the log


def test_a_standby_or_pooler_of_the_own_cluster_is_not_redirected_to_it() -> None:
    # `onemap db standby` keeps the cluster's role and password: only the port tells them apart
    own = Cluster.default()
    port = int(str(own.state()["port"]))
    elsewhere = own.url().replace(f":{port}/", f":{port + 1 if port < 65535 else 1}/")
    assert current_connect_params(elsewhere) == {}
    assert current_connect_params(own.url()) == {"host": "127.0.0.1", "port": port}
