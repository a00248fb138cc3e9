"""``onemap quality``: judge a time range against the standards — exceedance events with the
trace each calls for, the daily and hourly AQI, water classes and station status — as tables."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd


def _timestamp(text: str) -> pd.Timestamp:
    moment = pd.Timestamp(text)
    if moment.tzinfo is None:
        raise click.BadParameter(
            f"{text!r} 需带时区 / needs a time zone, e.g. 2025-01-01T00:00+08:00"
        )
    return moment


def _station_types() -> dict[str, str]:
    """Every spelling of a station type (id, Chinese and English titles, aliases) → its id."""
    from layers import get_layer

    spellings: dict[str, str] = {}
    for option in get_layer("stations").field("type").choices:
        for name in (option.value, option.zh, option.en, *option.aliases):
            spellings[str(name).casefold()] = str(option.value)
    return spellings


def offline_after_option(text: str | None) -> dict[str, pd.Timedelta]:
    """``surface_water=12h,air=3h`` → {station type: time without data before offline}."""
    if not text:
        return {}
    types = _station_types()
    known = ", ".join(sorted(set(types.values())))
    thresholds: dict[str, pd.Timedelta] = {}
    for item in text.split(","):
        kind, sep, duration = (part.strip() for part in item.partition("="))
        if not sep or kind.casefold() not in types:
            raise click.BadParameter(
                f"{item.strip()!r}：应为 站点类型=时长 / expected TYPE=DURATION, "
                f"TYPE one of {known}",
                param_hint="--offline-after",
            )
        try:  # a bare number would be nanoseconds: a unit is required
            span = pd.Timedelta(duration) if not duration.replace(".", "").isdigit() else pd.NaT
        except ValueError:
            span = pd.NaT
        if pd.isna(span) or span <= pd.Timedelta(0):
            raise click.BadParameter(
                f"{duration!r} 不是带单位的正时长 / is not a positive duration with a unit, "
                "e.g. 12h, 90min, 1d",
                param_hint="--offline-after",
            )
        thresholds[types[kind.casefold()]] = span
    return thresholds


@click.command("quality")
@click.option("--start", required=True, help="开始时间（含时区）/ start, ISO 8601 with zone.")
@click.option("--end", required=True, help="结束时间（不含）/ end (exclusive), with zone.")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="写出 events.csv, daily_aqi.csv, hourly_aqi.csv, water_classes.csv, status.csv 的目录 / "
    "directory for the five CSV tables; default: print a summary only.",
)
@click.option(
    "--store",
    is_flag=True,
    help="写入超标事件图层并更新站点状态 / store the events in the exceedances layer and the "
    "status in the stations layer, where the API and the map read them.",
)
@click.option(
    "--offline-after",
    metavar="TYPE=DURATION,...",
    help="按站点类型的离线判定时长 / time without data after which a station of a type is "
    "offline, e.g. surface_water=12h,air=3h (default: three reporting cycles: 3 h for hourly "
    "stations, 12 h for 4-hourly water sampling).",
)
def quality(
    start: str, end: str, output_dir: Path | None, store: bool, offline_after: str | None
) -> None:
    """环境质量评价 / judge the observations of [start, end) against the standards."""
    from sqlalchemy import text

    from monitoring.quality.follow_up import with_follow_ups
    from monitoring.quality.judge import judge
    from onemap.database import database_url, engine_for

    begin, finish = _timestamp(start), _timestamp(end)
    if finish <= begin:
        raise click.BadParameter("结束时间须晚于开始时间 / end must be after start")
    thresholds = offline_after_option(offline_after)
    engine = engine_for(database_url())
    if store:
        from sources.loads import loads_while

        # the database sums the outfalls' loads while the judgement runs here
        result, loads = loads_while(
            engine, begin, finish, lambda: judge(engine, begin, finish, offline_after=thresholds)
        )
    else:
        result = judge(engine, begin, finish, offline_after=thresholds)
    with engine.connect() as conn:
        stations = pd.read_sql(
            text("SELECT code, type, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM stations"), conn
        ).set_index("code")
    events = with_follow_ups(result.events, stations)
    click.echo(f"超标事件 / exceedance events: {len(events)}")
    if not events.empty:
        counts = events.groupby(["station_code", "parameter"]).size().sort_values(ascending=False)
        for (station, parameter), n in counts.head(10).items():
            click.echo(f"  {station:<8} {parameter:<8} {n:>5}")
    click.echo(f"日AQI / daily AQI rows: {len(result.daily_aqi)}")
    click.echo(f"小时AQI / hourly AQI rows: {len(result.hourly_aqi)}")
    if not result.hourly_aqi.empty:
        latest = result.hourly_aqi.sort_values("time").groupby("station_code").tail(1)
        for row in latest.sort_values("station_code").itertuples(index=False):
            click.echo(
                f"  {row.station_code:<8} {row.time:%Y-%m-%d %H:%M} AQI {row.aqi:>4.0f}"
                f"  {row.primary or '-'}"
            )
    click.echo(f"水质类别 / water-class rows: {len(result.water_classes)}")
    status_counts = result.status["status"].value_counts().to_dict()
    click.echo(f"站点状态 / station status: {status_counts}")
    if store:
        from monitoring.from_exceedances import alerts_from_exceedances
        from monitoring.quality.store import store_judgement

        stored = store_judgement(engine, result, begin, finish, as_of=finish)
        with engine.begin() as connection:
            alerts = alerts_from_exceedances(
                connection, begin.to_pydatetime(), finish.to_pydatetime(), finish.to_pydatetime()
            )
        click.echo(
            f"已写入 / stored: {stored.events} 事件 / events, {stored.stations} 站点状态 / "
            f"stations, {alerts} 告警 / alerts"
        )
        from sources.store import store_sources

        sources = store_sources(engine, begin, finish, as_of=finish, loads=loads)
        click.echo(f"已写入 / stored: {sources.loads} 排放量 / discharge loads")
        for row in sources.totals[sources.totals["total_status"] != "normal"].itertuples():
            click.echo(
                f"总量预警 / total warning: {row.credit_code} {row.parameter} {row.year} "
                f"{row.emitted_t:.3g} / {row.permitted_t:g} t ({row.share_pct:g} %, "
                f"{row.total_status})"
            )
        from sources.declarations import register_findings

        on = (finish - pd.Timedelta(microseconds=1)).date()
        with engine.connect() as connection:
            found = register_findings(connection, on.year, on)
        click.echo(
            f"已受理申报 / accepted declarations {on.year}: "
            f"固废超许可 / solid waste above its permit {len(found.solid_waste)}, "
            f"泄漏逾期未修复 / leaks repaired late {len(found.late_leaks)}"
        )
        if sources.expired_permits is not None:
            for row in sources.expired_permits.itertuples():
                click.echo(
                    f"许可限值已失效 / permit limit out of date: {row.outfall_code} "
                    f"{row.parameter} (valid to {row.valid_to}; judged by the standard)"
                )
        if sources.manual is not None and not sources.manual.empty:
            over = sources.manual["exceeded"].fillna(False).astype(bool)
            click.echo(
                f"手工监测 / manual results judged: {len(sources.manual)}, "
                f"超标 / exceeded: {int(over.sum())}"
            )
        for row in sources.park[sources.park["total_status"] != "normal"].itertuples():
            click.echo(
                f"园区总量预警 / park total warning: {row.parameter} {row.year} "
                f"{row.emitted_t:.3g} / {row.target_t:g} t ({row.share_pct:g} %, "
                f"{row.total_status})"
            )
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        events = events.assign(
            trace_inputs=events["trace_inputs"].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else None
            )
        )
        for name, frame in (
            ("events", events),
            ("daily_aqi", result.daily_aqi),
            ("hourly_aqi", result.hourly_aqi),
            ("water_classes", result.water_classes),
            ("status", result.status),
        ):
            frame.to_csv(output_dir / f"{name}.csv", index=False, encoding="utf-8-sig")
        click.echo(f"已写入 / written: {output_dir}", err=True)
