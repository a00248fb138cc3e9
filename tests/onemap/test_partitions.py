"""Observations partitioned by month: the in-place migration keeps every row, and
`onemap db maintain` creates months ahead, catches strays in the default partition and detaches
months past the retention."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from etl.load import load_file
from layers import partitions
from monitoring.schema import ARCHIVE_MONTHS
from onemap import migrate

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
OBSERVATIONS = partitions.MonthlyTable("observations", "time")
UTC = dt.UTC


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def db_at_0011(server_url: str) -> Iterator[str]:
    """A database migrated to 0011 only (observations still one table)."""
    name = f"onemap_test_0011_{os.getpid()}"
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url, "0011")
    yield url
    with psycopg.connect(_libpq(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def station_engine(engine: Engine) -> Engine:
    """The test's database with the demo stations."""
    assert load_file(DEMO / "stations.csv", "stations", engine).rejected == 0
    return engine


def _insert(connection: Connection, *times: dt.datetime, station: str = "AQ-01") -> None:
    for moment in times:
        connection.execute(
            text(
                "INSERT INTO observations (station_code, time, parameter, value, unit) "
                "VALUES (:s, :t, 'a21026', 7.5, 'ug/m3')"
            ),
            {"s": station, "t": moment},
        )


def _partition_names(connection: Connection) -> list[str]:
    return [p.name for p in partitions.partitions(connection, "observations")]


def test_the_migration_converts_observations_in_place(db_at_0011: str) -> None:
    engine = create_engine(db_at_0011)
    assert load_file(DEMO / "stations.csv", "stations", engine).rejected == 0
    times = [dt.datetime(2025, month, 3, 12, tzinfo=UTC) for month in (1, 2, 2, 6)]
    times[2] += dt.timedelta(hours=1)
    with engine.begin() as connection:
        _insert(connection, *times, dt.datetime(2090, 5, 1, tzinfo=UTC))
        before = connection.execute(
            text("SELECT id, station_code, time, value FROM observations ORDER BY id")
        ).all()
    engine.dispose()

    migrate.upgrade(db_at_0011)

    engine = create_engine(db_at_0011)
    with engine.begin() as connection:
        after = connection.execute(
            text("SELECT id, station_code, time, value FROM observations ORDER BY id")
        ).all()
        assert after == before
        kind = connection.execute(
            text("SELECT relkind FROM pg_class WHERE relname = 'observations'")
        ).scalar_one()
        assert kind == "p"
        names = _partition_names(connection)
        for month in ("y2025m01", "y2025m02", "y2025m06", "y2090m05"):
            assert f"observations_{month}" in names
        assert names[-1] == "observations_default"
        # the months ahead that maintain keeps exist already
        current = partitions.month_start(dt.datetime.now(UTC))
        assert OBSERVATIONS.partition_name(current) in names
        # ids continue after the copied ones, and writes are audited again
        _insert(connection, dt.datetime(2025, 2, 9, tzinfo=UTC))
        new_id = connection.execute(text("SELECT max(id) FROM observations")).scalar_one()
        assert new_id == before[-1][0] + 1
        audited = connection.execute(
            text("SELECT rows FROM audit_log WHERE layer = 'observations' ORDER BY id DESC")
        ).first()
        assert audited is not None and audited[0] == 1
        # the natural key still refuses a second value at the same time
        duplicate = r"Key \(station_code, parameter, \"time\"\)"
        with pytest.raises(Exception, match=duplicate), connection.begin_nested():
            _insert(connection, times[0])
    assert migrate.schema_drift(db_at_0011) == []
    engine.dispose()


def test_maintain_creates_months_ahead_and_is_idempotent(engine: Engine) -> None:
    today = dt.date(2031, 11, 20)
    with engine.begin() as connection:
        tables = (OBSERVATIONS, ARCHIVE_MONTHS)
        first = partitions.maintain(connection, today=today, months_ahead=2, tables=tables)
        assert first.created == [
            "observations_y2031m11",
            "observations_y2031m12",
            "observations_y2032m01",
            "monitoring_packet_archive_y2031m11",
            "monitoring_packet_archive_y2031m12",
            "monitoring_packet_archive_y2032m01",
        ]
        second = partitions.maintain(connection, today=today, months_ahead=2, tables=tables)
        assert second.created == [] and second.detached == [] and second.moved_rows == 0


def test_a_value_beyond_the_months_waits_in_the_default_partition(station_engine: Engine) -> None:
    far = dt.datetime(2099, 3, 4, 5, tzinfo=UTC)
    with station_engine.begin() as connection:
        _insert(connection, far)
        rows = connection.execute(text("SELECT count(*) FROM observations_default")).scalar_one()
        assert rows == 1
        report = partitions.maintain(connection, today=dt.date(2099, 1, 10), months_ahead=1)
        # March is not within the two months kept: the value stays, and is reported
        assert report.in_default["observations"] == (1, far, far)
        report = partitions.maintain(connection, today=dt.date(2099, 2, 10), months_ahead=1)
        assert "observations_y2099m03" in report.created and report.moved_rows == 1
        assert report.in_default["observations"] == (0, None, None)
        where = connection.execute(
            text("SELECT tableoid::regclass::text FROM observations WHERE time = :t"), {"t": far}
        ).scalar_one()
        assert where == "observations_y2099m03"


def test_a_late_load_of_a_past_month_is_moved_into_its_month(station_engine: Engine) -> None:
    late = dt.datetime(2019, 7, 1, tzinfo=UTC)
    with station_engine.begin() as connection:
        _insert(connection, late)
        report = partitions.maintain(connection, today=dt.date(2026, 12, 1), months_ahead=0)
        assert "observations_y2019m07" in report.created
        assert report.in_default["observations"][0] == 0


def test_retention_detaches_old_months_into_the_archive_schema(station_engine: Engine) -> None:
    with station_engine.begin() as connection:
        for month in (1, 2, 3):
            partitions.ensure_month(connection, OBSERVATIONS, dt.date(2030, month, 1))
        _insert(connection, *(dt.datetime(2030, m, 5, tzinfo=UTC) for m in (1, 3)))
        report = partitions.maintain(
            connection, today=dt.date(2030, 4, 15), months_ahead=0, retention_months=2
        )
        # April 2030 less two whole months: January goes, February and March stay
        assert "observations_y2030m01" in report.detached
        assert "observations_y2030m02" not in report.detached
        names = _partition_names(connection)
        assert "observations_y2030m01" not in names and "observations_y2030m03" in names
        kept = connection.execute(text("SELECT count(*) FROM observations")).scalar_one()
        archived = connection.execute(
            text(f"SELECT count(*) FROM {partitions.ARCHIVE_SCHEMA}.observations_y2030m01")
        ).scalar_one()
        assert (kept, archived) == (1, 1)


def test_the_maintain_command(cli_env: dict[str, str]) -> None:
    command = [str(Path(sys.executable).with_name("onemap")), "db", "maintain"]
    first = subprocess.run(command, env=cli_env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert "partitions maintained" in first.stdout
    again = subprocess.run(
        [*command, "--retention-months", "240"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "partitions created" not in again.stderr
