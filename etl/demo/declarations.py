"""Demo rows of what enterprises declare besides the registers: operating-condition points
with their alarm thresholds (Jiangsu 7.4.7) and manual and fugitive monitoring results (7.4.2,
7.4.3). All are accepted, as the office's load of the demo files makes them.

The thresholds are set from the online series themselves, so that an alarm is rare: a fan's
flue-gas flow (a stack's ``a00000``) below 60 % of its median hour means the facility stopped;
a wastewater plant's flow (``w00000``) below 40 %, its pumps. The first point's threshold is
set just above its 4th-lowest hour, so that the demo shows a few alarms.
"""

from __future__ import annotations

import numpy as np

from etl.demo.observations import Series
from etl.demo.outfalls import Outfall
from etl.demo.stations import Station

#: Share of the median hourly flow below which a point alarms.
FLOW_ALARM_SHARE = {"a00000": 0.6, "w00000": 0.4}
QUANTITY = {"a00000": ("风机风量", "vocs_treatment", "废气治理设施"), "w00000": (
    "污水处理设施出水流量", "wastewater_treatment", "污水处理设施"
)}  # fmt: skip
SAMPLE_DAYS = ("2025-03-12", "2025-06-11", "2025-09-10", "2025-12-10")
MANUAL_OUTFALLS = 8
FUGITIVE_POINTS = 4
#: Typical manual results of a plant's wastewater (mg/L) and a fugitive boundary (mg/m³).
TYPICAL = {"w01018": (220.0, "mg/L"), "w21003": (18.0, "mg/L"), "a24088": (1.2, "mg/m³")}
LABORATORY = "江苏泰兴环境检测有限公司"


def operating_conditions(
    stations: list[Station], series: list[Series], outfalls: list[Outfall]
) -> tuple[list[dict[str, object]], list[tuple[float, float]]]:
    """One point per online outfall station: its flow with a low-flow alarm; and their
    places (the station's, in the park's plane coordinates u, v)."""
    by_code = {f"OL-{o.code}": o for o in outfalls}
    flows = {(s.station, s.parameter): s.values for s in series if s.parameter in FLOW_ALARM_SHARE}
    rows: list[dict[str, object]] = []
    places: list[tuple[float, float]] = []
    for station in sorted(stations, key=lambda s: s.code):
        outfall = by_code.get(station.code)
        if outfall is None:
            continue
        for parameter, share in FLOW_ALARM_SHARE.items():
            values = flows.get((station.code, parameter))
            if values is None:
                continue
            quantity, facility_type, facility = QUANTITY[parameter]
            step = 100.0 if parameter == "a00000" else 0.1
            rows.append(
                {
                    "credit_code": outfall.credit_code,
                    "code": f"GK-{outfall.code}",
                    "facility": f"{outfall.code}{facility}",
                    "facility_type": facility_type,
                    "quantity": quantity,
                    "station_code": station.code,
                    "parameter": parameter,
                    "unit": "m³/h" if parameter == "a00000" else "L/s",
                    "lower_limit": _threshold(values, share, step, alarming=not rows),
                    "upper_limit": None,
                }
            )
            places.append((station.u, station.v))
    return rows, places


def _threshold(values: np.ndarray, share: float, step: float, alarming: bool) -> float:
    """A low-flow alarm threshold: ``share`` of the median hour, rounded down to ``step``; for
    the demo's one alarming point, the 4th-lowest hour of the year rounded up (a few alarms)."""
    if alarming:
        fourth = float(np.sort(values[~np.isnan(values)])[3])
        return round(float(np.ceil(fourth / step) * step), 1)
    return round(float(np.floor(share * np.median(values) / step) * step), 1)


def manual_monitoring(outfalls: list[Outfall], rng: np.random.Generator) -> list[dict[str, object]]:
    """Quarterly manual results of the plants' wastewater outfalls without online monitoring
    (COD and NH₃-N), one COD sample over its limit, and quarterly fugitive NMHC samples."""
    by_code = sorted(outfalls, key=lambda o: o.code)
    plants = [o for o in by_code if o.kind == "wastewater" and o.sewer_node and not o.online]
    fugitive = [o for o in by_code if o.kind == "fugitive" and "a24088" in o.pollutants]
    rows: list[dict[str, object]] = []
    points: list[tuple[Outfall, tuple[str, ...], str]] = [
        (o, ("w01018", "w21003"), "manual") for o in plants[:MANUAL_OUTFALLS]
    ]
    points += [(o, ("a24088",), "fugitive") for o in fugitive[:FUGITIVE_POINTS]]
    for n, (outfall, parameters, kind) in enumerate(points):
        for q, day in enumerate(SAMPLE_DAYS):
            for parameter in parameters:
                typical, unit = TYPICAL[parameter]
                value = typical * float(np.exp(rng.normal(0.0, 0.25)))
                if n == 0 and q == 2 and parameter == "w01018":
                    value = 560.0  # above GB 8978's 三级 500 mg/L: the demo's manual finding
                rows.append(
                    {
                        "credit_code": outfall.credit_code,
                        "outfall_code": outfall.code,
                        "kind": kind,
                        "sampled_at": f"{day}T09:30:00+08:00",
                        "parameter": parameter,
                        "value": round(value, 2 if unit == "mg/m³" else 1),
                        "unit": unit,
                        "laboratory": LABORATORY,
                        "report_no": f"TXJC-2025-{n + 1:02d}{q + 1}",
                    }
                )
    return rows
