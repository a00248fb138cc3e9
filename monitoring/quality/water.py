"""The GB 3838-2002 class of each surface-water sample.

Per parameter the class is the best class k (I = 1 ... V = 5) whose limits the value meets
(``value <= limit``, for DO ``value >= limit``, for pH both bounds: 6 <= value <= 9); worse
than class V is 劣V (6). A sample's class is its worst parameter's (GB 3838-2002 5.x,
single-factor evaluation), and that parameter is named. Limits are those in force on the
sample's local date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitoring.quality.limits import limits_by_date, unit_factors

CLASS_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "劣V"}
_CLASS_NUMBER = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def water_classes(
    samples: pd.DataFrame, limits: pd.DataFrame, zone: str, standard: str = "GB 3838"
) -> pd.DataFrame:
    """Class per station and sample time.

    ``samples``: station_code, time (tz-aware), parameter, value, unit. Returns station_code,
    time, class_number (1-6), water_class (I ... 劣V), worst_parameters (comma-separated).
    """
    rows = samples.assign(
        standard=standard,
        date=samples["time"].dt.tz_convert(zone).dt.tz_localize(None).dt.normalize(),
    )
    judged = limits_by_date(
        rows, limits[limits["period"] == "sample"], on=["standard", "parameter"]
    )
    if judged.empty:
        return pd.DataFrame(
            columns=["station_code", "time", "class_number", "water_class", "worst_parameters"]
        )
    factor = unit_factors(judged["unit"], judged["limit_unit"])
    value = judged["value"].to_numpy(dtype=float) * factor
    limit = judged["limit_value"].to_numpy(dtype=float)
    meets = np.where(judged["bound"].to_numpy() == "lower", value >= limit, value <= limit)
    class_codes, class_names = pd.factorize(judged["quality_class"])
    number = np.array([_CLASS_NUMBER[c] for c in class_names], dtype=float)[class_codes]
    # A class is met when every bound of it is (pH: 6 <= value <= 9), then the best class met.
    # Cells (sample parameter × class) are numbered so one bincount finds the failed ones.
    key = ["station_code", "time", "parameter"]
    group = judged.groupby(key, sort=True).ngroup().to_numpy()
    cell = group * 8 + number.astype(np.int64)
    failed = np.bincount(cell, weights=~meets, minlength=int(cell.max()) + 1) > 0
    best = pd.Series(np.where(failed[cell], np.inf, number)).groupby(group).min()
    _, first_rows = np.unique(group, return_index=True)  # one row per group, in group order
    per_parameter = pd.Series(
        best.to_numpy(),
        index=pd.MultiIndex.from_frame(judged[key].iloc[first_rows]),
        name="meets_class",
    )
    per_parameter = per_parameter.where(np.isfinite(per_parameter), 6).astype(int).reset_index()
    worst = per_parameter.groupby(["station_code", "time"])["meets_class"].transform("max")
    named = per_parameter[(per_parameter["meets_class"] == worst).to_numpy()]
    # Rows are sorted by sample: a sample's worst parameters are one run of rows.
    starts = np.flatnonzero(~named.duplicated(["station_code", "time"]).to_numpy())
    parameters = np.split(named["parameter"].to_numpy(dtype=object), starts[1:])
    out = named.iloc[starts][["station_code", "time", "meets_class"]].rename(
        columns={"meets_class": "class_number"}
    )
    out["worst_parameters"] = [",".join(p) for p in parameters]
    out = out.reset_index(drop=True)
    out.insert(3, "water_class", out["class_number"].map(CLASS_NAMES))
    return out
