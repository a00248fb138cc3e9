"""The demo's manual sampling campaigns of 2025 (Jiangsu 7.3.3-7.3.5): noise quarterly by day
and by night, groundwater half-yearly, soil once (January) at two depths. Invented values around the
levels such stations report, a few beyond their limits, so that the judgement has something
to find (``monitoring.campaigns``)."""

from __future__ import annotations

import numpy as np

from etl.demo.stations import Station

#: GB 3096 zone class by where the point is: a community or village is class 2, the park 3.
RESIDENTIAL = ("社区", "村")
#: (day, night) level the demo draws around, dB(A), per zone class
NOISE_CENTRE = {"2": (56.0, 47.0), "3": (61.0, 51.0)}
NOISE_DAYS = ("2025-02-18", "2025-05-14", "2025-08-20", "2025-11-12")
GROUNDWATER_DAYS = ("2025-04-09", "2025-10-15")
#: code → (unit, typical value, spread, decimals)
GROUNDWATER = {
    "w01001": ("", 7.3, 0.25, 1),
    "w21003": ("mg/L", 0.35, 0.18, 2),
    "w01019": ("mg/L", 2.4, 0.6, 1),
    "w21022": ("mg/L", 190.0, 45.0, 0),
    "w21007": ("mg/L", 6.0, 3.0, 1),
}
#: CAS number → (typical content mg/kg, spread, decimals)
SOIL = {
    "7440-38-2": (12.0, 4.0, 1),
    "7439-92-1": (45.0, 15.0, 0),
    "7440-02-0": (40.0, 12.0, 0),
    "7440-50-8": (35.0, 10.0, 0),
    "7440-43-9": (0.25, 0.1, 2),
    "7439-97-6": (0.12, 0.05, 2),
    "71-43-2": (0.05, 0.4, 2),
}


def _positive(rng: np.random.Generator, centre: float, spread: float, decimals: int) -> float:
    return round(max(float(rng.normal(centre, spread)), 10.0**-decimals), decimals)


def build_campaign_samples(
    stations: list[Station], rng: np.random.Generator
) -> list[dict[str, object]]:
    """The rows of ``campaign_samples`` for the demo's noise, groundwater and soil stations."""
    rows: list[dict[str, object]] = []
    by_type = {
        kind: [s for s in stations if s.type == kind] for kind in ("noise", "groundwater", "soil")
    }
    # soil first, and first in time (the API pages by time): GDAL and QGIS type a field from
    # the first features they read, and only soil samples carry a depth and both values
    for s in by_type["soil"]:
        for depth_m in (0.2, 1.0):
            for code, (centre, spread, decimals) in SOIL.items():
                rows.append(
                    {
                        "campaign": "2025",
                        "sample_id": f"2025-{s.code}-{depth_m:g}",
                        "station_code": s.code,
                        "medium": "soil",
                        "sampled_at": "2025-01-15T14:00:00+08:00",
                        "parameter": code,
                        "value": _positive(rng, centre, spread, decimals),
                        "unit": "mg/kg",
                        "depth_m": depth_m,
                        "applies_class": "2",  # industrial land: GB 36600 second class
                    }
                )
    for half, day in enumerate(GROUNDWATER_DAYS, 1):
        for s in by_type["groundwater"]:
            for code, (unit, centre, spread, decimals) in GROUNDWATER.items():
                rows.append(
                    {
                        "campaign": f"2025H{half}",
                        "sample_id": f"2025H{half}-{s.code}",
                        "station_code": s.code,
                        "medium": "groundwater",
                        "sampled_at": f"{day}T09:30:00+08:00",
                        "parameter": code,
                        "value": _positive(rng, centre, spread, decimals),
                        "unit": unit or None,
                        "applies_class": "III",
                    }
                )
    for quarter, day in enumerate(NOISE_DAYS, 1):
        for s in by_type["noise"]:
            zone = "2" if any(word in s.name for word in RESIDENTIAL) else "3"
            for period, hour, centre in (("day", "10:00", 0), ("night", "22:30", 1)):
                rows.append(
                    {
                        "campaign": f"2025Q{quarter}",
                        "sample_id": f"2025Q{quarter}-{s.code}-{period[0].upper()}",
                        "station_code": s.code,
                        "medium": "noise",
                        "sampled_at": f"{day}T{hour}:00+08:00",
                        "parameter": "Leq",
                        "period": period,
                        "value": _positive(rng, NOISE_CENTRE[zone][centre], 2.5, 1),
                        "unit": "dB(A)",
                        "applies_class": zone,
                    }
                )
    return rows
