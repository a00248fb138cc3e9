"""The ``onemap`` command: one click group, one module per command under onemap/commands."""

from __future__ import annotations

import sys

import click

from onemap.commands.db import db
from onemap.errors import OnemapError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """园区生态环境一张图 / onemap: the GIS one-map of an industrial park."""


cli.add_command(db)

for _module, _name in (("onemap.commands.load", "load"), ("onemap.commands.demo", "demo")):
    # Registered when present, so each command lands with the module that implements it.
    try:
        _mod = __import__(_module, fromlist=[_name])
    except ModuleNotFoundError as exc:
        if exc.name != _module:
            raise
    else:
        cli.add_command(getattr(_mod, _name))


def main() -> None:
    """Entry point: user errors become one line on stderr and their exit status."""
    try:
        cli.main(standalone_mode=False)
    except OnemapError as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("已中止 / aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
