"""``onemap demo generate|load|cases``: the demo park's data (data/demo), written and loaded, and
a year of demo cases.

``load`` exit status: 0 every row of every file loaded; 3 some rows rejected (see the rejects
files beside the inputs); 2 a file that cannot be used at all; 1 the database cannot be used.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

DEFAULT_DIR = Path("data/demo")
#: Formats looked for, in order, for a layer whose id is the file's stem.
SUFFIXES = (".geojson", ".gpkg", ".shp", ".zip", ".csv", ".csv.gz", ".xlsx")
EXIT_REJECTS = 3


def layer_file(directory: Path, layer_id: str) -> Path | None:
    """The file holding ``layer_id`` in ``directory`` (named by the layer id), if any."""
    for suffix in SUFFIXES:
        candidate = directory / f"{layer_id}{suffix}"
        if candidate.is_file():
            return candidate
    return None


@click.group()
def demo() -> None:
    """示例园区数据 / the demo park's data."""


@demo.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="输出目录 / output directory.",
)
@click.option("--seed", type=int, default=None, help="随机种子 / random seed (default 20261122).")
@click.option("--quick", is_flag=True, help="不生成全年监测数据 / skip the year of observations.")
def generate(out: Path, seed: int | None, quick: bool) -> None:
    """生成示例园区 / write the demo park's files (deterministic for a seed)."""
    from etl.demo.generate import DEFAULT_SEED
    from etl.demo.generate import generate as write_demo

    started = time.perf_counter()
    counts = write_demo(out, seed if seed is not None else DEFAULT_SEED, full=not quick)
    elapsed = time.perf_counter() - started
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        click.echo(f"{name:<{width}}  {count:>9,}")
    click.echo(f"已写入 / written: {out} in {elapsed:.1f} s")


@demo.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=DEFAULT_DIR,
    show_default=True,
    help="数据目录 / data directory.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="某文件有拒绝行则该文件不导入 / load nothing of a file with a rejected row.",
)
def load(directory: Path, strict: bool) -> None:
    """按图层顺序导入示例数据 / load every layer's file, in registry order."""
    import sqlalchemy as sa

    from layers import REGISTRY
    from onemap.commands.load import load_and_report
    from onemap.database import database_url, engine_for

    engine = engine_for(database_url())
    rejected = False
    for layer in REGISTRY:
        path = layer_file(directory, layer.id)
        if path is None:
            click.echo(f"{layer.id:<19} — 无文件 / no file, skipped")
            continue
        rejected |= load_and_report(path, layer.id, strict=strict, label=f"{layer.id:<19} ")
    from etl.parameter_dictionary import write_parameter_dictionary

    written = write_parameter_dictionary(engine)
    click.echo(f"{'parameters':<19} {written} 因子 / from the HJ 212 catalogue")
    click.echo("表行数 / rows per table:")
    with engine.connect() as connection:
        for layer in REGISTRY:
            rows = connection.execute(sa.text(f'SELECT count(*) FROM "{layer.id}"')).scalar_one()
            click.echo(f"  {layer.id:<19} {rows:>9,}")
    if rejected:
        raise SystemExit(EXIT_REJECTS)


@demo.command(name="cases")
@click.option("--seed", type=int, default=None, help="随机种子 / random seed (default 20261203).")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="截止时间 / the year of cases ends here (ISO 8601, default now).",
)
def cases_command(seed: int | None, as_of: str | None) -> None:
    """写入一年的示例案件 / write a year of demo cases (after `onemap quality --store`)."""
    import datetime as dt

    import sqlalchemy as sa

    from cases.demo import DEFAULT_SEED, load_demo_cases
    from cases.documents import DocumentStore
    from cases.values import parse_time
    from onemap.cluster import default_data_dir
    from onemap.database import cli_actor, database_url, engine_for

    engine = engine_for(database_url())
    with engine.connect() as connection:
        loaded = connection.execute(
            sa.text(
                "SELECT EXISTS (SELECT 1 FROM case_transitions WHERE actor = 'user:demo-staff')"
            )
        ).scalar_one()
    if loaded:
        click.echo("示例案件已写入 / the demo cases are loaded already: nothing written")
        return
    end = parse_time(as_of, "--as-of") if as_of else dt.datetime.now(dt.UTC)
    store = DocumentStore.configured(default_data_dir() / "documents")
    counts = load_demo_cases(
        engine, cli_actor(), end, DEFAULT_SEED if seed is None else seed, store
    )
    for kind, count in counts.items():
        click.echo(f"  {kind:<19} {count:>6}")
