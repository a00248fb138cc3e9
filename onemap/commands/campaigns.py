"""``onemap campaigns``: the manual sampling campaigns (noise, groundwater, soil): load a
campaign's samples and judge them by GB 3096, GB/T 14848 and GB 36600."""

from __future__ import annotations

import click


@click.group("campaigns")
def campaigns() -> None:
    """手工监测批次 / sampling campaigns: noise, groundwater, soil."""


def _judge(everything: bool) -> dict[str, int]:
    from etl.dates import configured_timezone
    from monitoring.campaigns import judge_stored
    from onemap.database import database_url, engine_for

    with engine_for(database_url()).begin() as connection:
        return judge_stored(connection, configured_timezone(), everything=everything)


def _say(counts: dict[str, int]) -> None:
    shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    click.echo(f"判定 / judged: {shown}")


@campaigns.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load(path: str) -> None:
    """入库并判定 / load a campaign file (CSV, XLSX) into campaign_samples and judge it."""
    from etl.load import load_file
    from onemap.database import database_url, engine_for

    report = load_file(path, "campaign_samples", engine_for(database_url()))
    click.echo(
        f"入库 / loaded {report.inserted} new, {report.updated} updated, "
        f"拒绝 / rejected {report.rejected}"
        + (f" (see {report.rejects_path})" if report.rejects_path else "")
    )
    _say(_judge(everything=False))


@campaigns.command("judge")
@click.option("--all", "everything", is_flag=True, help="全部重判 / judge every sample again.")
def judge(everything: bool) -> None:
    """判定样品 / judge the samples not judged yet (or all of them)."""
    _say(_judge(everything))
