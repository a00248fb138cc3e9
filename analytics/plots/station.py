"""Station plots from the database: the series, the wind rose and the CPF plot of one station.

Hourly values come through :mod:`analytics.met` — flagged-bad values dropped, several readings
in an hour averaged (wind as vectors), missing hours left missing — so the plots show what the
tracings use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import numpy as np
from sqlalchemy import Engine, text

from analytics.errors import BadParameterError, NotFoundError
from analytics.met import find_station, hour_slots, read_hourly_values, read_hourly_wind
from analytics.plots.render import ImageFormat, LimitLine, cpf_polar, time_series, wind_rose
from layers.parameters import BY_CODE
from monitoring.quality.cpf import conditional_probability

PlotKind = Literal["series", "windrose", "cpf"]
#: The longest window a plot reads: one year of hours.
MAX_HOURS = 366 * 24


def _station(engine: Engine, code: str) -> tuple[str, float, float]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT name, ST_X(geom), ST_Y(geom) FROM stations WHERE code = :c"), {"c": code}
        ).first()
    if row is None:
        raise NotFoundError(f"未知站点 {code} / unknown station {code}")
    return str(row[0]), float(row[1]), float(row[2])


def _limits(engine: Engine, parameter: str, at: datetime) -> list[LimitLine]:
    """The 1 h (else 24 h) class II upper limits in force at ``at`` (GB 3095 / GB 3838 III)."""
    sql = text(
        "SELECT standard, edition, quality_class, period, limit_value, unit FROM standard_limits "
        "WHERE parameter = :p AND bound = 'upper' AND quality_class IN ('II', 'III') "
        "AND period IN ('1h', 'sample') AND valid_from <= :d "
        "AND (valid_to IS NULL OR valid_to >= :d) ORDER BY standard"
    )
    with engine.connect() as conn:
        rows = conn.execute(sql, {"p": parameter, "d": at.date()}).all()
    return [
        LimitLine(float(r.limit_value), f"{r.standard}-{r.edition} {r.quality_class}类 {r.period}")
        for r in rows
    ]


def station_plot(
    engine: Engine,
    station_code: str,
    kind: PlotKind,
    start: datetime,
    end: datetime,
    *,
    parameter: str | None = None,
    fmt: ImageFormat = "svg",
    met_station: str | None = None,
) -> bytes:
    """Render one plot of ``station_code`` over [start, end)."""
    slots = hour_slots(start, end)
    if not slots or len(slots) > MAX_HOURS:
        raise BadParameterError(
            f"时间窗口应为1小时至1年 / the window must be 1 hour to 1 year (got {len(slots)} h)"
        )
    name, lon, lat = _station(engine, station_code)
    if kind in ("series", "cpf") and (parameter is None or parameter not in BY_CODE):
        raise BadParameterError(
            f"需要有效的HJ 212因子编码 / a known HJ 212 parameter is required (got {parameter!r})"
        )
    with engine.connect() as conn:
        if kind == "series":
            assert parameter is not None
            values = read_hourly_values(conn, station_code, parameter, slots)
            p = BY_CODE[parameter]
            return time_series(
                slots,
                values,
                title=f"{name} {p.zh} / {p.en}",
                unit=p.unit,
                limits=_limits(engine, parameter, start),
                fmt=fmt,
            )
        met = find_station(conn, lon, lat, met_station)
        wind = read_hourly_wind(conn, met.code, start, end)
        if kind == "windrose":
            return wind_rose(
                wind.from_deg, wind.speed_ms, title=f"{met.name} 风玫瑰 / wind rose", fmt=fmt
            )
        assert parameter is not None
        values = np.asarray(
            read_hourly_values(conn, station_code, parameter, wind.hours), dtype=float
        )
    p = BY_CODE[parameter]
    cpf = conditional_probability(wind.from_deg, wind.speed_ms, values)
    return cpf_polar(cpf, title=f"{name} {p.zh} CPF / {p.en}", fmt=fmt)
