"""The project's own private PostgreSQL + PostGIS cluster, run from the system's binaries.

Layout of the data directory (default: the user's data directory, e.g. ~/.local/share/onemap;
``ONEMAP_DATA_DIR`` overrides it)::

    cluster.json     port, role, password and database (mode 600, owned by the invoking user)
    pg/              owned by the server's user
      data/          PGDATA
      server.log     the server's log
      (socket)       the Unix socket, so nothing is written to /var/run

PostgreSQL refuses to run as root. When onemap is run as root the server runs as the
unprivileged system user ``onemap`` (created when missing), and because that user cannot enter
/root the default data directory is then /var/lib/onemap.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shlex
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import platformdirs

from onemap.errors import ClusterError

SERVER_USER = "onemap"
ROLE = "onemap"
DATABASE = "onemap"
ROOT_DATA_DIR = Path("/var/lib/onemap")


def _is_root() -> bool:
    return os.geteuid() == 0


def default_data_dir() -> Path:
    if os.environ.get("ONEMAP_DATA_DIR"):
        return Path(os.environ["ONEMAP_DATA_DIR"]).expanduser().resolve()
    if _is_root():
        return ROOT_DATA_DIR
    return Path(platformdirs.user_data_dir("onemap"))


def find_bindir() -> Path:
    """The newest system PostgreSQL whose PostGIS extension is installed.

    ``ONEMAP_PG_BINDIR`` overrides the search.
    """
    if os.environ.get("ONEMAP_PG_BINDIR"):
        return Path(os.environ["ONEMAP_PG_BINDIR"])
    candidates = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        version = bindir.parent.name
        has_postgis = any(
            Path(share).joinpath(version, "extension", "postgis.control").exists()
            for share in ("/usr/share/postgresql",)
        )
        if (bindir / "initdb").exists() and has_postgis:
            candidates.append((float(version), bindir))
    if not candidates:
        raise ClusterError(
            "未找到带PostGIS的PostgreSQL，请先执行 make setup / no PostgreSQL with PostGIS "
            "found under /usr/lib/postgresql: run `make setup` (installs postgresql and "
            "postgresql-NN-postgis-3), or set ONEMAP_DATABASE_URL"
        )
    return max(candidates)[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_is_free(port: int) -> bool:
    """Whether PostgreSQL could listen on ``port``: probed as PostgreSQL binds, with the address
    reusable, so the connections the last run left in TIME_WAIT do not count as a holder; only a
    socket another process listens on (or holds bound exclusively) does."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _ensure_server_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [
            useradd,
            "--system",
            "--home-dir",
            str(ROOT_DATA_DIR),
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            SERVER_USER,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ClusterError(f"cannot create system user {SERVER_USER!r}: {result.stderr.strip()}")
    return pwd.getpwnam(SERVER_USER)


