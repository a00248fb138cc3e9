"""The app's database access through pgbouncer in transaction pooling: several client
connections share ONE server connection, so a prepared statement or a session setting of one
client would be seen by (or collide with) the other's."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from accounts.audit import set_actor
from etl.load import load_file
from onemap.database import ENV_TRANSACTION_POOLING, live_engine
from onemap.pooler import PgBouncer

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pooled_url(db_url: str) -> Iterator[str]:
    """The test database's URL through a pgbouncer (transaction pooling, one server
    connection) of the test's own."""
    parsed = make_url(db_url)
    directory = Path(tempfile.mkdtemp(prefix="onemap-pgbouncer-", dir="/tmp"))
    directory.chmod(0o755)
    bouncer = PgBouncer(
        directory,
        listen_port=_free_port(),
        server_port=int(parsed.port or 5432),
        role=str(parsed.username),
        password=str(parsed.password),
        pool_size=1,
    )
    bouncer.start()
    try:
        yield bouncer.url(str(parsed.database))
    finally:
        bouncer.stop()
        shutil.rmtree(directory, ignore_errors=True)  # its auth file holds the password


def test_two_clients_on_one_server_connection(
    pooled_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_TRANSACTION_POOLING, "1")
    options = "-c timezone=UTC -c statement_timeout=4321"
    first = live_engine(pooled_url, connect_args={"options": options})
    second = live_engine(pooled_url, connect_args={"options": options})
    try:
        with first.connect() as a, second.connect() as b:
            # psycopg would prepare these on their 6th run, each client as "_pg3_0"; both land
            # on the same server connection, where the second would collide with the first
            for _ in range(8):
                for connection, query in ((a, "SELECT 1 + :x"), (b, "SELECT 2 + :x")):
                    value = connection.execute(sa.text(query), {"x": 1}).scalar_one()
                    assert value in (2, 3)
                    assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "4321ms"
                    assert connection.exec_driver_sql("SHOW timezone").scalar() == "UTC"
                    connection.commit()
            # the actor is the transaction's: the next one, on the same server connection, has
            # none
            set_actor(a, "user:pooled")
            a.commit()
            actor = b.exec_driver_sql("SELECT current_setting('onemap.actor', true)").scalar()
            assert actor in (None, "")
    finally:
        first.dispose()
        second.dispose()


def test_a_file_load_through_the_pooler(pooled_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TRANSACTION_POOLING, "1")
    engine = live_engine(pooled_url)
    try:
        report = load_file(DEMO / "stations.csv", "stations", engine, actor="cli:pooled")
        assert (report.inserted, report.rejected) == (28, 0)
        with engine.connect() as connection:
            who = connection.exec_driver_sql(
                "SELECT DISTINCT actor FROM audit_log WHERE layer = 'stations'"
            ).scalars()
            assert list(who) == ["cli:pooled"]
    finally:
        engine.dispose()
