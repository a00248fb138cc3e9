"""``onemap standards load``: the standards' limits (data/standards/*.csv) into
``standard_limits``, upserted on (standard, edition, parameter, class, period, valid_from).

Exit status: 0 every row loaded; 3 some rows rejected; 2 a file that cannot be used; 1 the
database cannot be used.
"""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DIR = Path("data/standards")
EXIT_REJECTS = 3


@click.group("standards")
def standards() -> None:
    """环境标准限值 / limits of the environmental standards, with their editions."""


@standards.command("load")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="标准数据目录 / directory of the standards' CSV files.",
)
def load(directory: Path) -> None:
    """导入标准限值 / load every CSV of the directory into standard_limits."""
    from onemap.commands.load import load_and_report

    files = sorted(p for p in directory.glob("*.csv") if not p.name.endswith(".rejects.csv"))
    if not files:
        click.echo(f"错误 / error: {directory} 中没有CSV / no CSV files in {directory}", err=True)
        raise SystemExit(2)
    rejected = False
    for path in files:
        rejected |= load_and_report(path, "standard_limits")
    from etl.parameter_dictionary import write_parameter_dictionary
    from onemap.database import database_url, engine_for

    written = write_parameter_dictionary(engine_for(database_url()))
    click.echo(f"parameters: {written} 因子及现行限值 / parameters with the limits in force")
    if rejected:
        raise SystemExit(EXIT_REJECTS)
