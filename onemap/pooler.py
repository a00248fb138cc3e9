"""pgbouncer in transaction pooling in front of a PostgreSQL server, run from the system's
binary (Debian's ``pgbouncer`` package, scripts/install-system-packages.sh).

Many app servers' connections share a few server connections: each transaction gets any free
one. Hence the app's rules behind it (``ONEMAP_DATABASE_TRANSACTION_POOLING=1``, see
:func:`onemap.database.transaction_pooling`): psycopg prepares nothing, and session settings
(time zone, statement timeout, the audit's actor) are made per transaction. LISTEN needs a
session of its own: the ``/events`` hub connects to the server itself (its URL minus the
pooler, ``ONEMAP_DATABASE_LISTEN_URL``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from onemap.cluster import _ensure_server_user, _is_root
from onemap.errors import ClusterError

START_TIMEOUT_S = 30
SYSTEM_BINARY = "/usr/sbin/pgbouncer"


def find_pgbouncer() -> str:
    """The pgbouncer binary."""
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if found is None:
        raise ClusterError("未找到pgbouncer / pgbouncer not found: run `make setup`")
    return found


@dataclass
class PgBouncer:
    """A pgbouncer living in ``directory`` (its ini, auth file, log and pid file)."""

    directory: Path
    listen_port: int
    server_port: int
    role: str
    password: str
    pool_size: int = 10
    process: subprocess.Popen[bytes] | None = None

    @property
    def ini(self) -> Path:
        return self.directory / "pgbouncer.ini"

    def url(self, database: str) -> str:
        """The URL clients use: the pooler's port, the server's role and database."""
        return (
            f"postgresql+psycopg://{self.role}:{self.password}@127.0.0.1:{self.listen_port}"
            f"/{database}"
        )

    def write_config(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        users = self.directory / "userlist.txt"
        users.write_text(f'"{self.role}" "{self.password}"\n')
        self.ini.write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.server_port}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.listen_port}\n"
            "unix_socket_dir =\n"
            "auth_type = scram-sha-256\n"
            f"auth_file = {users}\n"
            "pool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\n"
            "max_client_conn = 500\n"
            f"logfile = {self.directory / 'pgbouncer.log'}\n"
            f"pidfile = {self.directory / 'pgbouncer.pid'}\n"
        )
        for path in (users, self.ini):
            path.chmod(0o600)
        if _is_root():  # pgbouncer refuses to run as root: it runs as the server's user
            account = _ensure_server_user()
            for path in (self.directory, users, self.ini):
                os.chown(path, account.pw_uid, account.pw_gid)

    def start(self) -> None:
        """Write the configuration, start pgbouncer and wait until it accepts connections."""
        self.write_config()
        kwargs: dict[str, object] = {}
        if _is_root():
            account = _ensure_server_user()
            kwargs = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        self.process = subprocess.Popen(  # type: ignore[call-overload]
            [find_pgbouncer(), str(self.ini)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **kwargs,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.listen_port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.directory / "pgbouncer.log"
                    tail = log.read_text()[-500:] if log.exists() else ""
                    raise ClusterError(f"pgbouncer did not start: {tail}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop the pgbouncer this object started."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
