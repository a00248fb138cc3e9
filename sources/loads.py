"""Discharge loads per outfall and pollutant: concentration × flow (Jiangsu 7.4.1 排放量核算).

Per clock hour of an outfall's online station: the device's own amount (HJ 212-2017 ``Cou``
of its hour data, kg for a pollutant, m³ for the flow, kept in ``monitoring_discharge_amounts``)
where it sent one, else the hour's mean concentration × its mean flow × 1 h. The device's
amount comes first: it integrates its own real-time values over the hour, where the product of
two hourly means misses how concentration and flow vary together inside it (HJ 75 / HJ 355
count the amount from the paired real-time values; ✖ from recall, verify). The judgement's frame
of observations carries no Cou: loads summed from it (:func:`hourly_from_observations`) are all
computed.
Water: mg/L × L/s → C·Q·3.6 g per hour; exhaust: mg/m³ × m³/h → C·Q mg per hour. Hours are
summed into local days, months and years; the mean concentration of a period is flow-weighted
(Σ load / Σ volume). Hours without a flow (and without a ``Cou``) give
no load and are not counted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd
import psycopg
import psycopg.sql
import sqlalchemy as sa

from monitoring.quality.limits import read_outfall_stations
from sources.errors import SourceError

#: HJ 212-2017 flow parameters: wastewater flow (w00000) and flue-gas flow (a00000).
FLOW_PARAMETERS = ("w00000", "a00000")
#: Flow units → m³/h.
FLOW_M3H: Mapping[str, float] = {"L/s": 3.6, "m³/s": 3600.0, "m³/h": 1.0, "m³/d": 1 / 24}
#: Concentration units → kg/m³ (1 mg/L = 1 g/m³).
CONCENTRATION_KGM3: Mapping[str, float] = {
    "mg/L": 1e-3,
    "g/L": 1.0,
    "μg/L": 1e-6,
    "mg/m³": 1e-6,
    "μg/m³": 1e-9,
}
#: Intervals a load is summed over: name → pandas period frequency.
INTERVALS: Mapping[str, str] = {"day": "D", "month": "M", "year": "Y"}
LOAD_COLUMNS = [
    "station_code",
    "outfall_code",
    "credit_code",
    "parameter",
    "interval",
    "period_start",
    "load_kg",
    "volume_m3",
    "mean_concentration",
    "unit",
    "hours",
    "cou_hours",
]


def hourly_loads(hourly: pd.DataFrame) -> pd.DataFrame:
    """Each hour's load of each pollutant at each station.

    ``hourly``: station_code, parameter, hour (naive local), value (the hour's mean), unit,
    cou (the device's amount for the hour, or NaN). Returns station_code, parameter, hour,
    load_kg, volume_m3, unit, from_cou; pollutants without a concentration unit (pH,
    temperature) are left out.
    """
    is_flow = hourly["parameter"].isin(FLOW_PARAMETERS).to_numpy()
    flows = hourly[is_flow]
    flow_m3h = flows["value"].to_numpy(dtype=float) * flows["unit"].map(FLOW_M3H).to_numpy(
        dtype=float
    )
    volume = np.where(flows["cou"].notna(), flows["cou"].to_numpy(dtype=float), flow_m3h)
    flow = pd.DataFrame(
        {"station_code": flows["station_code"], "hour": flows["hour"], "volume_m3": volume}
    ).dropna()
    pollutants = hourly[~is_flow]
    factor = pollutants["unit"].map(CONCENTRATION_KGM3)
    pollutants = pollutants[factor.notna().to_numpy()].assign(
        factor=factor[factor.notna()].to_numpy(dtype=float)
    )
    merged = pollutants.merge(flow, on=["station_code", "hour"], how="left")
    computed = merged["value"] * merged["factor"] * merged["volume_m3"]
    from_cou = merged["cou"].notna()
    merged["load_kg"] = merged["cou"].where(from_cou, computed)
    merged["from_cou"] = from_cou
    out = merged[merged["load_kg"].notna().to_numpy()]
    columns = ["station_code", "parameter", "hour", "load_kg", "volume_m3", "unit", "from_cou"]
    return out[columns].reset_index(drop=True)


def period_loads(hourly: pd.DataFrame, interval: str) -> pd.DataFrame:
    """Hourly loads summed per local day, month or year (``interval``).

    Returns station_code, parameter, interval, period_start (date), load_kg, volume_m3,
    mean_concentration (flow-weighted, in ``unit``), unit, hours, cou_hours.
    """
    if interval not in INTERVALS:
        raise SourceError(
            f"未知统计周期 {interval!r} / unknown interval {interval!r}: use day, month or year"
        )
    starts = hourly["hour"].dt.to_period(INTERVALS[interval]).dt.start_time
    frame = hourly.assign(period_start=starts.dt.date)
    grouped = frame.groupby(["station_code", "parameter", "period_start"], sort=True)
    out = grouped.agg(
        load_kg=("load_kg", "sum"),
        volume_m3=("volume_m3", "sum"),
        unit=("unit", "first"),
        hours=("load_kg", "size"),
        cou_hours=("from_cou", "sum"),
    ).reset_index()
    factor = out["unit"].map(CONCENTRATION_KGM3).astype(float)
    volume = out["volume_m3"].where(out["volume_m3"] > 0)
    out["mean_concentration"] = out["load_kg"] / volume / factor
    out.insert(2, "interval", interval)
    out["hours"] = out["hours"].astype(int)
    out["cou_hours"] = out["cou_hours"].astype(int)
    return out


def hourly_from_observations(
    observations: pd.DataFrame, stations: list[str], zone: str
) -> pd.DataFrame:
    """The valid observations of ``stations`` as hourly means per local clock hour (station_code,
    parameter, hour, value, unit, cou: what :func:`hourly_loads` takes), from observations
    already read (station_code, time in UTC, parameter, value, unit, flag); they carry no
    ``Cou``."""
    mine = observations[observations["station_code"].isin(stations).to_numpy()]
    flag = mine["flag"]
    mine = mine[(mine["value"].notna() & (flag.isna() | flag.eq("N"))).to_numpy()]
    frame = pd.DataFrame(
        {
            "station_code": mine["station_code"].astype(str).to_numpy(),
            "parameter": mine["parameter"].astype(str).to_numpy(),
            "hour": mine["time"].dt.tz_convert(zone).dt.floor("h").dt.tz_localize(None).to_numpy(),
            "value": mine["value"].to_numpy(dtype=float),
            "unit": mine["unit"].astype(object).to_numpy(),
        }
    )
    grouped = frame.groupby(["station_code", "parameter", "hour"], sort=False)
    out = grouped.agg(value=("value", "mean"), unit=("unit", "first")).reset_index()
    out["cou"] = np.nan  # the judgement's frame carries no Cou
    return out


def _sql_case(column: str, factors: Mapping[str, float]) -> str:
    cases = " ".join(f"WHEN '{unit}' THEN {factor!r}" for unit, factor in factors.items())
    return f"CASE {column} {cases} END"


#: The loads of ``[start, end)`` per station, pollutant and local day, month and year, all in
#: the database: the hourly means of each station with the devices' hourly amounts where sent,
#: each pollutant's amount, else its hour × the same hour's flow (the factors of
#: :data:`CONCENTRATION_KGM3` and :data:`FLOW_M3H`), summed in one pass over three grouping
#: sets (``cou_hours``: the hours that were the device's amount). What leaves the server is
#: the sums (a few thousand rows), not the year's observations.
LOADS_SQL = f"""
    WITH means AS (
        SELECT station_code, parameter, date_trunc('hour', time AT TIME ZONE {{zone}}) AS hour,
               avg(value) AS value, min(unit) AS unit
        FROM observations
        WHERE station_code = ANY({{stations}}) AND time >= {{start}} AND time < {{end}}
          AND value IS NOT NULL AND (flag IS NULL OR flag = 'N')
        GROUP BY 1, 2, 3
    ), amounts AS (
        SELECT station_code, parameter, date_trunc('hour', time AT TIME ZONE {{zone}}) AS hour,
               sum(amount) AS cou
        FROM monitoring_discharge_amounts
        WHERE station_code = ANY({{stations}}) AND time >= {{start}} AND time < {{end}}
          AND interval = 'hour'
        GROUP BY 1, 2, 3
    ), hourly AS (  -- an hour's amount counts where its value is valid
        SELECT m.*, a.cou FROM means m LEFT JOIN amounts a USING (station_code, parameter, hour)
    ), flow AS (
        SELECT station_code, hour,
               coalesce(cou, value * {_sql_case("unit", FLOW_M3H)}) AS volume_m3
        FROM hourly WHERE parameter IN {FLOW_PARAMETERS!r}
    ), hour_loads AS (
        SELECT h.station_code, h.parameter, h.hour, h.unit, f.volume_m3, h.cou,
               coalesce(
                   h.cou, h.value * {_sql_case("h.unit", CONCENTRATION_KGM3)} * f.volume_m3
               ) AS load_kg
        FROM hourly h LEFT JOIN flow f USING (station_code, hour)
        WHERE h.parameter NOT IN {FLOW_PARAMETERS!r}
          AND {_sql_case("h.unit", CONCENTRATION_KGM3)} IS NOT NULL
    )
    SELECT station_code, parameter,
           CASE WHEN grouping(day) = 0 THEN 'day'
                WHEN grouping(month) = 0 THEN 'month' ELSE 'year' END AS interval,
           coalesce(day, month, year) AS period_start,
           sum(load_kg) AS load_kg, sum(volume_m3) AS volume_m3, min(unit) AS unit,
           count(*) AS hours, count(cou) AS cou_hours
    FROM (
        SELECT *, date_trunc('day', hour)::date AS day, date_trunc('month', hour)::date AS month,
               date_trunc('year', hour)::date AS year
        FROM hour_loads WHERE load_kg IS NOT NULL
    ) x
    GROUP BY GROUPING SETS ((station_code, parameter, day), (station_code, parameter, month),
                            (station_code, parameter, year))
"""


def loads_in_database(
    connection: sa.Connection,
    stations: list[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    zone: str,
    intervals: tuple[str, ...] = ("day", "month", "year"),
) -> pd.DataFrame:
    """What :func:`period_loads` gives for each interval, computed by :data:`LOADS_SQL`."""
    query = psycopg.sql.SQL(LOADS_SQL).format(
        zone=psycopg.sql.Literal(zone),
        stations=psycopg.sql.Literal(stations),
        start=psycopg.sql.Literal(start.isoformat()),
        end=psycopg.sql.Literal(end.isoformat()),
    )
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    with raw.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
    columns = [
        "station_code", "parameter", "interval", "period_start", "load_kg", "volume_m3", "unit",
        "hours", "cou_hours",
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    out = out[out["interval"].isin(intervals).to_numpy()].reset_index(drop=True)
    out["load_kg"] = out["load_kg"].astype(float)
    out["volume_m3"] = out["volume_m3"].astype(float)
    factor = out["unit"].map(CONCENTRATION_KGM3).astype(float)
    volume = out["volume_m3"].where(out["volume_m3"] > 0)
    out["mean_concentration"] = out["load_kg"] / volume / factor
    out["hours"] = out["hours"].astype(int)
    out["cou_hours"] = out["cou_hours"].astype(int)
    return out.sort_values(["interval", "station_code", "parameter", "period_start"])


def discharge_loads(
    engine: sa.Engine,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    zone: str = "Asia/Shanghai",
    intervals: tuple[str, ...] = ("day", "month", "year"),
    observations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Loads of every outfall with an online station over ``[start, end)``, per pollutant and
    interval (columns :data:`LOAD_COLUMNS`). Periods cut by ``start`` or ``end`` hold only the
    hours inside the range. ``observations``: the range's observations when already read (the
    judgement's), summed here; else the database sums them (:data:`LOADS_SQL`), which another
    thread can do while the judgement runs (:func:`loads_while`)."""
    if not start < end:
        raise SourceError("开始时间应早于结束时间 / start must be before end")
    with engine.connect() as connection:
        outfalls = read_outfall_stations(connection)
        stations = list(outfalls["station_code"])
        if observations is None:
            frame = loads_in_database(connection, stations, start, end, zone, intervals)
        else:
            hourly = hourly_from_observations(observations, stations, zone)
    if observations is not None:
        loads = hourly_loads(hourly)
        parts = [period_loads(loads, interval) for interval in intervals]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    owners = outfalls[["station_code", "outfall_code", "credit_code"]]
    return frame.merge(owners, on="station_code")[LOAD_COLUMNS]


def loads_while[T](
    engine: sa.Engine,
    start: pd.Timestamp,
    end: pd.Timestamp,
    work: Callable[[], T],
    *,
    zone: str = "Asia/Shanghai",
) -> tuple[T, pd.DataFrame]:
    """Run ``work`` (the judgement) while the database sums the loads of ``[start, end)`` on
    another connection: the server's time hides behind Python's (the GIL is released while a
    thread waits for the database). Returns ``work``'s result and the loads."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="loads") as pool:
        future: Future[pd.DataFrame] = pool.submit(discharge_loads, engine, start, end, zone=zone)
        result = work()
        return result, future.result()
