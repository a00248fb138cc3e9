"""The observations table (long format: station_code, time, parameter, value, unit, flag).

Series come from :mod:`etl.demo.weather`; a few hours carry HJ 212-2017 data flags (D fault with
no value, M maintenance, C calibration of the online water analysers), never during an episode.
Rows are ordered by station, parameter and time, which also compresses best.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from etl.demo.episodes import START, Episode, apply
from etl.demo.stations import Station
from etl.demo.weather import (
    HOUR,
    HOUR_OF_DAY,
    HOURS,
    FloatArray,
    Weather,
    air_series,
    fugitive_series,
    met_series,
    sewer_series,
    surface_water_series,
)
from layers.parameters import BY_CODE

FAULT_SHARE = 0.002
MAINTENANCE_SHARE = 0.003
DECIMALS = {
    "a01001": 1,
    "a01002": 0,
    "a01007": 1,
    "a01008": 0,
    "a21026": 0,
    "a21004": 0,
    "a21005": 1,
    "a05024": 0,
    "a34002": 0,
    "a34004": 0,
    "a24088": 2,
    "w01018": 1,
    "w21003": 2,
    "w21011": 3,
    "w01009": 2,
    "w01001": 2,
}


@dataclass
class Series:
    station: str
    parameter: str
    hours: npt.NDArray[np.int_]
    values: FloatArray
    flags: npt.NDArray[np.str_]
    decimals: int


def _series_of(
    station: Station, weather: Weather, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int_], dict[str, FloatArray]]:
    if station.type == "met":
        return HOUR, met_series(weather)
    if station.type == "air":
        return HOUR, air_series(station.code, weather, rng)
    if station.type == "fugitive":
        return HOUR, fugitive_series(weather, rng)
    if station.type == "surface_water":
        return HOUR[::4], surface_water_series(station.code, rng)
    if station.type == "source_online":
        return HOUR, sewer_series(rng)
    return HOUR[:0], {}


def build_observations(
    stations: list[Station],
    weather: Weather,
    episodes: list[Episode],
    busy: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> list[Series]:
    """Every station's series with flags, the episodes added."""
    out: list[Series] = []
    values: dict[tuple[str, str], FloatArray] = {}
    index: dict[str, npt.NDArray[np.int_]] = {}
    for station in sorted(stations, key=lambda s: s.code):
        hours, series = _series_of(station, weather, rng)
        if not series:
            continue
        index[station.code] = hours
        quiet = ~busy[hours]
        roll = rng.random(hours.size)
        fault = quiet & (roll < FAULT_SHARE)
        maintenance = quiet & (roll >= FAULT_SHARE) & (roll < FAULT_SHARE + MAINTENANCE_SHARE)
        flags = np.where(fault, "D", np.where(maintenance, "M", "N"))
        if station.type in {"surface_water", "source_online"}:
            # weekly zero/span check of the analysers, Mondays 10:00 (2025-01-06 was a Monday)
            monday_ten = ((hours // 24 - 5) % 7 == 0) & (HOUR_OF_DAY[hours] == 10)
            flags = np.where(monday_ten & quiet & (flags == "N"), "C", flags)
        for parameter, series_values in series.items():
            data = np.asarray(series_values, dtype=float).copy()
            data[fault] = np.nan
            values[(station.code, parameter)] = data
            decimals = (
                3
                if station.type == "surface_water" and parameter == "w21003"
                else (DECIMALS[parameter])
            )
            out.append(Series(station.code, parameter, hours, data, flags, decimals))
    apply(episodes, values, index)
    return out


def _times() -> list[str]:
    return [(START + dt.timedelta(hours=h)).isoformat() for h in range(HOURS)]


def observation_lines(series: list[Series]) -> Iterator[str]:
    """CSV text of the observations, header first, in chunks of one series."""
    yield "station_code,time,parameter,value,unit,flag\n"
    times = _times()
    for s in series:
        unit = BY_CODE[s.parameter].unit
        lead = f"{s.station},"
        tail = f",{s.parameter},"
        rows = []
        for hour, value, flag in zip(
            s.hours.tolist(), s.values.tolist(), s.flags.tolist(), strict=True
        ):
            text = "" if value != value else f"{value:.{s.decimals}f}"  # NaN: no value
            rows.append(f"{lead}{times[hour]}{tail}{text},{unit},{flag}\n")
        yield "".join(rows)


def count_rows(series: list[Series]) -> int:
    return sum(s.hours.size for s in series)
