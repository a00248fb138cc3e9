"""``onemap load FILE... --layer ID``: files into a layer of the park database.

Exit status: 0 every row loaded; 3 some rows rejected (see the rejects file); 2 an input that
cannot be used at all (unreadable file, unknown layer or CRS, missing required column); 1 the
database cannot be used. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from etl.crs import parse_crs
from etl.errors import DatabaseError, EtlError
from etl.load import LoadReport, load_file, loadable_layer
from etl.rejects import default_rejects_path
from layers import UnknownLayerError
from onemap.database import cli_actor, database_url, engine_for
from onemap.errors import OnemapError

EXIT_REJECTS = 3
EXIT_UNUSABLE = 2


def _fail(message: object, code: int) -> NoReturn:
    click.echo(f"错误 / error: {message}", err=True)
    raise SystemExit(code)


def _rejects_for(rejects: Path | None, file: Path, several: bool) -> str | None:
    if rejects is None:
        return None
    if several or rejects.is_dir():
        return str(rejects / default_rejects_path(file).name)
    return str(rejects)


def _summary(report: LoadReport, strict: bool) -> str:
    width = max(len(str(report.read)), 1)
    lines = [
        f"{report.path} → {report.layer}",
        f"  读取 / read:      {report.read:>{width}}",
        f"  新增 / inserted:  {report.inserted:>{width}}",
        f"  更新 / updated:   {report.updated:>{width}}",
        f"  拒绝 / rejected:  {report.rejected:>{width}}",
    ]
    if report.rejects_path:
        lines.append(f"  拒绝明细 / rejects file: {report.rejects_path}")
    if strict and report.rejected:
        lines.append("  严格模式：未导入任何行 / --strict: nothing was loaded")
    if report.ignored_columns:
        lines.append(f"  忽略的列 / ignored columns: {', '.join(report.ignored_columns)}")
    return "\n".join(lines)


def load_and_report(path: Path, layer_id: str, *, strict: bool = False, label: str = "") -> bool:
    """Load one file as part of a batch (demo, standards), echo a one-line report, and return
    whether any row was rejected. An unusable file ends the batch with its exit status."""
    engine = engine_for(database_url())
    try:
        report = load_file(path, layer_id, engine, strict=strict, actor=cli_actor())
    except EtlError as exc:
        _fail(f"{path}: {exc}", exc.exit_code)
    line = (
        f"{label}{path.name}: read {report.read}, inserted {report.inserted}, "
        f"updated {report.updated}, rejected {report.rejected}"
    )
    if report.rejects_path:
        line += f" → {report.rejects_path}"
    click.echo(line)
    return report.rejected > 0


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--layer",
    "layer_id",
    required=True,
    metavar="ID",
    help="目标图层 / target layer id (e.g. enterprises, observations).",
)
@click.option(
    "--crs",
    default=None,
    metavar="CRS",
    help="坐标系 / coordinates of CSV/XLSX or files declaring none: EPSG:4490, EPSG:4549, "
    "gcj02, bd09 ... (default WGS84).",
)
@click.option(
    "--rejects",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PATH",
    help="拒绝明细文件 / rejects CSV (default <input stem>.rejects.csv beside the input; "
    "a directory when several files are given).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="有错误行则整个文件不导入 / load nothing from a file with bad rows.",
)
def load(
    files: tuple[Path, ...],
    layer_id: str,
    crs: str | None,
    rejects: Path | None,
    strict: bool,
) -> None:
    """导入数据文件 / Load GeoJSON, GeoPackage, Shapefile (.shp/.zip), CSV (.csv/.csv.gz) or
    XLSX files into a layer: headers may be the field names or their Chinese titles; rows are
    upserted on the layer's natural key; bad rows go to a rejects file with their reasons."""
    try:
        loadable_layer(layer_id)
        if crs is not None:
            parse_crs(crs)
    except (UnknownLayerError, EtlError) as exc:
        _fail(exc, EXIT_UNUSABLE)
    several = len(files) > 1
    if several and rejects is not None and rejects.exists() and not rejects.is_dir():
        _fail(
            "多个文件时 --rejects 应为目录 / with several files --rejects must be a directory",
            EXIT_UNUSABLE,
        )
    try:
        engine = engine_for(database_url())
    except OnemapError as exc:
        _fail(exc, exc.exit_code)

    status = 0
    for file in files:
        try:
            report = load_file(
                file,
                layer_id,
                engine,
                crs=crs,
                rejects_path=_rejects_for(rejects, file, several),
                strict=strict,
                actor=cli_actor(),
            )
        except DatabaseError as exc:
            _fail(exc, exc.exit_code)
        except (UnknownLayerError, EtlError) as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            status = EXIT_UNUSABLE
            continue
        click.echo(_summary(report, strict))
        if report.rejected and status == 0:
            status = EXIT_REJECTS
    # SystemExit rather than ctx.exit: the group runs with standalone_mode=False, where click
    # returns ctx.exit's status instead of exiting with it.
    if status:
        raise SystemExit(status)
