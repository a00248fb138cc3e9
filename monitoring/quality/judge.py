"""All the judgement of a time range, on the database: one call for the API, map and CLI.

Reads the observations (one ``COPY`` to CSV, the fastest way out of PostgreSQL), averages them,
and returns the exceedance events, the daily and hourly AQI, the water classes and the station
status as plain frames.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import psycopg
import sqlalchemy as sa

from monitoring.quality.aqi import daily_aqi, hourly_aqi, read_breakpoints
from monitoring.quality.averaging import (
    annual_means,
    daily_max_8h,
    daily_max_hourly,
    daily_means,
    flow_weighted_daily_means,
    hourly_means,
    valid,
)
from monitoring.quality.exceedances import exceedance_events, judged_values
from monitoring.quality.limits import (
    DEFAULT_STANDARDS,
    read_condition_limits,
    read_limits,
    read_outfall_stations,
    read_permit_limits,
)
from monitoring.quality.status import offline_thresholds, station_status
from monitoring.quality.water import water_classes

DEFAULT_ZONE = "Asia/Shanghai"
AIR_AQI_TYPES = ("air",)
SAMPLE_TYPES = ("surface_water", "source_online", "groundwater")


@dataclass(frozen=True)
class Judgement:
    """What :func:`judge` found: frames ready for the API, the map and plots."""

    events: pd.DataFrame
    daily_aqi: pd.DataFrame
    water_classes: pd.DataFrame
    status: pd.DataFrame
    hourly_aqi: pd.DataFrame
    #: the observations judged, so that what follows (the outfalls' loads) need not read them
    #: again
    observations: pd.DataFrame | None = None


def read_observations(
    connection: sa.Connection, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Observations with ``start <= time < end`` (tz-aware bounds); time in UTC."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    buffer = io.BytesIO()
    query = (
        "COPY (SELECT station_code, date_part('epoch', time)::bigint,"
        " parameter, value, unit, flag FROM observations WHERE time >= {start} AND time < {end})"
        " TO STDOUT (FORMAT csv)"
    )
    statement = psycopg.sql.SQL(query).format(
        start=psycopg.sql.Literal(start.isoformat()), end=psycopg.sql.Literal(end.isoformat())
    )
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    names = ["station_code", "time", "parameter", "value", "unit", "flag"]
    # A year is 10⁵-10⁶ rows of a few dozen codes: as categories they are hashed once, by the
    # parser (a third of the time of strings converted afterwards), not again by every grouping
    # and merge of the judgement.
    codes = ("station_code", "parameter", "unit", "flag")
    frame = pd.read_csv(
        buffer,
        names=names,
        dtype=dict.fromkeys(codes, "category"),
        keep_default_na=False,
        na_values={"value": [""], "flag": [""], "unit": [""]},
    )
    frame["time"] = pd.to_datetime(frame["time"], unit="s", utc=True)
    return frame


def averaged_series(
    observations: pd.DataFrame, stations: pd.DataFrame, zone: str = DEFAULT_ZONE
) -> dict[str, pd.DataFrame]:
    """Per period, the values judged: 1 h, 24 h, 8 h (daily max), annual means of the
    continuously monitored stations, single samples of the sampled ones, and ``max_1h``."""
    sampled = set(stations.loc[stations["type"].isin(SAMPLE_TYPES), "code"])
    is_sampled = observations["station_code"].isin(sampled)
    hourly = hourly_means(observations[~is_sampled.to_numpy()], zone)
    hourly["date"] = hourly["time"].dt.tz_localize(None).dt.normalize()
    daily = daily_means(hourly)
    # Sampled stations' 1 h and 24 h means too, judged only where their standard has a limit of
    # that period (GB 18918 and GB 8978 limit daily means of an outfall's online data).
    sampled_hourly = hourly_means(observations[is_sampled.to_numpy()], zone)
    sampled_hourly["date"] = sampled_hourly["time"].dt.tz_localize(None).dt.normalize()
    # an outfall's daily means weighted by its flow where it measures one (HJ 355)
    sampled_daily = flow_weighted_daily_means(sampled_hourly, daily_means(sampled_hourly))
    o3 = hourly[hourly["parameter"] == "a05024"]
    max_8h = daily_max_8h(o3)
    max_1h = daily_max_hourly(o3)
    annual = annual_means(daily)
    samples = valid(observations[is_sampled.to_numpy()]).copy()
    samples["time"] = samples["time"].dt.tz_convert(zone)
    samples["date"] = samples["time"].dt.tz_localize(None).dt.normalize()
    series = {
        "1h": pd.concat([hourly, sampled_hourly], ignore_index=True),
        "24h": pd.concat([daily, sampled_daily], ignore_index=True),
        "8h": max_8h,
        "annual": annual,
        "max_1h": max_1h,
    }
    for name in ("24h", "8h", "annual", "max_1h"):
        frame = series[name]
        frame["date"] = pd.to_datetime(frame["date"])
        frame["time"] = frame["date"].dt.tz_localize(zone)
    series["sample"] = samples
    return series


def judge(
    engine: sa.Engine,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    as_of: pd.Timestamp | None = None,
    zone: str = DEFAULT_ZONE,
    standards: Mapping[str, tuple[str, str]] = DEFAULT_STANDARDS,
    offline_after: Mapping[str, pd.Timedelta] | None = None,
) -> Judgement:
    """Exceedances, daily and hourly AQI, water classes and station status for ``[start, end)``.

    ``as_of`` is the time the status is for (default ``end``); ``offline_after`` maps station
    types to the time without data after which they are offline, over
    :data:`.status.OFFLINE_AFTER`.
    """
    with engine.connect() as connection:
        observations = read_observations(connection, start, end)
        limits = read_limits(connection)
        outfall_stations = read_outfall_stations(connection)
        permits = read_permit_limits(connection, outfall_stations)
        conditions = read_condition_limits(connection)
        stations = pd.DataFrame(
            [tuple(r) for r in connection.execute(sa.text("SELECT code, type FROM stations"))],
            columns=["code", "type"],
        )
    series = averaged_series(observations, stations, zone)
    judged_periods = {k: v for k, v in series.items() if k != "max_1h"}
    judged = judged_values(
        judged_periods, stations, limits, standards, outfall_stations, permits, conditions
    )
    events = exceedance_events(judged)
    air = set(stations.loc[stations["type"].isin(AIR_AQI_TYPES), "code"])
    aqi_input = {
        "daily": series["24h"],
        "max_1h": series["max_1h"],
        "max_8h": series["8h"],
    }
    aqi_input = {k: v[v["station_code"].isin(air)] for k, v in aqi_input.items()}
    breakpoints = read_breakpoints()
    aqi = daily_aqi(aqi_input, breakpoints)
    hourly_air = series["1h"][series["1h"]["station_code"].isin(air)]
    hourly = hourly_aqi(hourly_air, breakpoints, zone)
    water_codes = set(stations.loc[stations["type"] == "surface_water", "code"])
    samples = series["sample"]
    classes = water_classes(samples[samples["station_code"].isin(water_codes)], limits, zone)
    latest = observations.groupby("station_code")["time"].max().rename("latest_time").reset_index()
    thresholds = offline_thresholds(stations, observations, offline_after)
    status = station_status(
        stations, latest, events, as_of if as_of is not None else end, thresholds
    )
    return Judgement(events, aqi, classes, status, hourly, observations)
