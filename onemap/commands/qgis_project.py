"""``onemap qgis-project -o FILE``: the ready QGIS project of the API, as ``/qgis/onemap.qgz``
serves it (qgisproject), for a server at ``--url`` (default ``ONEMAP_PUBLIC_URL``)."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("qgis-project")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="输出文件 / output file (.qgz, or .qgs for plain XML).",
)  # fmt: skip
@click.option("--url", default=None, help="API 地址 / the API's URL (…/ogcapi).")
@click.option(
    "--authcfg", default=None,
    help="QGIS 认证配置ID / id of the QGIS authentication configuration holding a token.",
)  # fmt: skip
def qgis_project(output: Path, url: str | None, authcfg: str | None) -> None:
    """生成QGIS工程 / write the QGIS project of every public collection."""
    from geoapi.app import MOUNT, public_url
    from geoapi.query import collection_layers, public_fields
    from qgisproject.hillshade import CRS
    from qgisproject.project import Raster, project_qgz, project_xml
    from qgisproject.routes import AUTHCFG, HILLSHADE_URL
    from webmap.page import DEFAULT_DEM, ENV_DEM

    if authcfg is not None and not AUTHCFG.match(authcfg):
        raise click.BadParameter(
            "须为7位字母数字 / must be 7 letters or digits", param_hint="authcfg"
        )
    server = (url or public_url()).rstrip("/")
    dem = Path(os.environ.get(ENV_DEM) or DEFAULT_DEM)
    rasters = []
    if dem.is_file():
        hillshade = server.removesuffix(MOUNT) + HILLSHADE_URL
        rasters.append(Raster("onemap_hillshade", "山体阴影", hillshade, CRS))
    qgs = project_xml(collection_layers(), public_fields, server, rasters, None, authcfg)
    output.write_bytes(qgs if output.suffix == ".qgs" else project_qgz(qgs, output.stem))
    click.echo(f"已写入 / written: {output} ({len(collection_layers())} layers of {server})")
