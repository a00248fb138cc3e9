"""A packet log with the shapes seen in the field: every valid value stored, the rest reported
with reasons, every line archived."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitoring.packet_log import load_packet_log

FIELD_LOG = Path(__file__).resolve().parent / "field_packets.log"
KINDS = frozenset({"realtime", "hour"})


def _rows(engine: sa.Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(sa.text(sql))]


@pytest.fixture
def log_copy(tmp_path: Path) -> Path:
    target = tmp_path / "field.log"
    shutil.copy(FIELD_LOG, target)
    return target


def test_every_valid_value_is_stored_and_the_rest_reported(
    station_engine: sa.Engine, log_copy: Path
) -> None:
    report = load_packet_log(log_copy, station_engine, kinds=KINDS)
    stored = _rows(
        station_engine,
        "SELECT station_code, to_char(time AT TIME ZONE 'Asia/Shanghai', 'HH24'), parameter,"
        " value FROM observations ORDER BY 1, 2, 3",
    )
    assert stored == [
        ("AQ-01", "10", "a21004", 22.0),
        ("AQ-01", "10", "a21026", 11.0),  # ';'-separated values without flags
        ("AQ-01", "10", "a34004", 33.0),
        ("AQ-01", "11", "a21004", 23.0),  # kept beside a value that is not a number
        ("MT-01", "10", "a01001", 12.5),  # the five good values beside vendor code R01
        ("MT-01", "10", "a01002", 65.0),
        ("MT-01", "10", "a01006", 101.2),
        ("MT-01", "10", "a01007", 2.4),
        ("MT-01", "10", "a01008", 270.0),
        ("OL-01", "10", "a21002", 48.2),
        ("OL-01", "10", "a21026", 35.1),
        ("OL-01", "11", "w00000", 3.2),  # 2005 B01
        ("OL-01", "11", "w01018", 250.5),  # 2005 011
        ("OL-01", "11", "w21003", 20.1),  # 2005 060
    ]
    unregistered = _rows(
        station_engine,
        "SELECT station_code, code, sent_code, value FROM monitoring_unregistered_values"
        " ORDER BY 1, 2",
    )
    assert unregistered == [
        ("MT-01", "R01", "R01", 0.2),
        ("OL-01", "a01012", "a01012", 85.0),
        ("OL-01", "a21003", "a21003", 12.0),
    ]
    reasons = {(bad.line, bad.code) for bad in report.bad}
    assert reasons == {(1, "head"), (5, "segment"), (6, "crc"), (8, "item")}
    by_line = {bad.line: bad.reason for bad in report.bad}
    assert "MN" in by_line[5] and "CRC" in by_line[6] and "not a number" in by_line[8]
    assert report.stored_packets == 5 and report.packets == 7
    assert sorted(report.new_codes) == [
        ("32128322691867", "R01"),
        ("32128332608426", "a01012"),
        ("32128332608426", "a21003"),
    ]
    assert report.rejects_path is not None and Path(report.rejects_path).exists()
    archived = _rows(
        station_engine,
        "SELECT valid, reason_code, source, raw_bytes > 0 FROM monitoring_packet_archive"
        " ORDER BY id",
    )
    assert [a[:2] for a in archived] == [
        (False, "head"),
        (True, None),
        (True, None),
        (True, None),
        (False, "segment"),
        (False, "crc"),
        (True, None),
        (True, "items"),
    ]
    assert {a[2] for a in archived} == {"log:field.log"}


def test_an_unregistered_code_is_reported_once_per_device_and_code(
    station_engine: sa.Engine, log_copy: Path
) -> None:
    load_packet_log(log_copy, station_engine, kinds=KINDS)
    again = load_packet_log(log_copy, station_engine, kinds=KINDS)
    assert again.new_codes == []
    codes = _rows(
        station_engine,
        "SELECT mn, code, listed, name_zh, values_count FROM monitoring_unregistered_codes"
        " ORDER BY 1, 2",
    )
    assert codes == [
        ("32128322691867", "R01", False, None, 2),
        ("32128332608426", "a01012", True, "烟气温度", 2),
        ("32128332608426", "a21003", True, "一氧化氮", 2),
    ]
    # the values are upserted, the archive grows: it holds every line as received
    assert _rows(station_engine, "SELECT count(*) FROM monitoring_unregistered_values") == [(3,)]
    assert _rows(station_engine, "SELECT count(*) FROM monitoring_packet_archive") == [(16,)]


def test_the_archive_is_append_only(station_engine: sa.Engine, log_copy: Path) -> None:
    load_packet_log(log_copy, station_engine, kinds=KINDS)
    for statement in (
        "UPDATE monitoring_packet_archive SET valid = true",
        "DELETE FROM monitoring_packet_archive",
        "TRUNCATE monitoring_packet_archive",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), station_engine.begin() as c:
            c.execute(sa.text(statement))
    partitions = _rows(
        station_engine,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'monitoring_packet_archive'::regclass",
    )
    assert len(partitions) == 1 and partitions[0][0].startswith("monitoring_packet_archive_y")


def test_parse_and_reprocess_on_the_command_line(
    station_engine: sa.Engine, log_copy: Path, cli_env: dict[str, str]
) -> None:
    """A packet of an MN unknown at arrival is stored by `reprocess` once a station has it."""
    with station_engine.begin() as c:
        c.execute(sa.text("UPDATE stations SET mn = NULL WHERE code = 'OL-01'"))
    parse = subprocess.run(
        [".venv/bin/onemap", "hj212", "parse", str(log_copy)],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert parse.returncode == 3, parse.stderr
    assert "rejects file" in parse.stdout
    assert _rows(
        station_engine, "SELECT count(*) FROM observations WHERE station_code = 'OL-01'"
    ) == [(0,)]
    with station_engine.begin() as c:
        c.execute(sa.text("UPDATE stations SET mn = '32128332608426' WHERE code = 'OL-01'"))
    run = subprocess.run(
        [".venv/bin/onemap", "hj212", "reprocess", "--since", "2000-01-01"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "packets 8" in run.stdout
    stored = _rows(
        station_engine,
        "SELECT parameter FROM observations WHERE station_code = 'OL-01' ORDER BY 1",
    )
    assert stored == [("a21002",), ("a21026",), ("w00000",), ("w01018",), ("w21003",)]
    # the archive was read, not written
    assert _rows(station_engine, "SELECT count(*) FROM monitoring_packet_archive") == [(8,)]
    bad = subprocess.run(
        [".venv/bin/onemap", "hj212", "reprocess", "--since", "yesterday"],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "not an ISO time" in bad.stderr


def test_a_month_partition_dropped_meanwhile_is_made_again(
    station_engine: sa.Engine, log_copy: Path
) -> None:
    """Partitions are asked of the database each batch, never remembered by the process (a
    dropped and re-created database once made every later batch fail, unacknowledged)."""
    load_packet_log(log_copy, station_engine, kinds=KINDS)
    [(name,)] = _rows(
        station_engine,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'monitoring_packet_archive'::regclass",
    )
    with station_engine.begin() as c:
        c.execute(sa.text(f'DROP TABLE "{name}"'))
    load_packet_log(log_copy, station_engine, kinds=KINDS)
    assert _rows(station_engine, "SELECT count(*) FROM monitoring_packet_archive") == [(8,)]
