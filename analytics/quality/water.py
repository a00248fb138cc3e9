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

from analytics.quality.limits import limits_by_date, unit_factor

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
    factor = np.array(
        [unit_factor(u, lu) for u, lu in zip(judged["unit"], judged["limit_unit"], strict=True)]
    )
    value = judged["value"].to_numpy(dtype=float) * factor
    limit = judged["limit_value"].to_numpy(dtype=float)
    meets = np.where(judged["bound"].to_numpy() == "lower", value >= limit, value <= limit)
    number = judged["quality_class"].map(_CLASS_NUMBER).to_numpy(dtype=float)
    # A class is met when every bound of it is (pH: 6 <= value <= 9), then the best class met.
    judged = judged.assign(meets=meets, number=number)
    per_class = judged.groupby(["station_code", "time", "parameter", "number"], sort=True)[
        "meets"
    ].all()
    met = per_class.reset_index()
    met["meets_class"] = np.where(met["meets"], met["number"], np.inf)
    per_parameter = met.groupby(["station_code", "time", "parameter"], sort=True)[
        "meets_class"
    ].min()
    per_parameter = per_parameter.where(np.isfinite(per_parameter), 6).astype(int).reset_index()
    worst = per_parameter.groupby(["station_code", "time"])["meets_class"].transform("max")
    named = per_parameter[per_parameter["meets_class"] == worst]
    out = named.groupby(["station_code", "time"], sort=True).agg(
        class_number=("meets_class", "first"), worst_parameters=("parameter", ",".join)
    )
    out = out.reset_index()
    out.insert(3, "water_class", out["class_number"].map(CLASS_NAMES))
    return out
