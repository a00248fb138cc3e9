"""Each exceedance calls for the trace that fits its station, with valid parameters."""

from __future__ import annotations

import pandas as pd

from analytics.registry import get_analysis
from monitoring.quality.follow_up import follow_up, with_follow_ups

STATIONS = pd.DataFrame(
    {
        "type": ["air", "source_online", "surface_water", "noise"],
        "lon": [120.01, 120.02, 120.03, 120.04],
        "lat": [32.01, 32.02, 32.03, 32.04],
    },
    index=pd.Index(["AQ-01", "OL-01", "SW-01", "NS-01"], name="code"),
)


def _event(station: str, parameter: str, period: str, start: str, end: str) -> dict[str, object]:
    return {
        "station_code": station,
        "parameter": parameter,
        "period": period,
        "start": pd.Timestamp(start),
        "end": pd.Timestamp(end),
    }


def test_air_exceedance_gets_a_wind_sector_trace_over_its_hours() -> None:
    event = _event("AQ-01", "a21026", "1h", "2025-02-04T23:00+08:00", "2025-02-05T02:00+08:00")
    analysis, params = follow_up(event, {"code": "AQ-01", **STATIONS.loc["AQ-01"].to_dict()})
    assert analysis == "wind-sector-trace"
    assert params["receptor"] == "station:AQ-01" and params["pollutant"] == "a21026"
    # the last value is stamped 02:00 and covers the hour to 03:00
    assert (params["start"], params["end"]) == (
        "2025-02-04T23:00:00+08:00",
        "2025-02-05T03:00:00+08:00",
    )
    get_analysis(analysis).validate(params)  # raises when the parameters do not fit


def test_daily_exceedance_window_covers_its_last_day() -> None:
    event = _event("AQ-01", "a34004", "24h", "2025-01-10T00:00+08:00", "2025-01-11T00:00+08:00")
    _, params = follow_up(event, {"code": "AQ-01", **STATIONS.loc["AQ-01"].to_dict()})
    assert params["end"] == "2025-01-12T00:00:00+08:00"


def test_water_exceedances_trace_upstream_on_their_network() -> None:
    events = pd.DataFrame(
        [
            _event("OL-01", "w01018", "sample", "2025-03-11T02:00+08:00", "2025-03-11T04:00+08:00"),
            _event("SW-01", "w21003", "sample", "2025-03-11T02:00+08:00", "2025-03-11T02:00+08:00"),
            _event("NS-01", "a01001", "1h", "2025-03-11T02:00+08:00", "2025-03-11T02:00+08:00"),
            _event("XX-99", "w01018", "sample", "2025-03-11T02:00+08:00", "2025-03-11T02:00+08:00"),
        ]
    )
    out = with_follow_ups(events, STATIONS)
    assert out["trace_process"].tolist() == ["network-trace", "network-trace", None, None]
    sewer, river = out["trace_inputs"].iloc[0], out["trace_inputs"].iloc[1]
    assert (sewer["network"], sewer["direction"]) == ("sewer", "upstream")
    assert river["network"] == "river"
    assert sewer["start"] == "point:120.0200000,32.0200000"
    for params in (sewer, river):
        get_analysis("network-trace").validate(params)
