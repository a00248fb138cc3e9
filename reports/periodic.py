"""The periodic environmental reports (daily to annual) and the exceedance and disconnection
reports: sections built from one :func:`reports.gather.gather` of the period."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from reports.figures import park_map
from reports.gather import PeriodData, gather
from reports.model import Column, Note, Report, Section, Table
from reports.periods import Period
from reports.sections.air import air_section, park_daily_aqi
from reports.sections.casework import casework_section
from reports.sections.common import parameter_name
from reports.sections.data_quality import data_quality_section, disconnections, rates
from reports.sections.sources import sources_section
from reports.sections.water import water_section


def _now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_report(kind: str, zh: str, en: str, period: Period, data: PeriodData) -> Report:
    return Report(kind, period, zh, en, data.park_name, _now_utc())


def _has_data(data: PeriodData) -> bool:
    return not data.observations.empty


def map_section(engine: sa.Engine, data: PeriodData) -> Section:
    """The park map with the period's exceedances and alerts."""
    zh, en = data.period.title()
    figure = park_map(
        engine,
        data.stations,
        data.judgement.events,
        data.alerts,
        (f"{data.park_name} {zh}超标与告警分布", f"Exceedances and alerts, {en}"),
    )
    return Section("map", "超标与告警分布图", "Map of exceedances and alerts", [figure])


def _highlights(data: PeriodData) -> list[tuple[str, str, str]]:
    park = park_daily_aqi(data.judgement.daily_aqi)
    good = park["aqi"].le(100).mean() * 100 if len(park) else None
    quality = rates(data)
    capture = quality["capture_pct"].mean() if len(quality) else None
    return [
        (
            "优良天数比例",
            "Good-air days",
            f"{good:.1f} %" if good is not None else "无数据 no data",
        ),
        ("超标事件", "Exceedance events", str(len(data.judgement.events))),
        ("告警", "Alerts", str(len(data.alerts))),
        (
            "平均数据捕获率",
            "Mean capture rate",
            f"{capture:.1f} %" if capture is not None else "无数据 no data",
        ),
    ]


def environmental_report(engine: sa.Engine, period: Period, kind: str, zh: str, en: str) -> Report:
    """A periodic report: air, water, sources, data quality, the map and casework."""
    data = gather(engine, period)
    report = _new_report(kind, zh, en, period, data)
    if not _has_data(data):
        report.section("no_data", "说明", "Note").add(
            Note(
                "本报告期没有监测数据，以下各部分为空。",
                "There are no monitoring data for this period: the parts below are empty.",
            )
        )
    report.highlights = _highlights(data)
    report.sections += [
        air_section(data),
        water_section(data),
        sources_section(data, engine),
        data_quality_section(data),
        map_section(engine, data),
        casework_section(data, engine),
    ]
    return report


def exceedance_report(engine: sa.Engine, period: Period) -> Report:
    """Every exceedance event of the period with its limit and peak, and the map."""
    data = gather(engine, period)
    report = _new_report("exceedance", "超标报告", "Exceedance report", period, data)
    events = data.judgement.events
    names = data.stations.set_index("code")["name"]
    section = report.section("events", "超标事件", "Exceedance events")
    section.add(
        Table(
            "超标事件清单",
            "Every exceedance event",
            (
                Column("站点", "Station"),
                Column("因子", "Parameter"),
                Column("时段", "Period"),
                Column("开始", "Start"),
                Column("结束", "End (last value)"),
                Column("峰值", "Peak"),
                Column("限值", "Limit"),
                Column("单位", "Unit"),
                Column("标准", "Standard"),
                Column("数值个数", "Values"),
            ),
            [
                (
                    f"{r.station_code} {names.get(r.station_code, '')}",
                    parameter_name(r.parameter),
                    r.period,
                    r.start.strftime("%Y-%m-%d %H:%M"),
                    r.end.strftime("%Y-%m-%d %H:%M"),
                    float(r.peak),
                    float(r.limit_value),
                    r.unit,
                    f"{r.standard} {r.edition or ''} {r.quality_class or ''}".strip(),
                    int(r.n_values),
                )
                for r in events.sort_values("start").itertuples()
            ],
        )
    )
    report.highlights = [("超标事件", "Exceedance events", str(len(events)))]
    report.sections += [sources_section(data, engine), map_section(engine, data)]
    return report


def disconnection_report(engine: sa.Engine, period: Period) -> Report:
    """Every disconnection of the period with its duration, and the stations' rates."""
    data = gather(engine, period)
    report = _new_report("disconnection", "断线报告", "Disconnection report", period, data)
    report.sections.append(data_quality_section(data, full=True))
    report.highlights = [("断线次数", "Disconnections", str(len(disconnections(data))))]
    return report
