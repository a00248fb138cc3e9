"""Data quality (Jiangsu 8.1; HJ 212 transmission): per automatic station its capture rate
(valid values ÷ expected), its transmission rate (values received ÷ expected) and its
disconnections (a silence longer than the station type's offline threshold,
:data:`monitoring.quality.status.OFFLINE_AFTER`), each with its duration.

Expected values = parameters the station reports × the period's length ÷ its reporting
interval (a third of the offline threshold: hourly stations 1 h, water stations 4 h). Stations
sampled by hand (groundwater, soil, noise) have no expected count and are left out.
"""

from __future__ import annotations

import pandas as pd

from monitoring.quality.averaging import valid
from monitoring.quality.status import MISSED_CYCLES, OFFLINE_AFTER
from reports.gather import PeriodData
from reports.model import Chart, Column, Section, Table

DISCONNECTION_COLUMNS = ["station_code", "type", "start", "end", "duration_h", "open"]


def automatic_stations(stations: pd.DataFrame) -> pd.DataFrame:
    """The stations with a fixed reporting cycle."""
    return stations[stations["type"].isin(list(OFFLINE_AFTER))]


def rates(data: PeriodData) -> pd.DataFrame:
    """Per automatic station: parameters, expected, received, valid, capture and transmission
    rates (%)."""
    stations = automatic_stations(data.stations)
    observations = data.observations
    codes = set(stations["code"])
    own = observations[observations["station_code"].isin(codes).to_numpy()]
    received = own.groupby("station_code", observed=True).size()
    good = valid(own).groupby("station_code", observed=True).size()
    parameters = own.groupby("station_code", observed=True)["parameter"].nunique()
    seconds = (data.period.end - data.period.start).total_seconds()
    rows = []
    for code, kind in zip(stations["code"], stations["type"], strict=True):
        interval_s = (OFFLINE_AFTER[kind] / MISSED_CYCLES).total_seconds()
        n_parameters = int(parameters.get(code, 0))
        expected = int(n_parameters * seconds // interval_s)
        got, ok = int(received.get(code, 0)), int(good.get(code, 0))
        rows.append(
            {
                "station_code": code,
                "type": kind,
                "parameters": n_parameters,
                "expected": expected,
                "received": got,
                "valid": ok,
                "capture_pct": round(100.0 * ok / expected, 1) if expected else 0.0,
                "transmission_pct": round(100.0 * min(got, expected) / expected, 1)
                if expected
                else 0.0,
            }
        )
    return pd.DataFrame(rows)


def disconnections(data: PeriodData) -> pd.DataFrame:
    """Every silence of an automatic station longer than its threshold within the period: from
    its last value before the silence (or the period's start) to its next value (or the period's
    end, ``open``)."""
    stations = automatic_stations(data.stations)
    threshold = stations.set_index("code")["type"].map(OFFLINE_AFTER)
    start, end = pd.Timestamp(data.period.start), pd.Timestamp(data.period.end)
    observations = data.observations
    times = (
        observations.loc[
            observations["station_code"].isin(set(stations["code"])).to_numpy(),
            ["station_code", "time"],
        ]
        .drop_duplicates()
        .astype({"station_code": str})
        .sort_values(["station_code", "time"])
    )
    found = []
    for code, kind in zip(stations["code"], stations["type"], strict=True):
        own = times.loc[times["station_code"] == code, "time"]
        edges = pd.concat(
            [pd.Series([start.tz_convert("UTC")]), own, pd.Series([end.tz_convert("UTC")])],
            ignore_index=True,
        )
        gaps = edges.diff()
        limit = threshold[code]
        for i in (gaps > limit).to_numpy().nonzero()[0]:
            gap_start, gap_end = edges.iloc[i - 1], edges.iloc[i]
            found.append(
                (
                    code,
                    kind,
                    gap_start,
                    gap_end,
                    round(gaps.iloc[i] / pd.Timedelta(hours=1), 1),
                    i == len(edges) - 1,
                )
            )
    return pd.DataFrame(found, columns=DISCONNECTION_COLUMNS)


def _local(moment: pd.Timestamp) -> str:
    return str(pd.Timestamp(moment).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M"))


def disconnection_table(data: PeriodData, found: pd.DataFrame, limit: int | None = None) -> Table:
    """The disconnections as a table (all of them, or the ``limit`` longest)."""
    names = data.stations.set_index("code")["name"]
    rows = found.sort_values("duration_h", ascending=False) if limit else found
    if limit:
        rows = rows.head(limit)
    return Table(
        "断线记录" if not limit else "最长断线",
        "Disconnections" if not limit else f"The {limit} longest disconnections",
        (
            Column("站点", "Station"),
            Column("类型", "Type"),
            Column("开始", "From (last value)"),
            Column("结束", "To (next value)"),
            Column("时长", "Duration", "h"),
            Column("期末未恢复", "Still silent at the period's end"),
        ),
        [
            (
                f"{r.station_code} {names.get(r.station_code, '')}",
                r.type,
                _local(r.start),
                _local(r.end),
                float(r.duration_h),
                bool(r.open),
            )
            for r in rows.itertuples()
        ],
    )


def data_quality_section(data: PeriodData, full: bool = False) -> Section:
    """The data-quality section; ``full`` lists every disconnection (the disconnection
    report), else the ten longest."""
    section = Section("data_quality", "数据质量", "Data quality")
    table = rates(data)
    names = data.stations.set_index("code")["name"]
    rate_table = Table(
        "数据捕获率与传输率",
        "Capture and transmission rates",
        (
            Column("站点", "Station"),
            Column("类型", "Type"),
            Column("因子数", "Parameters"),
            Column("应收", "Expected"),
            Column("实收", "Received"),
            Column("有效", "Valid"),
            Column("捕获率", "Capture rate", "%"),
            Column("传输率", "Transmission rate", "%"),
        ),
        [
            (
                f"{r.station_code} {names.get(r.station_code, '')}",
                r.type,
                r.parameters,
                r.expected,
                r.received,
                r.valid,
                r.capture_pct,
                r.transmission_pct,
            )
            for r in table.itertuples()
        ],
    )
    section.add(Chart("捕获率", "Capture rate by station", rate_table, "bar", 0, (6,)))
    found = disconnections(data)
    counts = found.groupby("station_code").agg(
        n=("duration_h", "size"), hours=("duration_h", "sum")
    )
    section.add(
        Table(
            "断线统计",
            "Disconnections per station",
            (
                Column("站点", "Station"),
                Column("次数", "Disconnections"),
                Column("累计时长", "Total duration", "h"),
            ),
            [
                (f"{c} {names.get(c, '')}", int(r.n), round(float(r.hours), 1))
                for c, r in counts.iterrows()
            ],
        )
    )
    section.add(disconnection_table(data, found, None if full else 10))
    return section
