"""The JSON the API writes for reals and times, checked value by value in PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import math
import zoneinfo

import pytest
from sqlalchemy import Engine

from geoapi.times import local_time_json_sql, real_json_sql, steady_offset


def _json(engine: Engine, expression: str, value: object, cast: str) -> object:
    with engine.connect() as connection:
        sql = f"SELECT ({expression})::text FROM (SELECT %(v)s::{cast} AS c) t"
        text = connection.exec_driver_sql(sql, {"v": value}).scalar_one()
    return None if text is None else text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (205.0, "205.0"),
        (10.67, "10.67"),
        (0.2, "0.2"),
        (-3.0, "-3.0"),
        (0.0, "0.0"),
        (123456789012345.0, "123456789012345.0"),
        (1e15, "1e+15"),
        (1e20, "1e+20"),
        (1e-5, "1e-05"),
        (None, "null"),
        ("NaN", "null"),
        ("Infinity", "null"),
        ("-Infinity", "null"),
    ],
)
def test_reals_carry_a_decimal_point(engine: Engine, value: object, written: str) -> None:
    text = _json(engine, f"json_build_array({real_json_sql('c')})->0", value, "float8")
    assert text == written
    if written != "null":
        parsed = json.loads(written)
        assert isinstance(parsed, float) and math.isclose(parsed, float(value))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("zone", "instant"),
    [
        ("Asia/Shanghai", "2025-01-01T15:00:00Z"),
        ("Asia/Shanghai", "2025-06-30T23:59:59.5Z"),
        ("Asia/Shanghai", "1988-07-01T00:00:00Z"),  # China's daylight saving (1986-1991): +09:00
        ("Europe/Berlin", "2025-03-30T00:30:00Z"),
        ("Europe/Berlin", "2025-03-30T01:30:00Z"),  # just after the spring change
        ("America/St_Johns", "2025-01-15T12:00:00Z"),  # -03:30
        ("Asia/Kolkata", "2025-01-15T12:00:00Z"),  # +05:30
        ("UTC", "2025-01-15T12:00:00Z"),
    ],
)
def test_times_in_the_zone_with_its_offset(engine: Engine, zone: str, instant: str) -> None:
    value = dt.datetime.fromisoformat(instant)
    expected = value.astimezone(zoneinfo.ZoneInfo(zone)).isoformat()
    literal = f"'{zone}'"
    text = _json(engine, local_time_json_sql("c", literal, zone), instant, "timestamptz")
    written = json.loads(str(text))
    assert written == expected.replace(".500000", ".5")
    assert dt.datetime.fromisoformat(written) == value


def test_steady_offset_of_the_park_zone() -> None:
    since, offset = steady_offset("Asia/Shanghai")
    assert offset == dt.timedelta(hours=8)
    assert dt.datetime(1991, 9, 1, tzinfo=dt.UTC) < since < dt.datetime(1991, 10, 1, tzinfo=dt.UTC)
