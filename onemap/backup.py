"""Backups of the project's own cluster, and point-in-time recovery from them.

A backup directory holds::

    backup.json            the cluster's role, password and PostgreSQL binaries (mode 600)
    base/<UTC time>/       base backups (pg_basebackup, plain format, WAL included), each with
                           onemap-backup.json: when it started and when it was consistent
    wal/                   the WAL archive: every finished WAL segment since the first backup
                           (the cluster's archive_command copies them; archive_timeout = 60 s)

:func:`backup` takes a base backup and points the cluster's WAL archiving at ``wal/`` (a reload;
a restart once, when archiving was off in a cluster started by an older onemap).
:func:`restore` copies the newest base backup consistent before the target time into a new data
directory and replays the archived WAL up to that time (PostgreSQL's own archive recovery:
``restore_command``, ``recovery_target_time``), then promotes it: a cluster of its own, on its own
port, with a new cluster.json. The cluster backed up is not touched.

A backup on the same disk as the cluster does not survive that disk: give ``--to`` a directory
on another disk (or a mounted share).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from onemap.cluster import Cluster, _ensure_server_user, _free_port, _is_root
from onemap.errors import ClusterError

RECOVERY_CONF = "onemap-recovery.conf"
#: How long a restore may take to replay the WAL and promote.
RECOVERY_TIMEOUT_S = 600


@dataclass(frozen=True)
class BackupResult:
    """What :func:`backup` made: the base backup's directory and how long it took."""

    base: Path
    seconds: float
    restarted: bool


@dataclass(frozen=True)
class RestoreResult:
    """What :func:`restore` made: the new cluster, its URL, the base used, the time taken."""

    cluster: Cluster
    url: str
    base: Path
    seconds: float


def _libpq(cluster: Cluster, database: str = "postgres") -> str:
    return cluster.url(database).replace("postgresql+psycopg", "postgresql")


def _give_to_server_user(path: Path) -> None:
    """As root the server runs as ``onemap``: it must own what it writes or reads."""
    if not _is_root():
        return
    account = _ensure_server_user()
    for root, dirs, files in os.walk(path):
        os.chown(root, account.pw_uid, account.pw_gid)
        for name in dirs + files:
            os.chown(
                os.path.join(root, name), account.pw_uid, account.pw_gid, follow_symlinks=False
            )


