"""`onemap install-units` writes units systemd accepts, running this installation's onemap."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ONEMAP = str(Path(sys.executable).with_name("onemap"))
UNITS = {
    "onemap-db.service",
    "onemap-web.service",
    "onemap-hj212.service",
    "onemap-quality.service",
    "onemap-quality.timer",
    "onemap-reports.service",
    "onemap-reports.timer",
}


def _install(tmp_path: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [ONEMAP, "install-units", "--to", str(tmp_path), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "systemctl daemon-reload" in result.stdout
    return {p.name for p in tmp_path.iterdir()}


def test_the_units_are_written_and_systemd_accepts_them(tmp_path: Path) -> None:
    assert _install(tmp_path, "--port", "8080") == UNITS
    web = (tmp_path / "onemap-web.service").read_text()
    assert f"ExecStart={ONEMAP} serve --host 127.0.0.1 --port 8080" in web
    assert "User=onemap" in web and "Requires=onemap-db.service" in web
    assert "KillSignal=SIGTERM" in web and "Restart=always" in web
    listener = (tmp_path / "onemap-hj212.service").read_text()
    assert f"ExecStart={ONEMAP} hj212 listen" in listener and "KillSignal=SIGINT" in listener
    # systemd must not expand the shell's $(date ...) itself
    assert '"$$(date -Iseconds)"' in (tmp_path / "onemap-quality.service").read_text()
    reports = (tmp_path / "onemap-reports.service").read_text()
    assert f"ExecStart={ONEMAP} report due" in reports and "Type=oneshot" in reports
    timer = (tmp_path / "onemap-reports.timer").read_text()
    assert "Persistent=true" in timer and "Asia/Shanghai" in timer
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: run `make setup`"
    verified = subprocess.run(
        [analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert verified.returncode == 0, verified.stderr


def test_an_external_database_has_no_db_unit(tmp_path: Path) -> None:
    assert _install(tmp_path, "--external-db") == UNITS - {"onemap-db.service"}
    assert "onemap-db" not in (tmp_path / "onemap-web.service").read_text()
