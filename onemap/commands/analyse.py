"""``onemap analyse ID --param value ...``: run one analysis of the registry from the shell.

The subcommands and their options are generated from ``analytics.registry``: each parameter of
an analysis's model becomes ``--name`` (``--name-with-dashes`` works too), and its value is
validated by that model. The result is printed as GeoJSON, or written as CSV/XLSX with
``--format`` and ``--output``. Bad input is one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
import typing
from pathlib import Path
from typing import Any

import click

from onemap.errors import OnemapError


class AnalysisInputError(OnemapError):
    """An analysis refused its input (bad parameter, or something named that does not exist)."""

    exit_code = 2


class DatabaseUnavailableError(OnemapError):
    """The database could not be reached or is not at the expected schema."""

    exit_code = 1


def _allowed(annotation: Any) -> str:
    """``8|16`` for a Literal (also inside Optional), else ''."""
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return "|".join(str(a) for a in typing.get_args(arg))
    return ""


def _options(analysis: Any) -> list[click.Parameter]:
    options: list[click.Parameter] = []
    for name, field in analysis.parameters.model_fields.items():
        declarations = [f"--{name}"]
        if "_" in name:
            declarations.append(f"--{name.replace('_', '-')}")
        allowed = _allowed(field.annotation)
        help_text = field.description or ""
        if allowed:
            help_text += f" [{allowed}]"
        if not field.is_required() and field.default is not None:
            help_text += f" (default: {field.default})"
        options.append(
            click.Option(
                [*declarations, name],  # the bare name is the keyword the callback receives
                type=str,
                required=field.is_required(),
                default=None,
                help=help_text,
                metavar=allowed or "VALUE",
            )
        )
    options += [
        click.Option(
            ["--format", "output_format"],
            type=click.Choice(["geojson", "csv", "xlsx"]),
            default="geojson",
            show_default=True,
            help="输出格式 / output format",
        ),
        click.Option(
            ["--output", "-o"],
            type=click.Path(dir_okay=False, path_type=Path),
            help="输出文件（xlsx必填）/ output file (required for xlsx; default stdout)",
        ),
    ]
    return options


def _command(analysis: Any) -> click.Command:
    def run(output_format: str, output: Path | None, **values: str | None) -> None:
        from sqlalchemy.exc import DBAPIError

        from analytics.errors import AnalysisError
        from analytics.export import write
        from onemap.database import database_url, engine_for

        if output_format == "xlsx" and output is None:
            raise click.UsageError("--format xlsx 需要 --output / --format xlsx needs --output")
        given = {k: v for k, v in values.items() if v is not None}
        try:
            params = analysis.validate(given, strings=True)
            result = analysis.run(engine_for(database_url()), params)
        except AnalysisError as exc:
            raise AnalysisInputError(str(exc)) from None
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise DatabaseUnavailableError(
                f"数据库查询失败 / the database query failed: {reason} "
                "(is the database up and migrated? `onemap db up`)"
            ) from None
        # an analysis that sums itself up (emergency-response) says so to the person at once
        for member in ("summary_zh", "summary_en"):
            if result.get(member):
                click.echo(result[member], err=True)
        if output_format == "geojson":
            text = json.dumps(result, ensure_ascii=False, indent=1)
            if output is None:
                click.echo(text)
            else:
                output.write_text(text + "\n", encoding="utf-8")
        elif output is None:
            _csv_stdout(result)
        else:
            write(result, output, output_format)  # type: ignore[arg-type]
        if output is not None:
            click.echo(f"已写入 / written: {output}", err=True)

    return click.Command(
        analysis.id,
        callback=run,
        params=_options(analysis),
        help=f"{analysis.title_zh} / {analysis.title_en}\n\n{analysis.description_en}\n\n"
        f"Output: {analysis.output_en}",
        short_help=f"{analysis.title_zh} / {analysis.title_en}",
    )


def _csv_stdout(result: dict[str, Any]) -> None:
    import csv

    from analytics.export import table

    header, rows = table(result)
    writer = csv.writer(sys.stdout)
    writer.writerow(header)
    writer.writerows(rows)


class AnalyseGroup(click.Group):
    """Subcommands built from the analysis registry when asked for, so that ``onemap`` starts
    without importing the analyses."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from analytics.registry import ANALYSES

        return [a.id for a in ANALYSES]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from analytics.registry import BY_ID

        analysis = BY_ID.get(cmd_name)
        return None if analysis is None else _command(analysis)


@click.group(cls=AnalyseGroup)
def analyse() -> None:
    """空间分析 / analyses: receptor screening and source tracing.

    Example: onemap analyse receptor-screening --site park --radius_m 5000
    """
