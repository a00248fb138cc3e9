"""``onemap plot STATION --kind series|windrose|cpf``: a station's plot as SVG or PNG."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise click.BadParameter(
            f"{text!r} 需带时区 / needs a time zone, e.g. 2025-02-01T00:00+08:00"
        )
    return moment


@click.command("plot")
@click.argument("station")
@click.option(
    "--kind",
    type=click.Choice(["series", "windrose", "cpf"]),
    required=True,
    help="时间序列、风玫瑰或CPF极坐标图 / series, wind rose or CPF polar plot.",
)
@click.option("--parameter", help="HJ 212 因子编码 / HJ 212 code (series and cpf).")
@click.option("--start", required=True, help="开始时间（含时区）/ start, ISO 8601 with zone.")
@click.option("--end", required=True, help="结束时间（不含，含时区）/ end (exclusive).")
@click.option("--met-station", help="气象站编码，默认最近 / met station; default the nearest.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出文件 .svg 或 .png / output file, .svg or .png.",
)
def plot(
    station: str,
    kind: str,
    parameter: str | None,
    start: str,
    end: str,
    met_station: str | None,
    output: Path,
) -> None:
    """站点图表 / render a station's plot."""
    from analytics.errors import AnalysisError
    from analytics.plots.station import station_plot
    from onemap.database import database_url, engine_for

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise click.BadParameter("输出应为 .svg 或 .png / output must end in .svg or .png")
    try:
        image = station_plot(
            engine_for(database_url()),
            station,
            kind,  # type: ignore[arg-type]
            _aware(start),
            _aware(end),
            parameter=parameter,
            fmt=fmt,
            met_station=met_station,
        )  # type: ignore[arg-type]
    except AnalysisError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    output.write_bytes(image)
    click.echo(f"已写入 / written: {output}", err=True)
