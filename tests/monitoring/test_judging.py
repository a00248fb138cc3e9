"""Judging on arrival: exceedances by the limit in force (a river station by its river's
target class), averaged limits when their window closes, device flags, disconnections."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from monitoring.alerts import AlertChange
from monitoring.hj212.store import store_values
from monitoring.judging import JudgingContext, judge_batch, read_station_rules
from monitoring.service import LiveMonitoring

UTC = dt.UTC
ZONE = "Asia/Shanghai"


def hour(h: int, day: int = 1) -> pd.Timestamp:
    """Local (Beijing) hour ``h`` of 2025-03-``day``."""
    return pd.Timestamp(f"2025-03-{day:02d}T{h:02d}:00", tz=ZONE)


def arrive(
    engine: sa.Engine, rows: list[tuple[str, pd.Timestamp, str, float, str, str]]
) -> list[AlertChange]:
    frame = pd.DataFrame(
        rows, columns=["station_code", "time", "parameter", "value", "unit", "flag"]
    )
    with engine.begin() as c:
        store_values(c, frame)
        return judge_batch(c, JudgingContext(engine), frame)


def alerts(engine: sa.Engine) -> list[dict[str, object]]:
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT kind, state, station_code, subject, quality_class, value, peak,"
                " limit_value, to_char(opened_at AT TIME ZONE 'Asia/Shanghai', 'DD HH24') AS op,"
                " to_char(closed_at AT TIME ZONE 'Asia/Shanghai', 'DD HH24') AS cl"
                " FROM alerts ORDER BY id"
            )
        ).mappings()
        return [dict(r) for r in rows]


def test_an_hour_above_the_1h_limit_opens_extends_and_closes_an_exceedance(
    park_engine: sa.Engine,
) -> None:
    # GB 3095-2012 class II, SO2 1 h: 500 μg/m³
    opened = arrive(park_engine, [("AQ-01", hour(1), "a21026", 501.0, "μg/m³", "N")])
    assert [c.change for c in opened] == ["opened"]
    assert arrive(park_engine, [("AQ-01", hour(2), "a21026", 700.0, "μg/m³", "N")])[0].change == (
        "updated"
    )
    arrive(park_engine, [("AQ-01", hour(3), "a21026", 500.0, "μg/m³", "N")])  # at the limit: ok
    [alert] = alerts(park_engine)
    assert alert["kind"] == "exceedance" and alert["subject"] == "a21026/1h/upper"
    assert (alert["state"], alert["op"], alert["cl"]) == ("closed", "01 01", "01 03")
    assert (alert["value"], alert["peak"], alert["limit_value"]) == (700.0, 700.0, 500.0)
    # mg/m³ from a source-style device is converted before judging: 0.6 mg/m³ = 600 μg/m³
    assert arrive(park_engine, [("AQ-01", hour(4), "a21026", 0.6, "mg/m³", "N")])[0].change == (
        "opened"
    )


def test_a_river_station_is_judged_by_its_rivers_target_class(park_engine: sa.Engine) -> None:
    with park_engine.connect() as c:
        rules = read_station_rules(c)
    assert (rules["SW-02"].standard, rules["SW-02"].quality_class) == ("GB 3838", "II")
    # COD 17 mg/L: beyond class II (15), within class III (20, the old fixed class)
    changes = arrive(park_engine, [("SW-02", hour(8), "w01018", 17.0, "mg/L", "N")])
    assert [c.change for c in changes] == ["opened"]
    [alert] = alerts(park_engine)
    assert (alert["quality_class"], alert["limit_value"], alert["subject"]) == (
        "II",
        15.0,
        "w01018/sample/upper",
    )


def test_a_24h_mean_is_judged_when_the_days_last_hour_arrives(park_engine: sa.Engine) -> None:
    # PM10 has no 1 h limit; its 24 h limit (class II) is 150 μg/m³. 20 hours of 200: judged
    # at 23:00, not before; 19 hours would be too few (GB 3095 Table 4).
    rows = [("AQ-02", hour(h), "a34002", 200.0, "μg/m³", "N") for h in range(4, 23)]
    assert arrive(park_engine, rows) == []
    [change] = arrive(park_engine, [("AQ-02", hour(23), "a34002", 200.0, "μg/m³", "N")])
    assert change.change == "opened"
    [alert] = alerts(park_engine)
    assert (alert["subject"], alert["value"]) == ("a34002/24h/upper", 200.0)
    short = [("AQ-03", hour(h), "a34002", 300.0, "μg/m³", "N") for h in range(5, 24)]
    assert arrive(park_engine, short) == []


def test_device_flags_open_anomalies_and_a_normal_value_closes_them(
    park_engine: sa.Engine,
) -> None:
    # a flagged value is not judged against the limit (900 would exceed SO2's 500)
    changes = arrive(park_engine, [("AQ-01", hour(1), "a21026", 900.0, "μg/m³", "D")])
    assert [(c.kind, c.change) for c in changes] == [("anomaly", "opened")]
    arrive(park_engine, [("AQ-01", hour(2), "a21026", 20.0, "μg/m³", "N")])
    [alert] = alerts(park_engine)
    assert (alert["kind"], alert["subject"], alert["state"]) == ("anomaly", "a21026/D", "closed")


def test_a_silent_station_is_disconnected_and_its_return_closes_it(
    park_engine: sa.Engine,
) -> None:
    import zoneinfo

    arrive(park_engine, [("AQ-01", hour(1), "a21026", 20.0, "μg/m³", "N")])
    service = LiveMonitoring(park_engine, zone=zoneinfo.ZoneInfo(ZONE))
    last = hour(1).to_pydatetime()
    assert service.sweep_once(last + dt.timedelta(hours=3)) == []  # 3 h: not past OFFLINE_AFTER
    [opened] = service.sweep_once(last + dt.timedelta(hours=3, minutes=1))
    assert (opened.kind, opened.station_code) == ("disconnection", "AQ-01")
    assert service.sweep_once(last + dt.timedelta(hours=5)) == []  # once, not every sweep
    [closed] = arrive(park_engine, [("AQ-01", hour(6), "a21026", 20.0, "μg/m³", "N")])
    assert (closed.kind, closed.change) == ("disconnection", "closed")
    [alert] = alerts(park_engine)
    assert (alert["op"], alert["cl"]) == ("01 01", "01 06")
