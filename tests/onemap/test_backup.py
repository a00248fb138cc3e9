"""`onemap db backup` and `onemap db restore --to-time` on a cluster of the test's own: rows
written after the recorded time are not in the restored cluster, rows before it all are."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

ONEMAP = str(Path(sys.executable).with_name("onemap"))


@pytest.fixture
def scratch() -> Iterator[Path]:
    # Not under pytest's tmp_path (mode 700): as root the server's user must enter it.
    path = Path(tempfile.mkdtemp(prefix="onemap-backup-"))
    path.chmod(0o755)
    yield path
    for data_dir in ("cluster", "restored", "restored-all"):
        env = _env(path / data_dir)
        subprocess.run([ONEMAP, "db", "down"], env=env, capture_output=True, check=False)
    shutil.rmtree(path, ignore_errors=True)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ONEMAP_DATABASE_URL"}
    env["ONEMAP_DATA_DIR"] = str(data_dir)
    return env


def _onemap(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [ONEMAP, *args], env=_env(data_dir), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return result


def _libpq(url: str) -> str:
    return url.strip().splitlines()[-1].replace("+psycopg", "")


def _rows(url: str) -> list[int]:
    with psycopg.connect(_libpq(url)) as conn:
        return [r[0] for r in conn.execute("SELECT n FROM pitr_probe ORDER BY n")]


def test_backup_and_point_in_time_restore(scratch: Path) -> None:
    data_dir, backups = scratch / "cluster", scratch / "backups"
    url = _libpq(_onemap(data_dir, "db", "up").stdout)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE pitr_probe (n integer PRIMARY KEY)")
        conn.execute("INSERT INTO pitr_probe SELECT generate_series(1, 3)")

    made = _onemap(data_dir, "db", "backup", "--to", str(backups))
    assert "base backup" in made.stdout and (backups / "wal").is_dir()

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO pitr_probe SELECT generate_series(4, 6)")
        between = conn.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
        conn.execute("INSERT INTO pitr_probe SELECT generate_series(7, 9)")
        # What a minute's archive_timeout would do: the segment holding the rows is archived.
        segment = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]  # type: ignore[index]
    deadline = time.monotonic() + 60
    while not (backups / "wal" / segment).exists():
        assert time.monotonic() < deadline, f"WAL segment {segment} was not archived"
        time.sleep(0.1)

    restored = _onemap(
        scratch / "restored",
        "db", "restore", "--from", str(backups), "--to-time", between.isoformat(),
        "--into", str(scratch / "restored"),
    )  # fmt: skip
    assert re.search(r"restored into .* in [\d.]+ s", restored.stderr), restored.stderr
    assert _rows(restored.stdout) == [1, 2, 3, 4, 5, 6]
    # the restored cluster is a cluster of its own: `onemap db` manages it through its data dir
    assert _onemap(scratch / "restored", "db", "url").stdout.strip() == restored.stdout.strip()
    assert _rows(_onemap(data_dir, "db", "url").stdout) == list(range(1, 10)), "left untouched"

    everything = _onemap(
        scratch / "restored-all", "db", "restore", "--from", str(backups)
    )  # into ONEMAP_DATA_DIR, empty
    assert _rows(everything.stdout) == list(range(1, 10))


def test_restore_refuses_a_directory_holding_a_cluster(scratch: Path) -> None:
    (scratch / "cluster" / "pg" / "data").mkdir(parents=True)
    (scratch / "backups").mkdir()
    (scratch / "backups" / "backup.json").write_text("{}")
    result = subprocess.run(
        [ONEMAP, "db", "restore", "--from", str(scratch / "backups")],
        env=_env(scratch / "cluster"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "new directory" in result.stderr and "Traceback" not in result.stderr
