"""Each station's status: normal, exceeding, offline or no data.

- ``no_data``: the station has no observation at all;
- ``offline``: its latest observation is older than ``offline_after`` at ``as_of`` (a
  configurable time; default 3 h, three missed hourly uploads);
- ``exceeding``: an event of a short period (1 h, 8 h, 24 h, sample) is still running at its
  latest observation (the event ends after it);
- ``normal``: otherwise.
"""

from __future__ import annotations

import pandas as pd

from analytics.quality.exceedances import STEP

DEFAULT_OFFLINE_AFTER = pd.Timedelta(hours=3)
SHORT_PERIODS = ("1h", "8h", "24h", "sample")
STATUS_TITLES = {
    "normal": ("正常", "Normal"),
    "exceeding": ("超标", "Exceeding"),
    "offline": ("离线", "Offline"),
    "no_data": ("无数据", "No data"),
}


def station_status(
    stations: pd.DataFrame,
    latest: pd.DataFrame,
    events: pd.DataFrame,
    as_of: pd.Timestamp,
    offline_after: pd.Timedelta = DEFAULT_OFFLINE_AFTER,
) -> pd.DataFrame:
    """Status per station.

    ``stations``: code; ``latest``: station_code, latest_time (tz-aware); ``events``: the
    exceedance events. Returns station_code, status, latest_time, exceeding_parameters.
    """
    out = stations[["code"]].rename(columns={"code": "station_code"})
    out = out.merge(latest[["station_code", "latest_time"]], on="station_code", how="left")
    running = events[events["period"].isin(SHORT_PERIODS)].merge(
        out[["station_code", "latest_time"]], on="station_code"
    )
    # An event is still running when the period holding the station's latest value is in it:
    # events are stamped with their last value's period start, so add one period.
    step = running["period"].map(STEP).astype(object).where(lambda s: s.notna(), pd.Timedelta(0))
    covered_until = running["end"] + pd.to_timedelta(step)
    running = running[
        (covered_until > running["latest_time"]) | (running["end"] >= running["latest_time"])
    ]
    names = running.groupby("station_code")["parameter"].agg(lambda p: ",".join(sorted(set(p))))
    out["exceeding_parameters"] = out["station_code"].map(lambda c: names.get(c, ""))
    status = pd.Series("normal", index=out.index, dtype=object)
    status[out["exceeding_parameters"] != ""] = "exceeding"
    status[(as_of - out["latest_time"]) > offline_after] = "offline"
    status[out["latest_time"].isna()] = "no_data"
    out.insert(1, "status", status)
    return out
