"""Where the park database is: ONEMAP_DATABASE_URL, or the project's own PostGIS cluster."""

from __future__ import annotations

import getpass
import os
from functools import cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

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
    return {"host": "127.0.0.1", "port": int(str(state["port"]))}


def live_engine(url: str, **kwargs: Any) -> Engine:
    """A pooled engine on ``url`` that survives database restarts: each connection is checked
    before use (``pool_pre_ping``: a dead one is replaced, and the pool's older ones with it),
    and each new connection is opened where :func:`current_connect_params` says the server is."""
    engine = create_engine(normalise_url(url), pool_pre_ping=True, **kwargs)

    @event.listens_for(engine, "do_connect")
    def _connect_where_it_is_now(
        dialect: Any, record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> None:
        cparams.update(current_connect_params(url))

    return engine


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
