"""The ``onemap`` command: one click group, one module per command under onemap/commands."""

from __future__ import annotations

import sys

import click

from onemap.commands.analyse import analyse
from onemap.commands.campaigns import campaigns
from onemap.commands.cases import cases
from onemap.commands.db import db
from onemap.commands.demo import demo
from onemap.commands.hj212 import hj212
from onemap.commands.load import load
from onemap.commands.plot import plot
from onemap.commands.province import province
from onemap.commands.qgis_project import qgis_project
from onemap.commands.quality import quality
from onemap.commands.report import report
from onemap.commands.roles import roles
from onemap.commands.serve import serve
from onemap.commands.standards import standards
from onemap.commands.tokens import tokens
from onemap.commands.units import install_units_command
from onemap.commands.users import users
from onemap.errors import OnemapError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """园区生态环境一张图 / onemap: the GIS one-map of an industrial park."""


for _command in (
    db,
    province,
    load,
    demo,
    analyse,
    hj212,
    cases,
    campaigns,
    standards,
    serve,
    plot,
    quality,
    report,
    users,
    roles,
    tokens,
    qgis_project,
    install_units_command,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point: user errors become one line on stderr and their exit status."""
    try:
        # Without standalone mode click returns a command's ctx.exit() status instead of
        # exiting with it; pass it on.
        status = cli.main(standalone_mode=False)
    except OnemapError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("已中止 / aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(status if isinstance(status, int) else 0)
