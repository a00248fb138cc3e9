"""Each station's status: normal, exceeding, offline or no data.

- ``no_data``: the station has no observation at all;
- ``offline``: its latest observation is older, at ``as_of``, than the offline threshold of its
  station type (:data:`OFFLINE_AFTER`: three missed reporting cycles);
- ``exceeding``: an event of a short period (1 h, 8 h, 24 h, sample) is still running at its
  latest observation (the event ends after it);
- ``normal``: otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from monitoring.quality.exceedances import STEP

#: Missed reporting cycles after which a station is offline.
MISSED_CYCLES = 3
#: Station type (``stations.type``) → no data for longer than this is offline: three cycles of
#: the type's usual reporting interval. Automatic air, met, hydrological, fugitive-boundary and
#: source-online stations report hourly (HJ 212 hour data, CN 2061) → 3 h; automatic surface-
#: water stations sample every 4 h → 12 h. Groundwater, soil and noise stations are sampled by
#: hand at no fixed interval: they get three times the median interval of their own data
#: (:func:`reporting_intervals`), or :data:`DEFAULT_OFFLINE_AFTER` without one.
OFFLINE_AFTER: Mapping[str, pd.Timedelta] = {
    "air": MISSED_CYCLES * pd.Timedelta(hours=1),
    "met": MISSED_CYCLES * pd.Timedelta(hours=1),
    "hydro": MISSED_CYCLES * pd.Timedelta(hours=1),
    "fugitive": MISSED_CYCLES * pd.Timedelta(hours=1),
    "source_online": MISSED_CYCLES * pd.Timedelta(hours=1),
    "surface_water": MISSED_CYCLES * pd.Timedelta(hours=4),
}
DEFAULT_OFFLINE_AFTER = pd.Timedelta(hours=3)
SHORT_PERIODS = ("1h", "8h", "24h", "sample")
STATUS_TITLES = {
    "normal": ("正常", "Normal"),
    "exceeding": ("超标", "Exceeding"),
    "offline": ("离线", "Offline"),
    "no_data": ("无数据", "No data"),
}


def reporting_intervals(observations: pd.DataFrame) -> pd.Series:
    """Per station code, the median time between its distinct observation times (stations
    with fewer than two times are left out)."""
    times = (
        observations[["station_code", "time"]]
        .drop_duplicates()
        .sort_values(["station_code", "time"])
    )
    gaps = times["time"].diff()
    gaps[times["station_code"].ne(times["station_code"].shift())] = pd.NaT
    return gaps.groupby(times["station_code"]).median().dropna()


def offline_thresholds(
    stations: pd.DataFrame,
    observations: pd.DataFrame | None = None,
    overrides: Mapping[str, pd.Timedelta] | None = None,
) -> pd.Series:
    """Per station code, its offline threshold: the type's in ``overrides``, else in
    :data:`OFFLINE_AFTER`, else three of the station's median interval in ``observations``
    (station_code, time), else the default."""
    by_type = {**OFFLINE_AFTER, **(overrides or {})}
    kinds = stations["type"] if "type" in stations else pd.Series(None, index=stations.index)
    derived = pd.Series(dtype="timedelta64[ns]")
    if observations is not None:
        undeclared = stations.loc[~kinds.isin(list(by_type)).to_numpy(), "code"]
        own = observations[observations["station_code"].isin(undeclared).to_numpy()]
        derived = reporting_intervals(own) * MISSED_CYCLES
    values = [
        by_type.get(str(kind), derived.get(code, DEFAULT_OFFLINE_AFTER))
        for code, kind in zip(stations["code"], kinds, strict=True)
    ]
    return pd.Series(pd.to_timedelta(values), index=stations["code"].to_numpy())


def station_status(
    stations: pd.DataFrame,
    latest: pd.DataFrame,
    events: pd.DataFrame,
    as_of: pd.Timestamp,
    offline_after: pd.Series | pd.Timedelta | None = None,
) -> pd.DataFrame:
    """Status per station.

    ``stations``: code (and type); ``latest``: station_code, latest_time (tz-aware);
    ``events``: the exceedance events; ``offline_after``: one threshold, or one per station code
    (:func:`offline_thresholds`; default: by type). Returns station_code, status, latest_time,
    exceeding_parameters, offline_after.
    """
    out = stations[["code"]].rename(columns={"code": "station_code"})
    out = out.merge(latest[["station_code", "latest_time"]], on="station_code", how="left")
    running = events[events["period"].isin(SHORT_PERIODS)].merge(
        out[["station_code", "latest_time"]], on="station_code"
    )
    # An event is still running when the period holding the station's latest value is in it:
    # events are stamped with their last value's period start, so add one period.
    step = pd.to_timedelta(running["period"].map(STEP)).fillna(pd.Timedelta(0))
    covered_until = pd.to_datetime(running["end"], utc=True) + step
    running = running[
        (covered_until > running["latest_time"]) | (running["end"] >= running["latest_time"])
    ]
    names = running.groupby("station_code")["parameter"].agg(lambda p: ",".join(sorted(set(p))))
    out["exceeding_parameters"] = out["station_code"].map(lambda c: names.get(c, ""))
    if offline_after is None:
        offline_after = offline_thresholds(stations)
    if isinstance(offline_after, pd.Series):
        threshold = pd.to_timedelta(out["station_code"].map(offline_after))
    else:
        threshold = pd.Series(offline_after, index=out.index)
    status = pd.Series("normal", index=out.index, dtype=object)
    status[out["exceeding_parameters"] != ""] = "exceeding"
    status[(as_of - out["latest_time"]) > threshold] = "offline"
    status[out["latest_time"].isna()] = "no_data"
    out.insert(1, "status", status)
    out["offline_after"] = threshold
    return out
