"""Surface water (GB 3838-2002): each station's class over the period against its river's
target class, and the period's exceedances.

A station's class of the period is the class of its median sample class (half its samples are
that class or better); the worst sample class and the share of samples meeting the target are
given beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitoring.quality.water import CLASS_NAMES
from reports.gather import PeriodData
from reports.model import Chart, Column, Note, Section, Table
from reports.sections.common import parameter_name

TARGET_NUMBER = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def station_classes(classes: pd.DataFrame) -> pd.DataFrame:
    """Per station: samples, median class number, worst class number."""
    if classes.empty:
        return pd.DataFrame(columns=["station_code", "samples", "median", "worst"])
    grouped = classes.groupby("station_code", observed=True)["class_number"]
    out = pd.DataFrame(
        {
            "samples": grouped.size(),
            "median": grouped.median().apply(np.ceil).astype(int),
            "worst": grouped.max().astype(int),
        }
    ).reset_index()
    return out


def water_section(data: PeriodData) -> Section:
    """The surface-water section of a periodic report."""
    section = Section("water", "地表水环境质量", "Surface water quality")
    classes = data.judgement.water_classes
    if classes.empty:
        return section.add(Note("本期无地表水水质数据。", "No surface-water data for this period."))
    per_station = station_classes(classes)
    before = station_classes(data.year_before.water_classes).set_index("station_code")
    stations = data.stations.set_index("code")
    rows = []
    for r in per_station.itertuples():
        target = stations["target_class"].get(r.station_code)
        target_number = TARGET_NUMBER.get(str(target)) if isinstance(target, str) else None
        own = classes[classes["station_code"] == r.station_code]["class_number"]
        meets = round(100.0 * float((own <= target_number).mean()), 1) if target_number else None
        last = before["median"].get(r.station_code)
        rows.append(
            (
                f"{r.station_code} {stations['name'].get(r.station_code, '')}",
                stations["river"].get(r.station_code) or "-",
                target if isinstance(target, str) else "-",
                CLASS_NAMES[int(r.median)],
                CLASS_NAMES[int(r.worst)],
                int(r.samples),
                meets,
                "达标 meets"
                if target_number and r.median <= target_number
                else ("未达标 misses" if target_number else "无目标 no target"),
                CLASS_NAMES[int(last)] if last is not None and not pd.isna(last) else None,
            )
        )
    section.add(
        Table(
            "断面水质类别",
            "Class per station against the river's target (GB 3838-2002)",
            (
                Column("站点", "Station"),
                Column("河流", "River"),
                Column("目标类别", "Target class"),
                Column("本期类别", "Class of the period"),
                Column("最差类别", "Worst sample"),
                Column("样品数", "Samples"),
                Column("达到目标比例", "Samples meeting the target", "%"),
                Column("评价", "Verdict"),
                Column("去年同期类别", "Class, last year"),
            ),
            rows,
        )
    )
    distribution = classes.groupby("class_number").size().reindex(range(1, 7), fill_value=0)
    section.add(
        Chart(
            "样品类别分布",
            "Samples by class",
            Table(
                "样品类别分布",
                "Samples by class",
                (Column("类别", "Class"), Column("样品数", "Samples")),
                [(CLASS_NAMES[k], int(v)) for k, v in distribution.items()],
            ),
            "column",
        )
    )
    codes = set(data.stations.loc[data.stations["type"] == "surface_water", "code"])
    events = data.judgement.events
    events = events[events["station_code"].isin(codes)] if not events.empty else events
    section.add(
        Table(
            "水质超标",
            "Exceedances of the target class",
            (
                Column("站点", "Station"),
                Column("因子", "Parameter"),
                Column("次数", "Events"),
                Column("样品数", "Samples over"),
                Column("峰值", "Peak"),
                Column("单位", "Unit"),
            ),
            [
                (
                    str(code),
                    parameter_name(parameter),
                    len(g),
                    int(g["n_values"].sum()),
                    round(float(g["peak"].max()), 3),
                    str(g["unit"].iloc[0]),
                )
                for (code, parameter), g in events.groupby(
                    ["station_code", "parameter"], observed=True
                )
            ]
            if not events.empty
            else [],
        )
    )
    return section
