"""Air quality (Jiangsu 8.1; HJ 633-2012): the park's AQI by day as a calendar, days by grade,
primary pollutants, exceedance hours per station and pollutant, against the same period a year
before.

The park's daily AQI is the highest of its air stations' daily AQI (a conservative reading for
a park: the worst place in it), each station's AQI as :func:`monitoring.quality.aqi.daily_aqi`
computes it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reports.gather import PeriodData
from reports.model import Calendar, CalendarDay, Chart, Column, Note, Section, Table
from reports.sections.common import AQI_GRADES, NO_DATA_COLOUR, aqi_grade, parameter_name


def park_daily_aqi(daily: pd.DataFrame) -> pd.DataFrame:
    """Per date, the highest station AQI and that station's primary pollutant."""
    if daily.empty:
        return pd.DataFrame(columns=["date", "aqi", "primary", "station_code"])
    rows = daily.dropna(subset=["aqi"]).sort_values(["date", "aqi"], ascending=[True, False])
    worst = rows.drop_duplicates("date")[["date", "aqi", "primary", "station_code"]]
    return worst.reset_index(drop=True)


def grade_counts(park: pd.DataFrame) -> dict[str, int]:
    """Days per HJ 633 grade (Chinese names, every grade present)."""
    counts = dict.fromkeys((g[1] for g in AQI_GRADES), 0)
    for aqi in park["aqi"]:
        counts[aqi_grade(float(aqi))[0]] += 1
    return counts


def exceedance_hours(events: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    """Per station and parameter: hours over a 1 h limit and days over a 24 h (or 8 h) one."""
    rows = events[events["station_code"].isin(codes)] if not events.empty else events
    if rows.empty:
        return pd.DataFrame(columns=["station_code", "parameter", "hours", "days"])
    n = rows["n_values"].astype(int)
    out = pd.DataFrame(
        {
            "station_code": rows["station_code"].astype(str),
            "parameter": rows["parameter"].astype(str),
            "hours": n.where(rows["period"].eq("1h"), 0),
            "days": n.where(rows["period"].isin(["24h", "8h"]), 0),
        }
    )
    return out.groupby(["station_code", "parameter"], as_index=False)[["hours", "days"]].sum()


def air_section(data: PeriodData) -> Section:
    """The air-quality section of a periodic report."""
    section = Section("air", "环境空气质量", "Ambient air quality")
    codes = set(data.stations.loc[data.stations["type"] == "air", "code"])
    park = park_daily_aqi(data.judgement.daily_aqi)
    if park.empty:
        return section.add(Note("本期无空气质量数据。", "No air-quality data for this period."))
    before = park_daily_aqi(data.year_before.daily_aqi)
    days = []
    by_date = {
        pd.Timestamp(d).date(): (a, p)
        for d, a, p in zip(park["date"], park["aqi"], park["primary"], strict=True)
    }
    day = data.period.first_day
    while day < data.period.end_day:
        if day in by_date:
            aqi, _ = by_date[day]
            days.append(CalendarDay(day, float(aqi), f"{aqi:.0f}", aqi_grade(float(aqi))[2]))
        else:
            days.append(CalendarDay(day, None, "-", NO_DATA_COLOUR))
        day += dt.timedelta(days=1)
    legend = tuple((f"{zh} {en}", colour) for _, zh, en, colour in AQI_GRADES)
    section.add(
        Calendar(
            "日AQI日历", "Daily AQI calendar (the park's highest station)", tuple(days), legend
        )
    )
    counts, counts_before = grade_counts(park), grade_counts(before)
    grades = Table(
        "各级别天数",
        "Days by grade (HJ 633-2012)",
        (
            Column("级别", "Grade"),
            Column("本期", "This period", "d"),
            Column("去年同期", "Same period last year", "d"),
        ),
        [
            (f"{zh} {en}", counts[zh], counts_before[zh] if not before.empty else None)
            for _, zh, en, _ in AQI_GRADES
        ],
    )
    good = counts["优"] + counts["良"]
    rate = 100.0 * good / len(park)
    rate_before = (
        100.0 * (counts_before["优"] + counts_before["良"]) / len(before) if len(before) else None
    )
    section.add(Chart("各级别天数", "Days by grade", grades, "column", 0, (1, 2)))
    summary = Table(
        "优良天数比例",
        "Share of good days",
        (
            Column("指标", "Indicator"),
            Column("本期", "This period"),
            Column("去年同期", "Same period last year"),
        ),
        [
            ("有效天数 / valid days", len(park), len(before) if len(before) else None),
            (
                "优良天数比例 / good or excellent (%)",
                round(rate, 1),
                round(rate_before, 1) if rate_before is not None else None,
            ),
            (
                "平均AQI / mean AQI",
                round(float(park["aqi"].mean()), 1),
                round(float(before["aqi"].mean()), 1) if len(before) else None,
            ),
        ],
    )
    section.add(summary)
    if before.empty:
        section.add(
            Note(
                "去年同期无空气质量数据，无法同比。",
                "No air-quality data for the same period last year: no comparison.",
            )
        )
    primaries = (
        data.judgement.daily_aqi.dropna(subset=["primary"])["primary"]
        .astype(str)
        .str.split(",")
        .explode()
        .str.strip()
    )
    primaries = primaries[primaries.ne("")].value_counts()
    section.add(
        Chart(
            "首要污染物",
            "Primary pollutants (station-days)",
            Table(
                "首要污染物",
                "Primary pollutants",
                (Column("污染物", "Pollutant"), Column("站日数", "Station-days", "d")),
                [(parameter_name(code), int(n)) for code, n in primaries.items()],
            ),
            "bar",
        )
    )
    hours = exceedance_hours(data.judgement.events, codes)
    hours_before = exceedance_hours(data.year_before.events, codes)
    merged = hours.merge(
        hours_before, on=["station_code", "parameter"], how="outer", suffixes=("", "_before")
    ).fillna(0)
    names = data.stations.set_index("code")["name"]
    section.add(
        Table(
            "超标时长",
            "Exceedance hours per station and pollutant",
            (
                Column("站点", "Station"),
                Column("污染物", "Pollutant"),
                Column("超标小时", "Hours over the 1 h limit", "h"),
                Column("超标天数", "Days over the 24 h/8 h limit", "d"),
                Column("去年同期小时", "Hours, last year", "h"),
                Column("去年同期天数", "Days, last year", "d"),
            ),
            [
                (
                    f"{r.station_code} {names.get(r.station_code, '')}",
                    parameter_name(r.parameter),
                    int(r.hours),
                    int(r.days),
                    int(r.hours_before),
                    int(r.days_before),
                )
                for r in merged.sort_values(["station_code", "parameter"]).itertuples()
            ],
        )
    )
    return section
