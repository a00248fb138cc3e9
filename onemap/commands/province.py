"""``onemap province add-park|harvest|parks``: a provincial instance over many parks."""

from __future__ import annotations

import click

from onemap.database import database_url, engine_for


@click.group()
def province() -> None:
    """省级汇聚 / a provincial instance: harvest many parks' OGC APIs into one database."""


@province.command("add-park")
@click.argument("code")
@click.argument("url")
@click.option("--token", help="该园区签发的令牌，读共享图层 / a bearer token of that park")
def add_park(code: str, url: str, token: str | None) -> None:
    """登记园区 / register the park CODE whose OGC API lands at URL (…/ogcapi)."""
    from province.harvest import add_park as register

    with engine_for(database_url()).begin() as connection:
        register(connection, code, url, token)
    click.echo(f"已登记 / registered {code}: {url}")


@province.command()
def harvest() -> None:
    """汇聚 / harvest every registered park: by each layer's change feed (the park's audit trail,
    deletions too), by datetime where it has none (observations), whole the first time."""
    from province.harvest import harvest as run

    report = run(engine_for(database_url()))
    for (park, collection), read in sorted(report.read.items()):
        key = (park, collection)
        if read or report.deleted[key]:
            click.echo(
                f"{park:<12} {collection:<24} {report.how[key]:<8} read {read:>7}"
                f"  changed {report.changed[key]:>7}  deleted {report.deleted[key]:>7}"
            )
    for park, message in sorted(report.failed.items()):
        click.echo(f"{park:<12} 未汇聚 / not harvested: {message}", err=True)
    if report.failed:
        raise SystemExit(1)


@province.command()
def parks() -> None:
    """园区一览 / the table of parks: enterprises by risk, open alerts, AQI today, stations
    reporting in the last 24 h (from the last harvest)."""
    import datetime as dt
    import zoneinfo

    from province.figures import park_figures

    now = dt.datetime.now(dt.UTC)
    local = now.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    with engine_for(database_url()).connect() as connection:
        rows = park_figures(connection, now, day_start)
    click.echo("park         enterprises major larger open-alerts AQI-today capture")
    for r in rows:
        aqi = "-" if r.aqi_today is None else str(r.aqi_today)
        rate = "-" if r.capture_rate is None else f"{r.capture_rate:.0%}"
        click.echo(
            f"{r.code:<12} {r.enterprises:>11} {r.major_risk:>5} {r.larger_risk:>6} "
            f"{r.open_alerts:>11} {aqi:>9} {rate:>7}"
        )
