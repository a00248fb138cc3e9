"""The trace an exceedance calls for, with its parameters filled in (Jiangsu 7.5).

An air exceedance (an ambient or fugitive station) gets a wind-sector trace from that station
over the event's hours, for its pollutant. A water exceedance gets an upstream network trace:
on the sewer network for a station on a sewer monitoring well (``source_online``, located on
its node), on the rivers for a surface-water station. The parameters are the analyses' own
(:mod:`analytics.registry`), so the API, the map and the CLI can run them unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pandas as pd

from analytics.wind_sector import MAX_WINDOW
from monitoring.quality.exceedances import STEP

AIR_TYPES = ("air", "fugitive")
SEWER_TYPES = ("source_online",)
RIVER_TYPES = ("surface_water", "hydro")
#: How far upstream a water trace looks by default, m.
UPSTREAM_DISTANCE_M = 5000.0


def _window(event: Mapping[str, Any]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) covering the event's values; values are stamped at their period's start."""
    start = pd.Timestamp(event["start"])
    step = STEP.get(str(event["period"]))
    end = pd.Timestamp(event["end"]) + (
        step if step is not None and not pd.isna(step) else timedelta(hours=1)
    )
    if end - start > MAX_WINDOW:  # a long event: its last month, where the peak is recent
        start = end - MAX_WINDOW
    return start, end


def follow_up(
    event: Mapping[str, Any], station: Mapping[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    """``(analysis id, parameters)`` for one exceedance event at ``station`` (a row of the
    stations layer with ``type``, ``lon`` and ``lat``), or ``None`` when no trace applies."""
    kind = str(station["type"])
    if kind in AIR_TYPES:
        start, end = _window(event)
        return "wind-sector-trace", {
            "receptor": f"station:{station['code']}",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "pollutant": str(event["parameter"]),
        }
    if kind in SEWER_TYPES or kind in RIVER_TYPES:
        return "network-trace", {
            "network": "sewer" if kind in SEWER_TYPES else "river",
            "start": f"point:{float(station['lon']):.7f},{float(station['lat']):.7f}",
            "direction": "upstream",
            "max_distance_m": UPSTREAM_DISTANCE_M,
        }
    return None


def with_follow_ups(events: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    """``events`` plus ``trace_process`` and ``trace_inputs`` columns (``None`` where no trace
    applies); ``stations`` is indexed by station code."""
    processes: list[str | None] = []
    inputs: list[dict[str, Any] | None] = []
    for event in events.to_dict("records"):
        code = event["station_code"]
        found = (
            follow_up(event, {"code": code, **stations.loc[code].to_dict()})
            if (code in stations.index)
            else None
        )
        processes.append(found[0] if found else None)
        inputs.append(found[1] if found else None)
    return events.assign(
        trace_process=pd.Series(processes, index=events.index, dtype=object),
        trace_inputs=pd.Series(inputs, index=events.index, dtype=object),
    )