@dataclass
class Cluster:
    """A private cluster living in ``data_dir``."""

    data_dir: Path
    #: Set by :meth:`start` when the recorded port was held by another process and the cluster
    #: had to move: ``(old, new)``.
    moved: tuple[int, int] | None = None

    @classmethod
    def default(cls) -> Cluster:
        return cls(default_data_dir())

    # -- paths and state ---------------------------------------------------------------------
    @property
    def server_dir(self) -> Path:
        return self.data_dir / "pg"

    @property
    def pgdata(self) -> Path:
        return self.server_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.server_dir / "server.log"

    @property
    def state_file(self) -> Path:
        return self.data_dir / "cluster.json"

    def state(self) -> dict[str, object]:
        try:
            return dict(json.loads(self.state_file.read_text()))
        except FileNotFoundError:
            raise ClusterError(f"no cluster in {self.data_dir}: run `onemap db up` first") from None

    def url(self, database: str = DATABASE) -> str:
        s = self.state()
        return f"postgresql+psycopg://{s['role']}:{s['password']}@127.0.0.1:{s['port']}/{database}"

    # -- running commands as the server's user --------------------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, object] = {}
        if _is_root():
            account = _ensure_server_user()
            kwargs = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        result = subprocess.run(
            list(args),
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=self.server_dir if self.server_dir.exists() else None,
            **kwargs,  # type: ignore[arg-type]
        )
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise ClusterError(f"{Path(args[0]).name} failed: {' '.join(detail[-3:])}")
        return result

    # -- lifecycle ---------------------------------------------------------------------------
    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists() and self.state_file.exists()

    def _check_reachable_by_server_user(self) -> None:
        """The server's user must be able to enter every parent of the data directory."""
        for parent in [self.data_dir, *self.data_dir.parents]:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                raise ClusterError(
                    f"PostgreSQL runs as user {SERVER_USER!r} and cannot enter {parent}: "
                    "choose ONEMAP_DATA_DIR outside it (default /var/lib/onemap when root)"
                )

    def initialise(self) -> None:
        """initdb with a generated password, listening on loopback only."""
        bindir = find_bindir()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if _is_root():
            self._check_reachable_by_server_user()
        self.server_dir.mkdir(mode=0o700, exist_ok=True)
        if _is_root():
            account = _ensure_server_user()
            os.chown(self.server_dir, account.pw_uid, account.pw_gid)
        password = secrets.token_urlsafe(18)
        pwfile = self.server_dir / "pwfile"
        pwfile.write_text(password + "\n")
        if _is_root():
            os.chown(pwfile, account.pw_uid, account.pw_gid)
        try:
            self._run(
                str(bindir / "initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                ROLE,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.pgdata / "postgresql.conf").open("a") as conf:
            conf.write("\n# onemap: port and socket are rewritten at each start\n")
            conf.write("include_if_exists = 'onemap.conf'\n")
        state = {"port": _free_port(), "role": ROLE, "password": password, "bindir": str(bindir)}
        self.state_file.write_text(json.dumps(state, indent=2))
        self.state_file.chmod(0o600)

    def archive_command(self) -> str:
        """The ``archive_command`` for this cluster: copy each finished WAL segment into the
        backup's WAL archive (``onemap db backup`` records it in cluster.json), never
        overwriting one; ``true`` (discard) while no backup has been made."""
        archive = self.state().get("wal_archive")
        if not archive:
            return "true"
        target = shlex.quote(str(Path(str(archive)) / "placeholder")).replace("placeholder", "%f")
        return f"test ! -f {target} && cp %p {target}"

    def _write_runtime_conf(self, port: int) -> None:
        conf = self.pgdata / "onemap.conf"
        archive_command = self.archive_command().replace("'", "''")
        conf.write_text(
            f"port = {port}\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.server_dir}'\n"
            "max_connections = 100\n"
            "shared_buffers = 256MB\n"
            "fsync = on\n"
            # PostGIS functions' high costs make the planner JIT-compile small queries,
            # which costs ~30 ms per analysis query and gains nothing here.
            "jit = off\n"
            # WAL archiving is always on, so that `onemap db backup` needs only a reload; until
            # it has run the command discards. A segment is archived at least every 60 s.
            "archive_mode = on\n"
            f"archive_command = '{archive_command}'\n"
            "archive_timeout = 60\n"
        )
        if _is_root():
            account = _ensure_server_user()
            os.chown(conf, account.pw_uid, account.pw_gid)

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        bindir = Path(str(self.state().get("bindir") or find_bindir()))
        return (
            self._run(
                str(bindir / "pg_ctl"), "status", "-D", str(self.pgdata), check=False
            ).returncode
            == 0
        )

    def start(self) -> None:
        state = self.state()
        port = int(str(state["port"]))
        if not _port_is_free(port):
            # Another process listens there: move, and say so (onemap db up prints it). The app
            # follows, since it reads the port from cluster.json at each new connection.
            old, port = port, _free_port()
            self.moved = (old, port)
            state["port"] = port
            # a URL of a former port still means this cluster (onemap.database follows it);
            # any other port on loopback is another server (a standby, a pooler)
            former = cast(list[object], state.get("former_ports") or [])
            state["former_ports"] = sorted({*(int(str(p)) for p in former), old})
            self.state_file.write_text(json.dumps(state, indent=2))
        self._write_runtime_conf(port)
        bindir = Path(str(state["bindir"]))
        self._run(
            str(bindir / "pg_ctl"),
            "start",
            "-D",
            str(self.pgdata),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
        )

    def reload(self) -> None:
        """Rewrite the runtime configuration (same port) and have the server reread it."""
        self._write_runtime_conf(int(str(self.state()["port"])))
        bindir = Path(str(self.state()["bindir"]))
        self._run(str(bindir / "pg_ctl"), "reload", "-D", str(self.pgdata))

    def set_state(self, **values: object) -> None:
        """Record ``values`` in cluster.json."""
        state = self.state() | values
        self.state_file.write_text(json.dumps(state, indent=2))
        self.state_file.chmod(0o600)

    def stop(self) -> bool:
        """Stop the server; ``False`` when it was not running."""
        if not self.is_running():
            return False
        bindir = Path(str(self.state()["bindir"]))
        self._run(str(bindir / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "fast", "-w")
        return True

    def up(self) -> str:
        """Initialise when needed, start when stopped, make sure the database exists."""
        if not self.is_initialised():
            if self.pgdata.exists() and any(self.pgdata.iterdir()):
                raise ClusterError(
                    f"{self.pgdata} exists but has no onemap state: remove it or set "
                    "ONEMAP_DATA_DIR to another directory"
                )
            self.initialise()
        if not self.is_running():
            self.start()
        self._create_database(DATABASE)
        return self.url()

    def _create_database(self, name: str) -> None:
        import psycopg

        admin = self.url("postgres").replace("postgresql+psycopg", "postgresql")
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(admin, autocommit=True) as conn:
                    exists = conn.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
                    ).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{name}"')
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
