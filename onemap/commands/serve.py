"""``onemap serve``: the OGC API (geoapi) under gunicorn, against ``onemap db url``.

Bounded and graceful: a worker that stops answering for ``ONEMAP_WORKER_TIMEOUT_S`` (default
120 s, above the statement timeout) is restarted; on SIGTERM (``systemctl stop|restart``) the
server stops accepting and lets in-flight requests finish for up to
``ONEMAP_GRACEFUL_TIMEOUT_S`` (default 40 s). Logs go to stderr (the journal under systemd) as
one JSON object per line (:mod:`onemap.logs`), one line per request with its request id.
"""

from __future__ import annotations

import os
import sys

import click

ENV_WORKER_TIMEOUT = "ONEMAP_WORKER_TIMEOUT_S"
ENV_GRACEFUL_TIMEOUT = "ONEMAP_GRACEFUL_TIMEOUT_S"
DEFAULT_WORKER_TIMEOUT_S = 120
DEFAULT_GRACEFUL_TIMEOUT_S = 40


def _seconds(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise click.UsageError(f"{name} 须为正整数秒 / must be a whole number of seconds ≥ 1")
    return int(raw)


def logging_config() -> dict[str, object]:
    """gunicorn's ``logconfig_dict``: everything, gunicorn's own lines too, as JSON lines."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "onemap.logs.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / bind address.")
@click.option("--port", type=int, default=5000, show_default=True, help="端口 / port.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="进程数 / workers."
)
@click.option(
    "--threads",
    type=click.IntRange(1, 256),
    default=16,
    show_default=True,
    help="每进程线程数 / threads per worker; each open page's /events stream holds one.",
)
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """发布 OGC API / serve the one-map OGC API at http://HOST:PORT/ogcapi."""
    from gunicorn.app.base import BaseApplication

    from geoapi.app import ENV_PUBLIC_URL, public_url
    from onemap.database import database_url

    worker_timeout = _seconds(ENV_WORKER_TIMEOUT, DEFAULT_WORKER_TIMEOUT_S)
    graceful_timeout = _seconds(ENV_GRACEFUL_TIMEOUT, DEFAULT_GRACEFUL_TIMEOUT_S)
    url = database_url()  # fails with a one-line message when no database is running
    os.environ.setdefault(ENV_PUBLIC_URL, public_url(host, port))
    mount = os.environ[ENV_PUBLIC_URL]

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)  # geoapi.request_log writes one line per request
            self.cfg.set("logconfig_dict", logging_config())
            self.cfg.set("timeout", worker_timeout)
            self.cfg.set("graceful_timeout", graceful_timeout)
            self.cfg.set("control_socket_disable", True)

        def load(self) -> object:
            from geoapi.app import create_app

            return create_app(url, mount)

    site = mount.removesuffix("/ogcapi")
    click.echo(f"一张图 / one-map page: {site}/")
    click.echo(f"OGC API Features (QGIS, GDAL): {mount}")
    sys.argv = sys.argv[:1]  # gunicorn parses argv; the options above are already applied
    Server().run()