def backup(cluster: Cluster, to: Path) -> BackupResult:
    """A base backup of the running ``cluster`` into ``to``, and WAL archiving into ``to``."""
    if not cluster.is_running():
        raise ClusterError("数据库未运行 / the cluster is not running: run `onemap db up` first")
    started = time.monotonic()
    to = to.expanduser().resolve()
    wal = to / "wal"
    wal.mkdir(parents=True, exist_ok=True)
    (to / "base").mkdir(exist_ok=True)
    state = cluster.state()
    meta = to / "backup.json"
    keep = {k: state[k] for k in ("role", "password", "bindir")}
    meta.write_text(json.dumps(keep, indent=2))
    meta.chmod(0o600)
    _give_to_server_user(wal)
    cluster.set_state(wal_archive=str(wal))
    with psycopg.connect(_libpq(cluster), autocommit=True) as conn:
        archive_mode = conn.execute("SHOW archive_mode").fetchone()
    restarted = archive_mode is None or archive_mode[0] == "off"
    if restarted:  # archive_mode needs a restart; the app reconnects by itself
        cluster.stop()
        cluster.start()
    else:
        cluster.reload()

    begun = datetime.now(UTC)
    base = to / "base" / begun.strftime("%Y%m%dT%H%M%SZ")
    env = {**os.environ, "PGPASSWORD": str(state["password"])}
    bindir = Path(str(state["bindir"]))
    command = [
        str(bindir / "pg_basebackup"),
        "-h", "127.0.0.1",
        "-p", str(state["port"]),
        "-U", str(state["role"]),
        "-D", str(base),
        "-Fp", "-X", "stream", "--checkpoint=fast", "--no-password",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        raise ClusterError(f"pg_basebackup failed: {result.stderr.strip()[-300:]}")
    finished = datetime.now(UTC)
    (base / "onemap-backup.json").write_text(
        json.dumps({"started": begun.isoformat(), "consistent": finished.isoformat()})
    )
    with psycopg.connect(_libpq(cluster), autocommit=True) as conn:
        conn.execute("SELECT pg_switch_wal()")  # the backup's last segment goes to the archive
    return BackupResult(base, time.monotonic() - started, restarted)


def _bases(source: Path) -> list[tuple[datetime, Path]]:
    found = []
    for meta in sorted((source / "base").glob("*/onemap-backup.json")):
        consistent = datetime.fromisoformat(json.loads(meta.read_text())["consistent"])
        found.append((consistent, meta.parent))
    return found


def choose_base(source: Path, to_time: datetime | None) -> Path:
    """The newest base backup in ``source`` consistent before ``to_time`` (any, when None)."""
    bases = _bases(source)
    if not bases:
        raise ClusterError(f"{source} 中没有基础备份 / no base backup in {source}")
    usable = [base for consistent, base in bases if to_time is None or consistent <= to_time]
    if not usable:
        earliest = min(consistent for consistent, _ in bases)
        raise ClusterError(
            f"最早的备份晚于目标时间 / the earliest backup became consistent at "
            f"{earliest.isoformat()}, after the target time: choose a later --to-time"
        )
    return usable[-1]


def restore(source: Path, into: Path, to_time: datetime | None = None) -> RestoreResult:
    """Recover the backup in ``source`` into a new cluster in ``into``, up to ``to_time``
    (every archived change when None), start it and return it."""
    started = time.monotonic()
    source = source.expanduser().resolve()
    try:
        kept = json.loads((source / "backup.json").read_text())
    except FileNotFoundError:
        raise ClusterError(f"{source} 不是onemap备份 / not an onemap backup directory") from None
    target = Cluster(into.expanduser().resolve())
    if target.state_file.exists() or target.pgdata.exists():
        raise ClusterError(
            f"{target.data_dir} 已有集群 / already holds a cluster: restore into a new directory"
        )
    base = choose_base(source, to_time)
    target.data_dir.mkdir(parents=True, exist_ok=True)
    target.server_dir.mkdir(mode=0o700, exist_ok=True)
    shutil.copytree(base, target.pgdata, ignore=shutil.ignore_patterns("onemap-backup.json"))
    target.pgdata.chmod(0o700)
    restore_from = shlex_path(source / "wal")
    settings = [
        f"restore_command = 'cp {restore_from}/%f %p'",
        "recovery_target_action = 'promote'",
    ]
    if to_time is not None:
        settings.append(f"recovery_target_time = '{to_time.isoformat()}'")
    (target.pgdata / RECOVERY_CONF).write_text("\n".join(settings) + "\n")
    with (target.pgdata / "postgresql.conf").open("a") as conf:
        conf.write(f"include_if_exists = '{RECOVERY_CONF}'\n")
    (target.pgdata / "recovery.signal").touch()
    (target.pgdata / "postmaster.pid").unlink(missing_ok=True)
    _give_to_server_user(target.server_dir)
    state = {**kept, "port": _free_port()}  # no wal_archive: back the new cluster up anew
    target.state_file.write_text(json.dumps(state, indent=2))
    target.state_file.chmod(0o600)
    target.start()
    _wait_promoted(target)
    (target.pgdata / RECOVERY_CONF).unlink(missing_ok=True)
    return RestoreResult(target, target.url(), base, time.monotonic() - started)


def shlex_path(path: Path) -> str:
    """``path`` quoted for the shell, inside a single-quoted postgresql.conf value."""
    import shlex

    return shlex.quote(str(path)).replace("'", "''")


def _wait_promoted(cluster: Cluster) -> None:
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while True:
        try:
            with psycopg.connect(_libpq(cluster), autocommit=True, connect_timeout=5) as conn:
                row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if row is not None and not row[0]:
                    return
        except psycopg.OperationalError:
            if not cluster.is_running():
                log = cluster.log_file.read_text(errors="replace").strip().splitlines()
                raise ClusterError(f"恢复失败 / recovery failed: {' '.join(log[-3:])}") from None
        if time.monotonic() > deadline:
            raise ClusterError(f"恢复超时 / recovery did not finish in {RECOVERY_TIMEOUT_S} s")
        time.sleep(0.2)
