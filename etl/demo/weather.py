"""One year (2025, hourly, Beijing time) of weather, air quality and water quality.

The weather follows the East-Asian monsoon of the lower Yangtze (Taixing's gazetteer: mean wind
3.1 m/s, south-easterlies in summer, northerlies in winter): synoptic regimes lasting one to
three days pick a prevailing direction from the season's mixture, hourly wind swings about it,
wind speed peaks in the afternoon; temperature follows the seasonal and diurnal cycles (January
~3 °C, July ~28 °C). Air pollutants share a regional synoptic factor and stagnation with low
wind: PM high in winter, O3 peaking on summer afternoons, NO2 and CO with rush-hour peaks.

Times are the start of each hour (HJ 212 hourly data are stamped with the hour they average).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

YEAR = 2025
HOURS = 8760
HOUR = np.arange(HOURS)
DAY = HOUR // 24
HOUR_OF_DAY = HOUR % 24
_MONTH_STARTS = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30])
MONTH = np.searchsorted(_MONTH_STARTS, DAY, side="right")  # 1..12

# Prevailing-wind mixtures (direction the wind comes FROM, degrees; weight) by season.
WIND_MIXTURES: dict[str, tuple[tuple[float, float], ...]] = {
    "winter": ((0, 0.28), (30, 0.2), (60, 0.12), (315, 0.2), (290, 0.08), (110, 0.07), (160, 0.05)),
    "spring": ((90, 0.2), (120, 0.2), (150, 0.15), (45, 0.15), (0, 0.1), (200, 0.1), (300, 0.1)),
    "summer": (
        (135, 0.3),
        (160, 0.22),
        (180, 0.13),
        (100, 0.15),
        (210, 0.1),
        (60, 0.05),
        (0, 0.05),
    ),
    "autumn": (
        (45, 0.22),
        (75, 0.18),
        (15, 0.18),
        (330, 0.12),
        (120, 0.15),
        (180, 0.07),
        (280, 0.08),
    ),
}
SEASON_OF_MONTH = {
    m: s
    for s, months in (
        ("winter", (12, 1, 2)),
        ("spring", (3, 4, 5)),
        ("summer", (6, 7, 8)),
        ("autumn", (9, 10, 11)),
    )
    for m in months
}


def _cycle(period: float, peak: float, x: npt.NDArray[np.int_] | FloatArray) -> FloatArray:
    """cos with its maximum at ``peak``."""
    return np.cos(2.0 * math.pi * (np.asarray(x, dtype=float) - peak) / period)


def ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> FloatArray:
    """A stationary AR(1) series with marginal standard deviation ``sigma``."""
    shocks = rng.normal(0.0, sigma * math.sqrt(1.0 - phi * phi), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sigma)
    for k in range(1, n):
        out[k] = phi * out[k - 1] + shocks[k]
    return out


def daily_to_hourly(rng: np.random.Generator, phi: float, sigma: float) -> FloatArray:
    """A day-to-day AR(1) anomaly, interpolated to hours."""
    days = ar1(rng, HOURS // 24 + 1, phi, sigma)
    return np.interp(HOUR / 24.0, np.arange(days.size), days)


@dataclass
class Weather:
    wind_speed_ms: FloatArray
    wind_from_deg: FloatArray
    temperature_c: FloatArray
    humidity_pct: FloatArray
    temperature_anomaly_c: FloatArray
    regional: FloatArray  # the synoptic pollution factor shared by every air station


def build_weather(rng: np.random.Generator) -> Weather:
    # wind direction: regimes of 12-72 h, each with a prevailing direction from its season
    centre = np.empty(HOURS)
    strength = np.empty(HOURS)
    start = 0
    while start < HOURS:
        length = int(rng.integers(12, 73))
        mixture = WIND_MIXTURES[SEASON_OF_MONTH[int(MONTH[start])]]
        directions, weights = zip(*mixture, strict=True)
        k = int(rng.choice(len(directions), p=np.asarray(weights) / sum(weights)))
        centre[start : start + length] = directions[k] + rng.normal(0.0, 12.0)
        strength[start : start + length] = rng.lognormal(0.0, 0.25)
        start += length
    swing = ar1(rng, HOURS, 0.85, 22.0)
    angle = np.radians(centre + swing)
    # smooth regime changes over a few hours, on the unit vector (never average angles)
    kernel = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    east = np.convolve(np.sin(angle), kernel, mode="same")
    north = np.convolve(np.cos(angle), kernel, mode="same")
    wind_from = np.round(np.degrees(np.arctan2(east, north)) % 360.0) % 360.0

    seasonal_ws = 3.0 + 0.4 * _cycle(365.0, 95.0, DAY)  # windiest in spring
    diurnal_ws = 1.0 + 0.3 * _cycle(24.0, 14.0, HOUR_OF_DAY)  # afternoon mixing
    gust = np.exp(ar1(rng, HOURS, 0.8, 0.28))
    wind_speed = np.clip(np.round(seasonal_ws * diurnal_ws * strength * gust * 0.93, 1), 0.1, None)

    anomaly = daily_to_hourly(rng, 0.8, 2.4) + ar1(rng, HOURS, 0.7, 0.5)
    seasonal_t = 15.6 - 12.8 * _cycle(365.0, 18.0, DAY)
    diurnal_amplitude = 3.2 + 0.8 * _cycle(365.0, 110.0, DAY)
    temperature = seasonal_t + diurnal_amplitude * _cycle(24.0, 14.5, HOUR_OF_DAY) + anomaly
    humidity = (
        77.0
        + 6.0 * _cycle(365.0, 200.0, DAY)
        - 13.0 * _cycle(24.0, 14.5, HOUR_OF_DAY)
        - 1.5 * anomaly
        + ar1(rng, HOURS, 0.9, 7.0)
    )
    regional = np.exp(daily_to_hourly(rng, 0.75, 0.33))
    return Weather(
        wind_speed_ms=wind_speed,
        wind_from_deg=wind_from,
        temperature_c=np.round(temperature, 1),
        humidity_pct=np.round(np.clip(humidity, 22.0, 100.0)),
        temperature_anomaly_c=anomaly,
        regional=regional,
    )


#: Per-station multipliers: the park's own station sees more SO2/NO2, the town more traffic.
STATION_FACTORS: dict[str, dict[str, float]] = {
    "AQ-01": {"a21026": 1.45, "a21004": 1.2, "a21005": 1.05},
    "AQ-04": {"a21004": 1.25, "a21005": 1.1},
}


def air_series(station: str, weather: Weather, rng: np.random.Generator) -> dict[str, FloatArray]:
    """Hourly SO2, NO2, O3, PM10, PM2.5 (μg/m³) and CO (mg/m³) at one ambient-air station."""
    factors = STATION_FACTORS.get(station, {})
    stagnation = (2.6 / np.maximum(weather.wind_speed_ms, 0.8)) ** 0.35
    regional = weather.regional
    winter = _cycle(365.0, 15.0, DAY)

    def noise(sigma: float) -> FloatArray:
        return np.exp(ar1(rng, HOURS, 0.8, sigma))

    rush = 1.0 + 0.22 * _cycle(12.0, 8.0, HOUR_OF_DAY) + 0.08 * _cycle(24.0, 21.0, HOUR_OF_DAY)
    pm25 = (
        (35.0 + 19.0 * winter)
        * regional
        * stagnation
        * noise(0.18)
        * (1.0 + 0.1 * _cycle(24.0, 8.0, HOUR_OF_DAY) + 0.07 * _cycle(12.0, 21.0, HOUR_OF_DAY))
    )
    dust = 1.0 + 0.2 * np.exp(-(((DAY - 95.0) / 20.0) ** 2))  # spring dust
    pm10 = pm25 * 1.45 * dust * noise(0.1) + 6.0
    so2 = (
        (7.0 + 4.0 * winter)
        * regional**0.5
        * noise(0.3)
        * (1.0 + 0.3 * _cycle(24.0, 11.0, HOUR_OF_DAY))
    )
    no2 = (27.0 + 13.0 * winter) * regional**0.6 * stagnation * rush * noise(0.22)
    co = (0.65 + 0.25 * winter) * regional**0.5 * stagnation**0.5 * (0.8 + 0.2 * rush) * noise(0.15)
    sunshine = np.maximum(0.18, 1.0 + 0.85 * _cycle(24.0, 15.0, HOUR_OF_DAY))
    o3 = (
        (62.0 + 30.0 * _cycle(365.0, 160.0, DAY))
        * sunshine
        * np.exp(0.04 * weather.temperature_anomaly_c)
        * noise(0.15)
        * (35.0 / (no2 + 15.0)) ** 0.25
    )
    series = {
        "a21026": so2,
        "a21004": no2,
        "a21005": co,
        "a05024": o3,
        "a34002": pm10,
        "a34004": pm25,
    }
    out = {}
    for code, values in series.items():
        values = values * factors.get(code, 1.0)
        out[code] = np.maximum(
            np.round(values, 1 if code == "a21005" else 0), 0.1 if code == "a21005" else 2.0
        )
    return out


def fugitive_series(weather: Weather, rng: np.random.Generator) -> dict[str, FloatArray]:
    """Hourly non-methane hydrocarbons (mg/m³) at a park-boundary station."""
    night = 1.0 + 0.25 * _cycle(24.0, 3.0, HOUR_OF_DAY)
    nmhc = 0.78 * night * weather.regional**0.3 * np.exp(ar1(rng, HOURS, 0.8, 0.2))
    return {"a24088": np.round(nmhc, 2)}


def _do_saturation_mgl(temperature_c: FloatArray) -> FloatArray:
    """Oxygen solubility in fresh water at 1 atm (APHA 4500-O polynomial fit), mg/L."""
    t = temperature_c
    return 14.62 - 0.3898 * t + 0.006969 * t**2 - 5.897e-5 * t**3


SURFACE_WATER_LEVELS = {  # COD, NH3-N, TP (mg/L) of each section
    "SW-01": (16.0, 0.55, 0.14),
    "SW-02": (13.5, 0.38, 0.1),
    "SW-03": (11.5, 0.3, 0.08),
}


def surface_water_series(station: str, rng: np.random.Generator) -> dict[str, FloatArray]:
    """4-hourly COD, NH3-N, TP, DO (mg/L) and pH at a surface-water section (GB 3838 III-II)."""
    index = HOUR[::4]
    day = DAY[::4]
    cod, nh3n, tp = SURFACE_WATER_LEVELS[station]
    water_t = 17.5 - 11.0 * _cycle(365.0, 30.0, day) + rng.normal(0.0, 0.6, index.size)
    winter = _cycle(365.0, 20.0, day)

    def noise(sigma: float) -> FloatArray:
        return np.exp(ar1(rng, index.size, 0.9, sigma))

    photosynthesis = _cycle(24.0, 16.0, HOUR_OF_DAY[::4])
    return {
        "w01018": np.round(cod * (1.0 + 0.12 * winter) * noise(0.12), 1),
        "w21003": np.round(nh3n * (1.0 + 0.45 * winter) * noise(0.22), 3),
        "w21011": np.round(tp * noise(0.18), 3),
        "w01009": np.round(
            _do_saturation_mgl(water_t) * (0.82 + 0.06 * photosynthesis) * noise(0.04), 2
        ),
        "w01001": np.round(7.7 + 0.15 * photosynthesis + ar1(rng, index.size, 0.9, 0.08), 2),
    }


def sewer_series(rng: np.random.Generator) -> dict[str, FloatArray]:
    """Hourly COD and NH3-N (mg/L) in a park sewer (pretreated industrial wastewater)."""
    cod = float(rng.uniform(180.0, 320.0))
    nh3n = float(rng.uniform(12.0, 28.0))
    shifts = 1.0 + 0.18 * _cycle(24.0, 15.0, HOUR_OF_DAY)
    sunday = np.where((DAY + 3) % 7 == 6, 0.9, 1.0)  # 2025-01-01 was a Wednesday
    common = shifts * sunday
    return {
        "w01018": np.round(cod * common * np.exp(ar1(rng, HOURS, 0.85, 0.14)), 1),
        "w21003": np.round(nh3n * common * np.exp(ar1(rng, HOURS, 0.85, 0.16)), 2),
    }


def met_series(weather: Weather) -> dict[str, FloatArray]:
    return {
        "a01001": weather.temperature_c,
        "a01002": weather.humidity_pct,
        "a01007": weather.wind_speed_ms,
        "a01008": weather.wind_from_deg,
    }
