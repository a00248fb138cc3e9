"""Station plots from a real database: the images are produced, and bad requests are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from analytics.errors import BadParameterError, NotFoundError
from analytics.plots.station import station_plot

T0 = datetime(2025, 1, 1, tzinfo=UTC)
HOURS = 48


@pytest.fixture
def stations(engine: Engine) -> Engine:
    with engine.begin() as conn:
        for code, kind, lon in (("MET", "met", 120.0), ("AQ", "air", 120.01)):
            conn.execute(
                text(
                    "INSERT INTO stations (code, name, type, geom) VALUES (:c, :n, :t, "
                    "ST_SetSRID(ST_MakePoint(:lon, 32.0), 4326))"
                ),
                {"c": code, "n": f"站点{code}", "t": kind, "lon": lon},
            )
        rows = []
        for i in range(HOURS):
            time = T0 + timedelta(hours=i)
            from_deg = (i * 15) % 360
            rows += [
                {"s": "MET", "t": time, "p": "a01007", "v": 2.0 + (i % 5)},
                {"s": "MET", "t": time, "p": "a01008", "v": float(from_deg)},
                # SO₂ high when the wind is from the north-east quarter
                {"s": "AQ", "t": time, "p": "a21026", "v": 80.0 if from_deg < 90 else 10.0},
            ]
        conn.execute(
            text(
                "INSERT INTO observations (station_code, time, parameter, value, flag) "
                "VALUES (:s, :t, :p, :v, 'N')"
            ),
            rows,
        )
    return engine


@pytest.mark.parametrize(
    ("kind", "parameter", "fmt", "magic"),
    [
        ("series", "a21026", "svg", b"<svg"),
        ("windrose", None, "png", b"\x89PNG"),
        ("cpf", "a21026", "svg", b"<svg"),
    ],
)
def test_plots_are_rendered(
    stations: Engine, kind: str, parameter: str | None, fmt: str, magic: bytes
) -> None:
    image = station_plot(
        stations,
        "AQ",
        kind,
        T0,
        T0 + timedelta(hours=HOURS),  # type: ignore[arg-type]
        parameter=parameter,
        fmt=fmt,
    )  # type: ignore[arg-type]
    assert magic in image[:200]
    assert len(image) > 5_000


def test_svg_carries_the_chinese_title(stations: Engine) -> None:
    image = station_plot(
        stations, "AQ", "series", T0, T0 + timedelta(hours=HOURS), parameter="a21026"
    )
    assert "二氧化硫" in image.decode("utf-8")  # SVG text is kept as text
    assert (
        station_plot(stations, "AQ", "series", T0, T0 + timedelta(hours=HOURS), parameter="a21026")
        == image
    )  # deterministic output


def test_bad_requests_are_refused(stations: Engine) -> None:
    end = T0 + timedelta(hours=HOURS)
    with pytest.raises(NotFoundError):
        station_plot(stations, "NOPE", "series", T0, end, parameter="a21026")
    with pytest.raises(BadParameterError, match="parameter"):
        station_plot(stations, "AQ", "cpf", T0, end, parameter="a99999")
    with pytest.raises(BadParameterError, match="1 year"):
        station_plot(stations, "AQ", "series", T0, T0 + timedelta(days=400), parameter="a21026")
