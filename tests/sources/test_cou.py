"""The devices' own amounts (HJ 212-2017 ``Cou``): read from an hour packet, stored with the
observation, and preferred to concentration × flow in the loads, by hand: 100 mg/L × 10 L/s is
3.6 kg an hour, but an hour whose device sent COD-Cou=5.0 counts 5.0 kg."""

from __future__ import annotations

import zoneinfo
from typing import Any

import pandas as pd
import sqlalchemy as sa

from monitoring.hj212.codec import decode, frame
from monitoring.hj212.store import observation_frame, packet_values
from monitoring.readings import read_packet
from sources.loads import discharge_loads

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
SEGMENT = (
    "QN=20250101010000000;ST=32;CN=2061;PW=123456;MN=MN0001;Flag=5;"
    "CP=&&DataTime=20250101010000;w01018-Avg=100.0,w01018-Cou=3.6,w01018-Flag=N;"
    "w00000-Avg=10.0,w00000-Cou=36.0,w00000-Flag=N;w21003-Avg=5.0,w21003-Cou=-1,w21003-Flag=N&&"
)


def test_an_hour_packets_cou_goes_with_its_value() -> None:
    packet = decode(frame(SEGMENT))
    rows = packet_values(packet, ZONE, {"hour"})
    assert [(r[2], r[3], r[6]) for r in rows] == [
        ("w01018", 100.0, 3.6),
        ("w00000", 10.0, 36.0),
        ("w21003", 5.0, None),  # a negative amount is no amount
    ]
    stored = observation_frame(rows, {"MN0001": "D"})
    assert list(stored["cou"])[:2] == [3.6, 36.0]
    reading = read_packet(frame(SEGMENT), ZONE)
    assert [v.cou for v in reading.values] == [3.6, 36.0, None]
    assert any("Cou" in problem for problem in reading.problems)


def test_the_devices_amount_comes_before_concentration_times_flow(
    park: Any, engine: sa.Engine
) -> None:
    credit = park.enterprise("化工己", park.at(0, 0))
    park.outfall("C-DW001", credit, park.at(0, 0), kind="wastewater", pollutants=["w01018"])
    park.station("C", park.at(90, 20), kind="source_online")
    park.hourly("C", "w01018", [100.0, 100.0], park.DAY, "mg/L")
    park.hourly("C", "w00000", [10.0, 10.0], park.DAY, "L/s")
    park.conn.execute(
        sa.text(
            "UPDATE observations SET cou = 5.0 WHERE station_code = 'C' AND parameter = 'w01018'"
            " AND time = :t"
        ),
        {"t": park.DAY},
    )
    park.conn.commit()
    start = pd.Timestamp(park.DAY)
    loads = discharge_loads(engine, start, start + pd.Timedelta(hours=2), intervals=("day",))
    row = loads.iloc[0]
    assert round(float(row["load_kg"]), 6) == 8.6  # 5.0 from the device + 3.6 computed
    assert (int(row["hours"]), int(row["cou_hours"])) == (2, 1)
