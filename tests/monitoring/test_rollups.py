"""Hourly and daily rollups of observations, kept by the database as values arrive."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection, Engine, text

from monitoring import rollups

UTC = dt.UTC


def _insert(
    connection: Connection, rows: list[tuple[dt.datetime, float | None, str | None]]
) -> None:
    connection.execute(
        text(
            "INSERT INTO observations (station_code, time, parameter, value, unit, flag)"
            " VALUES ('AQ-01', :t, 'a21026', :v, 'ug/m3', :f)"
        ),
        [{"t": t, "v": v, "f": f} for t, v, f in rows],
    )


def _hour(connection: Connection, hour: dt.datetime) -> tuple[object, ...] | None:
    row = connection.execute(
        text(
            "SELECT value_count, value_mean, value_min, value_max FROM observations_hourly"
            " WHERE station_code = 'AQ-01' AND parameter = 'a21026' AND hour_utc = :h"
        ),
        {"h": hour},
    ).first()
    return None if row is None else tuple(row)


def _day(connection: Connection, day: dt.date) -> tuple[object, ...] | None:
    row = connection.execute(
        text(
            "SELECT value_count, value_mean, value_min, value_max FROM observations_daily"
            " WHERE station_code = 'AQ-01' AND parameter = 'a21026' AND day = :d"
        ),
        {"d": day},
    ).first()
    return None if row is None else tuple(row)


H = dt.datetime(2025, 1, 1, 16, tzinfo=UTC)  # local (UTC+8) midnight of 2 January


def test_arrivals_are_added_to_their_hour_and_local_day(station_engine: Engine) -> None:
    with station_engine.begin() as connection:
        # a normal value, a value under maintenance (M, not counted) and a missing one
        _insert(connection, [(H, 10.0, "N"), (H + dt.timedelta(minutes=1), 99.0, "M")])
        _insert(connection, [(H + dt.timedelta(minutes=2), None, None)])
        assert _hour(connection, H) == (1, 10.0, 10.0, 10.0)
        # a second batch into the same hour, and one the hour before (local 1 January)
        _insert(connection, [(H + dt.timedelta(minutes=3), 20.0, None)])
        _insert(connection, [(H - dt.timedelta(minutes=1), 4.0, "N")])
        assert _hour(connection, H) == (2, 15.0, 10.0, 20.0)
        assert _day(connection, dt.date(2025, 1, 2)) == (2, 15.0, 10.0, 20.0)
        assert _day(connection, dt.date(2025, 1, 1)) == (1, 4.0, 4.0, 4.0)


def test_changes_and_deletions_recompute_their_buckets(station_engine: Engine) -> None:
    with station_engine.begin() as connection:
        _insert(connection, [(H, 10.0, "N"), (H + dt.timedelta(minutes=5), 30.0, "N")])
        connection.execute(text("UPDATE observations SET value = 12 WHERE value = 30"))
        assert _hour(connection, H) == (2, 11.0, 10.0, 12.0)
        connection.execute(text("UPDATE observations SET flag = 'D' WHERE value = 12"))
        assert _day(connection, dt.date(2025, 1, 2)) == (1, 10.0, 10.0, 10.0)
        connection.execute(text("DELETE FROM observations"))
        assert _hour(connection, H) is None and _day(connection, dt.date(2025, 1, 2)) is None


def test_rebuild_gives_what_the_triggers_kept(station_engine: Engine) -> None:
    with station_engine.begin() as connection:
        rows = [(H + dt.timedelta(minutes=7 * i), float(i % 13), None) for i in range(600)]
        _insert(connection, rows)
        kept = connection.execute(text("SELECT * FROM observations_hourly ORDER BY hour_utc")).all()
        connection.execute(text("DELETE FROM observations_hourly"))
        connection.execute(text("UPDATE observations_daily SET value_count = 0"))
        # one local day (2 January), then everything (2 to 4 January)
        assert rollups.rebuild(connection, H, H + dt.timedelta(days=1)) == (24, 1)
        assert rollups.rebuild(connection) == (70, 3) and len(kept) == 70
        again = connection.execute(
            text("SELECT * FROM observations_hourly ORDER BY hour_utc")
        ).all()
        assert again == kept
        assert _day(connection, dt.date(2025, 1, 2))[0] == 24 * 60 // 7 + 1  # type: ignore[index]


def test_the_rollups_of_the_demo_park_agree_with_its_observations(demo_db_url: str) -> None:
    from onemap.database import engine_for

    with engine_for(demo_db_url).connect() as connection:
        disagreeing = connection.execute(
            text(
                "WITH raw AS (SELECT station_code, parameter, date_trunc('hour', time, 'UTC') h,"
                " count(*) n, avg(value) m, min(value) lo, max(value) hi FROM observations"
                " WHERE value IS NOT NULL AND (flag IS NULL OR flag = 'N') GROUP BY 1, 2, 3)"
                " SELECT count(*) FROM raw FULL JOIN observations_hourly r"
                " ON r.station_code = raw.station_code AND r.parameter = raw.parameter"
                " AND r.hour_utc = raw.h WHERE r.value_count IS DISTINCT FROM raw.n"
                " OR abs(r.value_mean - raw.m) > 1e-9 * greatest(abs(raw.m), 1)"
                " OR r.value_min IS DISTINCT FROM raw.lo OR r.value_max IS DISTINCT FROM raw.hi"
            )
        ).scalar_one()
        hours = connection.execute(text("SELECT count(*) FROM observations_hourly")).scalar_one()
    assert hours > 1000
    assert disagreeing == 0


@pytest.mark.parametrize("window_days", [1, 31])
def test_daily_means_read_a_window(station_engine: Engine, window_days: int) -> None:
    with station_engine.begin() as connection:
        _insert(connection, [(H + dt.timedelta(days=d), float(d), None) for d in range(40)])
        first = dt.date(2025, 1, 2)
        rows = rollups.daily_means(connection, first, first + dt.timedelta(days=window_days - 1))
    assert [r.value_mean for r in rows] == [float(d) for d in range(window_days)]


def _tables(connection: Connection) -> tuple[list[object], list[object]]:
    hourly = connection.execute(
        text("SELECT * FROM observations_hourly ORDER BY station_code, parameter, hour_utc")
    ).all()
    daily = connection.execute(
        text("SELECT * FROM observations_daily ORDER BY station_code, parameter, day")
    ).all()
    return hourly, daily


def _queued(connection: Connection) -> int:
    return int(connection.execute(text(f"SELECT count(*) FROM {rollups.QUEUE}")).scalar_one())


def test_a_deferring_writer_queues_its_rows_and_a_fold_brings_them_in(
    station_engine: Engine,
) -> None:
    with station_engine.begin() as connection:
        rollups.defer(connection)
        _insert(connection, [(H, 10.0, "N"), (H + dt.timedelta(minutes=1), 99.0, "M")])
        _insert(connection, [(H + dt.timedelta(minutes=3), 20.0, None)])
        _insert(connection, [(H - dt.timedelta(minutes=1), 4.0, "N")])
        assert _hour(connection, H) is None and _day(connection, dt.date(2025, 1, 2)) is None
        assert _queued(connection) == 3  # one per statement and hour; the M value is not valid
    assert rollups.fold(station_engine) == (2, 2)
    with station_engine.connect() as connection:
        assert _queued(connection) == 0
        assert _hour(connection, H) == (2, 15.0, 10.0, 20.0)
        assert _day(connection, dt.date(2025, 1, 2)) == (2, 15.0, 10.0, 20.0)
        assert _day(connection, dt.date(2025, 1, 1)) == (1, 4.0, 4.0, 4.0)
    assert rollups.fold(station_engine) == (0, 0)


def test_a_fold_after_deferred_and_immediate_writes_gives_what_a_rebuild_gives(
    station_engine: Engine,
) -> None:
    rows = [(H + dt.timedelta(minutes=7 * i), float(i % 13), None) for i in range(400)]
    with station_engine.begin() as connection:
        _insert(connection, rows[:100])  # merged at once
    with station_engine.begin() as connection:
        rollups.defer(connection)  # the listener's way, into some of the same hours and days
        _insert(connection, rows[100:250])
        connection.execute(text("UPDATE observations SET value = value + 100 WHERE value = 3"))
    with station_engine.begin() as connection:
        rollups.defer(connection)  # deltas and deletions of the same hours in one queue
        _insert(connection, rows[250:300])
        connection.execute(text("DELETE FROM observations WHERE value = 5"))
    with station_engine.begin() as connection:
        _insert(connection, rows[300:])  # at once again, into hours the queue still holds
    rollups.fold(station_engine)
    with station_engine.begin() as connection:
        folded = _tables(connection)
        rollups.rebuild(connection)
        assert _tables(connection) == folded
        assert len(folded[0]) == 47 and len(folded[1]) == 2
        assert _queued(connection) == 0


def test_the_live_listener_defers_its_rollups_and_folds_them_while_it_runs(
    station_engine: Engine,
) -> None:
    import asyncio
    import zoneinfo

    from monitoring.hj212.codec import frame
    from monitoring.service import LiveMonitoring

    packet = frame(
        "QN=20250102000000000;ST=22;CN=2061;PW=1;MN=32128322918873;Flag=5;CP=&&"
        "DataTime=20250102000000;a21026-Avg=12.5,a21026-Flag=N&&"
    )

    async def run() -> object:
        service = LiveMonitoring(
            station_engine, zone=zoneinfo.ZoneInfo("Asia/Shanghai"), rollup_every_s=0.05
        )
        host, port = await service.start("127.0.0.1", 0)
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(packet)
            await writer.drain()
            await asyncio.wait_for(reader.readuntil(b"\r\n"), 10)  # committed
            writer.close()
            await writer.wait_closed()
            for _ in range(200):  # until a fold has run (at most 10 s), before the stop's
                with station_engine.connect() as connection:
                    if (folded := _hour(connection, H)) is not None:
                        return folded
                await asyncio.sleep(0.05)
            return None
        finally:
            await service.stop()

    assert asyncio.run(run()) == (1, 12.5, 12.5, 12.5)
    with station_engine.connect() as connection:
        assert _queued(connection) == 0


def test_onemap_db_rollups_folds_what_the_listener_left_queued(
    station_engine: Engine, db_url: str
) -> None:
    from click.testing import CliRunner

    from onemap.commands.db import db
    from onemap.database import ENV_URL

    with station_engine.begin() as connection:
        rollups.defer(connection)
        _insert(connection, [(H, 10.0, "N"), (H + dt.timedelta(hours=1), 20.0, "N")])
    result = CliRunner().invoke(db, ["rollups"], env={ENV_URL: db_url})
    assert result.exit_code == 0, result.output
    assert "folded: 2 station-hours, 1 station-days" in result.output
    with station_engine.connect() as connection:
        assert _queued(connection) == 0
        assert _day(connection, dt.date(2025, 1, 2)) == (2, 15.0, 10.0, 20.0)
