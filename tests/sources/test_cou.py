"""The devices' own amounts (HJ 212-2017 ``Cou``), by hand: read from an hour packet, stored in
``monitoring_discharge_amounts`` by the intake every receiver uses, and preferred to
concentration × flow in the loads: 100 mg/L × 10 L/s is 3.6 kg an hour, but an hour whose device
sent w01018-Cou=5.0 counts 5.0 kg, and its flow's Cou the hour's volume."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pandas as pd
import sqlalchemy as sa

from monitoring.hj212.codec import frame
from monitoring.hj212.store import MnDirectory
from monitoring.intake import arrival_of, store_arrivals
from monitoring.readings import read_packet
from sources.loads import discharge_loads

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
MN = "MNCOU0000000001"


def hour_packet(local: str, cod_cou: str, flow_cou: str | None) -> bytes:
    flow = f"w00000-Avg=10.0,w00000-Cou={flow_cou},w00000-Flag=N" if flow_cou else (
        "w00000-Avg=10.0,w00000-Flag=N"
    )  # fmt: skip
    return frame(
        f"QN={local}000;ST=32;CN=2061;PW=123456;MN={MN};Flag=5;CP=&&DataTime={local};"
        f"w01018-Avg=100.0,w01018-Cou={cod_cou},w01018-Flag=N;{flow}&&"
    )


def test_a_bad_cou_is_reported_and_its_value_kept() -> None:
    reading = read_packet(hour_packet("20240601000000", "-1", "abc"), ZONE)
    assert [(v.code, v.value, v.cou) for v in reading.values] == [
        ("w01018", 100.0, None),
        ("w00000", 10.0, None),
    ]
    assert [p.split(" / ")[1] for p in reading.problems] == [
        "w01018-Cou='-1'",
        "w00000-Cou='abc'",
    ]
    good = read_packet(hour_packet("20240601000000", "5.0", "40"), ZONE)
    assert [v.cou for v in good.values] == [5.0, 40.0]


def test_stored_amounts_come_before_concentration_times_flow(park: Any, engine: sa.Engine) -> None:
    credit = park.enterprise("化工庚", park.at(0, 0))
    park.outfall("C-DW001", credit, park.at(0, 0), kind="wastewater", pollutants=["w01018"])
    park.insert("stations", park.at(90, 20), code="C", name="站点C", type="source_online", mn=MN)
    park.conn.commit()
    arrivals = [
        arrival_of(hour_packet("20240601000000", "5.0", "40"), ZONE, source="test"),
        arrival_of(hour_packet("20240601010000", "-1", None), ZONE, source="test"),
    ]
    with engine.begin() as connection:
        result = store_arrivals(connection, arrivals, MnDirectory(engine), {"hour"})
    assert (result.inserted, result.amounts) == (4, 2)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text(
                "SELECT station_code, parameter, interval, amount FROM monitoring_discharge_amounts"
                " ORDER BY parameter"
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        ("C", "w00000", "hour", 40.0),
        ("C", "w01018", "hour", 5.0),
    ]
    start = pd.Timestamp(dt.datetime(2024, 6, 1, tzinfo=ZONE))
    loads = discharge_loads(engine, start, start + pd.Timedelta(hours=2), intervals=("day",))
    row = loads.iloc[0]
    # 00:00: the device's 5.0 kg in its 40 m³; 01:00: 100 mg/L × 36 m³ = 3.6 kg
    assert round(float(row["load_kg"]), 9) == 8.6
    assert round(float(row["volume_m3"]), 9) == 76.0
    assert (int(row["hours"]), int(row["cou_hours"])) == (2, 1)
    assert round(float(row["mean_concentration"]), 6) == round(8.6 / 76.0 * 1000, 6)  # mg/L
