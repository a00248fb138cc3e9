"""A streaming standby of the project's own cluster: PostgreSQL's physical replication.

:func:`make_standby` takes a base backup of the running primary over loopback with
``pg_basebackup -R`` (which writes ``standby.signal`` and the ``primary_conninfo`` that keeps
the standby streaming from the primary), gives the copy a cluster.json of its own (same role
and password, its own port) and starts it: a hot standby that answers reads, replays the
primary's WAL as it is written, and refuses writes. Point ``ONEMAP_DATABASE_READ_URL`` at its
URL (``onemap db standby`` prints it).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import psycopg

from onemap.backup import _give_to_server_user
from onemap.cluster import Cluster, _free_port
from onemap.errors import ClusterError

#: How long a new standby may take to accept connections.
STANDBY_START_TIMEOUT_S = 120


def make_standby(primary: Cluster, data_dir: Path) -> Cluster:
    """A started streaming standby of the running ``primary`` in ``data_dir`` (empty or new)."""
    if not primary.is_running():
        raise ClusterError("主库未运行 / the primary is not running: run `onemap db up` first")
    standby = Cluster(data_dir.expanduser().resolve())
    if standby.pgdata.exists() and any(standby.pgdata.iterdir()):
        raise ClusterError(f"{standby.pgdata} is not empty: choose a new directory")
    standby.server_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
    state = primary.state()
    bindir = Path(str(state["bindir"]))
    command = [
        str(bindir / "pg_basebackup"),
        "-h", "127.0.0.1",
        "-p", str(state["port"]),
        "-U", str(state["role"]),
        "-D", str(standby.pgdata),
        "-Fp", "-X", "stream", "--checkpoint=fast", "--no-password", "-R",
    ]  # fmt: skip
    env = {**os.environ, "PGPASSWORD": str(state["password"])}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise ClusterError(f"pg_basebackup failed: {result.stderr.strip()[-300:]}")
    (standby.pgdata / "postmaster.pid").unlink(missing_ok=True)
    standby.pgdata.chmod(0o700)
    _give_to_server_user(standby.server_dir)
    own = {k: state[k] for k in ("role", "password", "bindir")} | {"port": _free_port()}
    standby.state_file.write_text(json.dumps(own | {"standby_of": str(primary.data_dir)}))
    standby.state_file.chmod(0o600)
    standby.start()  # rewrites onemap.conf: its own port and socket directory
    _wait_until_reading(standby)
    return standby


def _wait_until_reading(standby: Cluster) -> None:
    dsn = standby.url("postgres").replace("postgresql+psycopg", "postgresql")
    deadline = time.monotonic() + STANDBY_START_TIMEOUT_S
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=5) as conn:
                recovering = conn.execute("SELECT pg_is_in_recovery()").fetchone()
            if recovering and recovering[0]:
                return
            raise ClusterError(f"{standby.data_dir} is not a standby")
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"the standby did not accept connections in {STANDBY_START_TIMEOUT_S} s: "
                    f"see {standby.log_file}"
                ) from None
            time.sleep(0.2)
