"""``onemap serve``: the OGC API (geoapi) under gunicorn, against ``onemap db url``."""

from __future__ import annotations

import os
import sys

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / bind address.")
@click.option("--port", type=int, default=5000, show_default=True, help="端口 / port.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="进程数 / workers."
)
def serve(host: str, port: int, workers: int) -> None:
    """发布 OGC API / serve the one-map OGC API at http://HOST:PORT/ogcapi."""
    from gunicorn.app.base import BaseApplication

    from geoapi.app import ENV_PUBLIC_URL, public_url
    from onemap.database import database_url

    url = database_url()  # fails with a one-line message when no database is running
    os.environ.setdefault(ENV_PUBLIC_URL, public_url(host, port))
    mount = os.environ[ENV_PUBLIC_URL]

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", None)
            self.cfg.set("control_socket_disable", True)

        def load(self) -> object:
            from geoapi.app import create_app

            return create_app(url, mount)

    site = mount.removesuffix("/ogcapi")
    click.echo(f"一张图 / one-map page: {site}/")
    click.echo(f"OGC API Features (QGIS, GDAL): {mount}")
    sys.argv = sys.argv[:1]  # gunicorn parses argv; the options above are already applied
    Server().run()
