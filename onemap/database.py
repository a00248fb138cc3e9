"""Where the park database is: ONEMAP_DATABASE_URL, or the project's own PostGIS cluster."""

from __future__ import annotations

import getpass
import os
from functools import cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from onemap import cluster
from onemap.errors import DatabaseNotRunningError

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


@cache
def engine_for(url: str) -> Engine:
    """One pooled engine per URL for the life of the process."""
    return create_engine(normalise_url(url), pool_pre_ping=True)


def cli_actor() -> str:
    """Who writes from the command line, as the audit trail records it (``cli:USER``)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for the uid (a container)
        return f"cli:uid{os.getuid()}"
