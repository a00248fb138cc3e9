"""`onemap db up/status/url/down` on a private cluster of its own, through the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from onemap import migrate

ONEMAP = str(Path(sys.executable).with_name("onemap"))


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: that is mode 700, and as root the server runs as the
    # unprivileged `onemap` user, which must be able to enter the directory.
    path = Path(tempfile.mkdtemp(prefix="onemap-cluster-"))
    path.chmod(0o755)
    yield path
    subprocess.run([ONEMAP, "db", "down"], env=_env(path), capture_output=True, check=False)
    shutil.rmtree(path, ignore_errors=True)


def _env(path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ONEMAP_DATABASE_URL"}
    env["ONEMAP_DATA_DIR"] = str(path)
    return env


def _onemap(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ONEMAP, *args], env=_env(path), capture_output=True, text=True, check=False, timeout=120
    )


def test_lifecycle(data_dir: Path) -> None:
    assert _onemap(data_dir, "db", "status").returncode == 1

    up = _onemap(data_dir, "db", "up")
    assert up.returncode == 0, up.stderr
    url = up.stdout.strip().splitlines()[-1]
    assert url.startswith("postgresql+psycopg://onemap:") and "127.0.0.1" in url

    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        version = conn.execute("SELECT postgis_version()").fetchone()
        assert version is not None
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        assert {"enterprises", "observations", "alembic_version"} <= tables

    assert _onemap(data_dir, "db", "url").stdout.strip() == url
    status = _onemap(data_dir, "db", "status")
    assert status.returncode == 0 and "running" in status.stdout
    assert f"schema revision: {migrate.head_revision()}" in status.stdout
    password = make_url(url).password
    assert password and password not in status.stdout, "status must not print the password"

    # A second `up` is a no-op that prints the same URL.
    assert _onemap(data_dir, "db", "up").stdout.strip() == url

    down = _onemap(data_dir, "db", "down")
    assert down.returncode == 0 and "stopped" in down.stdout
    assert _onemap(data_dir, "db", "status").returncode == 1
    url_when_down = _onemap(data_dir, "db", "url")
    assert url_when_down.returncode == 2 and "onemap db up" in url_when_down.stderr
    assert "Traceback" not in url_when_down.stderr

    # Starting again keeps the data.
    again = _onemap(data_dir, "db", "up")
    assert again.returncode == 0, again.stderr
    with psycopg.connect(again.stdout.strip().replace("+psycopg", "")) as conn:
        assert conn.execute("SELECT count(*) FROM enterprises").fetchone() == (0,)
