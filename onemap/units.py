"""The systemd units that run onemap for years: rendered for this installation.

* ``onemap-db.service``: the project's own PostGIS (``onemap db up`` / ``onemap db down``);
  left out with ``--external-db`` (ONEMAP_DATABASE_URL in the environment file instead).
* ``onemap-web.service``: ``onemap serve`` (gunicorn) — restarted when it dies; ``systemctl
  stop|restart`` sends SIGTERM and waits for in-flight requests (gunicorn's graceful timeout).
  ``/healthz`` and ``/readyz`` are there for a load balancer.
* ``onemap-hj212.service``: ``onemap hj212 listen``, the HJ 212 device listener.
* ``onemap-quality.service`` + ``.timer``: every hour, judge the last 48 hours
  (``onemap quality --store``), so stations' status and exceedance events stay current.
* ``onemap-reports.service`` + ``.timer``: every day at 01:30 in the park's zone, ``onemap report
  due`` runs each scheduled report whose period has just closed (daily to annual, exceedance and
  disconnection); ``Persistent=true`` catches up on days the machine was off, and ``due`` makes
  each report once however often it is called. No scheduler runs inside the web workers.

Every unit runs as the unprivileged ``onemap`` user with ``ONEMAP_DATA_DIR=/var/lib/onemap``
(systemd's ``StateDirectory``), reads ``/etc/onemap/onemap.env`` when it exists (e.g.
``ONEMAP_STATEMENT_TIMEOUT_MS``, ``ONEMAP_TILE_URL``, ``ONEMAP_DATABASE_URL``) and logs to the
journal, one JSON object per line.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

DEFAULT_DIR = Path("/etc/systemd/system")
ENV_FILE = "/etc/onemap/onemap.env"
DATA_DIR = "/var/lib/onemap"

_COMMON = """\
[Service]
User={user}
Group={user}
StateDirectory=onemap
StateDirectoryMode=0750
Environment=ONEMAP_DATA_DIR={data_dir}
EnvironmentFile=-{env_file}
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full
ProtectHome=read-only
"""


def _unit(description: str, unit: str, service: str, install: str = "") -> str:
    return f"[Unit]\nDescription={description}\n{unit}\n{service}{install}"


def render_units(
    onemap: str, *, user: str = "onemap", host: str = "127.0.0.1", port: int = 5000,
    hj212_host: str = "127.0.0.1", hj212_port: int = 8212, external_db: bool = False,
) -> dict[str, str]:  # fmt: skip
    """File name → text of every unit, for the ``onemap`` executable at ``onemap``."""
    exe = shlex.quote(onemap)
    common = _COMMON.format(user=user, data_dir=DATA_DIR, env_file=ENV_FILE)
    needs_db = "" if external_db else "Requires=onemap-db.service\nAfter=onemap-db.service\n"
    wanted = "\n[Install]\nWantedBy=multi-user.target\n"
    units = {
        "onemap-web.service": _unit(
            "onemap web map and OGC API (gunicorn)",
            f"After=network-online.target\nWants=network-online.target\n{needs_db}",
            common + f"ExecStart={exe} serve --host {host} --port {port}\n"
            "Restart=always\nRestartSec=2\n"
            "KillSignal=SIGTERM\n"
            # gunicorn's graceful timeout (ONEMAP_GRACEFUL_TIMEOUT_S, 40 s) plus a margin
            "TimeoutStopSec=50\n",
            wanted,
        ),
        "onemap-hj212.service": _unit(
            "onemap HJ 212-2017 device listener",
            f"After=network-online.target\nWants=network-online.target\n{needs_db}",
            common + f"ExecStart={exe} hj212 listen --host {hj212_host} --port {hj212_port}\n"
            "Restart=always\nRestartSec=2\n"
            # SIGINT is how the listener stops: it stores what is queued, then exits
            "KillSignal=SIGINT\nTimeoutStopSec=30\n",
            wanted,
        ),
        "onemap-quality.service": _unit(
            "onemap: judge the last 48 hours (exceedances, AQI, station status)",
            needs_db,
            common + "Type=oneshot\n"
            "ExecStart=/bin/sh -c 'exec " + exe.replace("'", "'\\''") + " quality "
            '--start "$$(date -d "-48 hours" -Iseconds)" --end "$$(date -Iseconds)" --store\'\n',
        ),
        "onemap-quality.timer": _unit(
            "onemap: judge the monitoring data every hour",
            "",
            "[Timer]\nOnCalendar=hourly\nPersistent=true\nRandomizedDelaySec=120\n",
            "\n[Install]\nWantedBy=timers.target\n",
        ),
        "onemap-reports.service": _unit(
            "onemap: run the reports whose period has closed (onemap report due)",
            needs_db + "After=onemap-quality.service\n",
            common + f"Type=oneshot\nExecStart={exe} report due\nTimeoutStartSec=1800\n",
        ),
        "onemap-reports.timer": _unit(
            "onemap: run the due reports every day after midnight in the park's zone",
            "",
            # the periods are days of Asia/Shanghai (reports.periods); give the hourly judgement
            # of the last hour of the day time to finish first
            "[Timer]\nOnCalendar=*-*-* 01:30:00 Asia/Shanghai\nPersistent=true\n"
            "RandomizedDelaySec=300\n",
            "\n[Install]\nWantedBy=timers.target\n",
        ),
    }
    if not external_db:
        units["onemap-db.service"] = _unit(
            "onemap's own PostgreSQL/PostGIS cluster",
            "After=network.target\n",
            common + "Type=oneshot\nRemainAfterExit=yes\n"
            f"ExecStart={exe} db up\nExecStop={exe} db down\nTimeoutStartSec=300\n",
            wanted,
        )
    return units


def onemap_executable() -> str:
    """The ``onemap`` script of this installation (beside the running Python)."""
    return str(Path(sys.executable).with_name("onemap"))


def install_units(directory: Path, units: dict[str, str]) -> list[Path]:
    """Write ``units`` into ``directory``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(units.items()):
        path = directory / name
        path.write_text(text)
        path.chmod(0o644)
        written.append(path)
    return written
