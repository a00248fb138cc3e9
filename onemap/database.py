"""Where the park database is: ONEMAP_DATABASE_URL, or the project's own PostGIS cluster."""

from __future__ import annotations

import contextlib
import contextvars
import getpass
import logging
import os
import time
from collections.abc import Iterator
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from onemap import cluster
from onemap.errors import ClusterError, DatabaseNotRunningError

ENV_URL = "ONEMAP_DATABASE_URL"


def normalise_url(url: str) -> str:
    """The URL with the psycopg 3 driver named, as SQLAlchemy needs it."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def database_url() -> str:
    """The database URL in use: ONEMAP_DATABASE_URL when set, else the running own cluster's."""
    if os.environ.get(ENV_URL):
        return normalise_url(os.environ[ENV_URL])
    own = cluster.Cluster.default()
    if not own.is_running():
        raise DatabaseNotRunningError(
            "数据库未运行，请先执行 onemap db up / the database is not running: "
            "run `onemap db up` (or set ONEMAP_DATABASE_URL)"
        )
    return own.url()


def current_connect_params(url: str) -> dict[str, Any]:
    """Where ``url``'s server is now. A URL of the project's own cluster (its role and generated
    password) follows the cluster's port as ``cluster.json`` records it at this moment, so a
    cluster that had to move port when it restarted is found again without restarting the app;
    any other URL is used as it is (empty result)."""
    parsed = make_url(url)
    if parsed.host not in ("127.0.0.1", "localhost"):
        return {}
    try:
        state = cluster.Cluster.default().state()
    except (OSError, ValueError, ClusterError):
        return {}
    if parsed.username != state.get("role") or parsed.password != state.get("password"):
        return {}
    # the same role and password on another port is another server: a standby made from this
    # cluster (it keeps them), or a pooler in front of it
    former = cast(list[object], state.get("former_ports") or [])
    ports = {int(str(state["port"])), *(int(str(p)) for p in former)}
    if parsed.port is not None and parsed.port not in ports:
        return {}
    return {"host": "127.0.0.1", "port": int(str(state["port"]))}


def live_engine(url: str, **kwargs: Any) -> Engine:
    """A pooled engine on ``url`` that survives database restarts: each connection is checked
    before use (``pool_pre_ping``: a dead one is replaced, and the pool's older ones with it),
    and each new connection is opened where :func:`current_connect_params` says the server is."""
    settings: list[tuple[str, str]] = []
    if transaction_pooling():
        connect_args = dict(kwargs.pop("connect_args", {}))
        # a pooler hands each transaction any server connection: nothing may be prepared on
        # one (psycopg prepares a query run 5 times), and settings are made per transaction
        connect_args["prepare_threshold"] = None
        settings = _startup_settings(str(connect_args.pop("options", "")))
        kwargs["connect_args"] = connect_args
    engine = create_engine(normalise_url(url), pool_pre_ping=True, **kwargs)
    if settings:
        assignments = ", ".join(f"set_config('{k}', '{v}', true)" for k, v in settings)

        @event.listens_for(engine, "begin")
        def _settings_of_this_transaction(connection: Connection) -> None:
            connection.exec_driver_sql(f"SELECT {assignments}")

    @event.listens_for(engine, "do_connect")
    def _connect_where_it_is_now(
        dialect: Any, record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> None:
        cparams.update(current_connect_params(url))

    return engine


ENV_TRANSACTION_POOLING = "ONEMAP_DATABASE_TRANSACTION_POOLING"


def transaction_pooling() -> bool:
    """Whether the database URL is a pooler's in transaction mode (pgbouncer
    ``pool_mode = transaction``; ``ONEMAP_DATABASE_TRANSACTION_POOLING=1``): no prepared
    statements, no session settings."""
    return os.environ.get(ENV_TRANSACTION_POOLING, "").strip().lower() in ("1", "true", "yes")


def _startup_settings(options: str) -> list[tuple[str, str]]:
    """``-c name=value`` pairs of a libpq ``options`` string."""
    words = options.split()
    pairs = []
    for flag, assignment in zip(words[::2], words[1::2], strict=False):
        name, _, value = assignment.partition("=")
        if flag == "-c" and name.replace("_", "").isalnum() and value.replace("_", "").isalnum():
            pairs.append((name, value))
    return pairs


@cache
def engine_for(url: str) -> Engine:
    """One pooled engine per URL for the life of the process."""
    return live_engine(url)


def cli_actor() -> str:
    """Who writes from the command line, as the audit trail records it (``cli:USER``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for the uid (a container)
        return f"cli:uid{os.getuid()}"


ENV_READ_URL = "ONEMAP_DATABASE_READ_URL"
#: After an unreachable replica, reads stay on the primary this long before trying it again.
REPLICA_RETRY_S = 30.0
#: Set for a request that must see its own writes (right after an edit): reads go to the primary.
PREFER_PRIMARY: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "onemap_prefer_primary", default=False
)
_log = logging.getLogger("onemap.database")


def read_url() -> str | None:
    """The read replica's URL (``ONEMAP_DATABASE_READ_URL``), when one is configured."""
    value = os.environ.get(ENV_READ_URL, "").strip()
    return normalise_url(value) if value else None


class ReadRouter:
    """An engine for reads: connections come from the replica, or from the primary while
    :data:`PREFER_PRIMARY` is set or the replica cannot be reached (a warning is logged, no
    error is raised, and the replica is tried again after :data:`REPLICA_RETRY_S`). Anything
    else (``url``, ``dialect``, ``dispose`` ...) is the primary's."""

    def __init__(self, primary: Engine, replica: Engine) -> None:
        self.primary = primary
        self.replica = replica
        self._replica_down_until = 0.0

    def _source(self) -> Engine:
        if PREFER_PRIMARY.get() or time.monotonic() < self._replica_down_until:
            return self.primary
        return self.replica

    def _replica_failed(self, exc: Exception) -> None:
        self._replica_down_until = time.monotonic() + REPLICA_RETRY_S
        _log.warning(
            "只读副本不可用，改读主库 / read replica unreachable, reading from the primary "
            "for %.0f s: %s",
            REPLICA_RETRY_S,
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )

    def connect(self) -> Connection:
        """A connection for reading."""
        source = self._source()
        if source is self.primary:
            return self.primary.connect()
        try:
            return self.replica.connect()
        except OperationalError as exc:
            self._replica_failed(exc)
            return self.primary.connect()

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction, for reading."""
        with self.connect() as connection, connection.begin():
            yield connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self.primary, name)
