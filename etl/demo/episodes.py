"""Pollution episodes with a known source, injected so that source tracing has a truth to find.

Air: a stack emits SO2, NOx or VOCs for a few hours while the wind blows from it to a station;
the hours are picked where the generated wind already came from about that side, then the wind
is set to within ±10° of the geodesic bearing station → stack (wind direction is where the wind
comes FROM). The station's excess falls off with distance.

Water: an enterprise dumps untreated wastewater into its connection well at night; a monitoring
well downstream sees the mixed concentration after the travel time along the sewers, and the
WWTP inlet a diluted one later. Mixing is by flow: C = Q_d·C_d / (Q_sewer + Q_d).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from etl.demo.enterprises import Enterprise
from etl.demo.frame import bearing_deg, distance_m, uv_to_lonlat
from etl.demo.outfalls import Outfall
from etl.demo.sewer import Network
from etl.demo.stations import Station
from etl.demo.weather import MONTH, FloatArray, Weather

START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SEWER_VELOCITY_MS = 0.6
COMPASS_16_ZH = (
    "北",
    "东北偏北",
    "东北",
    "东北偏东",
    "东",
    "东南偏东",
    "东南",
    "东南偏南",
    "南",
    "西南偏南",
    "西南",
    "西南偏西",
    "西",
    "西北偏西",
    "西北",
    "西北偏北",
)

# id, ambient parameter, what the stack must list, station, months, hours, excess at 1 km.
# EP-AIR-01 is strong enough that its middle hours pass GB 3095's 1 h SO₂ limit (500 μg/m³,
# class II), so the demo year has an air exceedance event to trace.
AIR_EPISODES = (
    ("EP-AIR-01", "a21026", "a21026", "AQ-01", (1, 2), 4, 900.0),
    ("EP-AIR-02", "a24088", "a24088", "FG-01", (4, 5), 5, 5.5),
    ("EP-AIR-03", "a21026", "a21026", "AQ-02", (7, 8), 3, 420.0),
    ("EP-AIR-04", "a21004", "a21002", "AQ-03", (10, 11), 4, 420.0),
)
# id, monitoring-well index, month, local start hour, hours, preferred classes,
# dumped flow m³/h, dumped COD and NH3-N mg/L
WATER_EPISODES = (
    ("EP-WATER-01", 0, 3, 1, 4, ("2631", "2614", "2619"), 25.0, 24000.0, 1500.0),
    ("EP-WATER-02", 1, 8, 22, 5, ("2710", "2661", "2669"), 20.0, 30000.0, 400.0),
)


def timestamp(hour: float) -> str:
    """ISO 8601 Beijing time of an hour index of 2025 (fractions kept to the minute)."""
    moment = START + dt.timedelta(minutes=round(hour * 60.0))
    return moment.isoformat()


def compass_zh(degrees: float) -> str:
    return COMPASS_16_ZH[int(((degrees % 360.0) + 11.25) // 22.5) % 16]


def angle_difference(a: FloatArray | float, b: float) -> FloatArray:
    """Smallest absolute difference between two directions (degrees)."""
    return np.abs((np.asarray(a, dtype=float) - b + 180.0) % 360.0 - 180.0)


@dataclass
class Episode:
    id: str
    medium: str
    start_hour: float
    end_hour: float
    parameter: str
    source: Enterprise
    outfall: Outfall
    station: Station
    excess: dict[str, dict[int, float]]  # station → hour index → excess of ``parameter``
    expected: dict[str, object]
    extra: dict[tuple[str, str], dict[int, float]] = field(
        default_factory=dict
    )  # station, parameter


def _lonlat(u: float, v: float) -> tuple[float, float]:
    lon, lat = uv_to_lonlat(u, v)
    return float(lon), float(lat)


def _window(ok: np.ndarray, hours: int, rng: np.random.Generator) -> int | None:
    runs = np.convolve(ok.astype(int), np.ones(hours, dtype=int), mode="valid") == hours
    starts = np.flatnonzero(runs)
    return int(starts[int(rng.integers(starts.size))]) if starts.size else None


def plan_air(
    stations: list[Station],
    outfalls: list[Outfall],
    enterprises: list[Enterprise],
    weather: Weather,
    busy: np.ndarray,
    rng: np.random.Generator,
) -> list[Episode]:
    """Choose the air episodes and set the wind of their hours (``weather`` is changed)."""
    by_code = {s.code: s for s in stations}
    by_seq = {e.seq: e for e in enterprises}
    used: set[int] = set()
    episodes = []
    for eid, parameter, listed, station_code, months, hours, excess_1km in AIR_EPISODES:
        station = by_code[station_code]
        slon, slat = _lonlat(station.u, station.v)
        in_season = np.isin(MONTH, months)
        near, far = (200.0, 2000.0) if station.type == "fugitive" else (600.0, 3500.0)
        best = None
        for outfall in outfalls:
            if outfall.kind != "stack" or listed not in outfall.pollutants or outfall.seq in used:
                continue
            olon, olat = _lonlat(outfall.u, outfall.v)
            distance = distance_m(slon, slat, olon, olat)
            if not near <= distance <= far:
                continue
            bearing = bearing_deg(slon, slat, olon, olat)
            often = in_season & (angle_difference(weather.wind_from_deg, bearing) <= 30.0)
            score = (int(np.count_nonzero(often & (weather.wind_speed_ms >= 1.2))), outfall.code)
            if best is None or score[0] > best[0][0]:
                best = (score, outfall, bearing, distance)
        if best is None:
            raise ValueError(f"{eid}: no stack listing {listed} near {station_code}")
        _, outfall, bearing, distance = best
        start = None
        for tolerance in (35.0, 50.0, 70.0, 100.0, 180.0):
            ok = (
                in_season
                & ~busy
                & (weather.wind_speed_ms >= 1.2)
                & (angle_difference(weather.wind_from_deg, bearing) <= tolerance)
            )
            start = _window(ok, hours, rng)
            if start is not None:
                break
        assert start is not None
        span = np.arange(start, start + hours)
        busy[max(start - 24, 0) : start + hours + 24] = True
        turn = np.clip(rng.normal(0.0, 4.0, hours), -9.0, 9.0)
        weather.wind_from_deg[span] = np.round(bearing + turn) % 360.0
        weather.wind_speed_ms[span] = np.clip(weather.wind_speed_ms[span], 1.6, 4.0)
        shape = np.sin(math.pi * (np.arange(hours) + 0.5) / hours) ** 0.6
        scale = excess_1km * (1000.0 / max(distance, 300.0)) ** 0.8
        excess = scale * shape * rng.lognormal(0.0, 0.1, hours)
        decimals = 2 if parameter == "a24088" else 0
        used.add(outfall.seq)
        episodes.append(
            Episode(
                id=eid,
                medium="air",
                start_hour=float(start),
                end_hour=float(start + hours),
                parameter=parameter,
                source=by_seq[outfall.seq],
                outfall=outfall,
                station=station,
                excess={
                    station_code: {
                        int(h): round(float(x), decimals) for h, x in zip(span, excess, strict=True)
                    }
                },
                expected={
                    "wind_from_deg": round(bearing, 1),
                    "direction_zh": compass_zh(bearing),
                    "distance_m": round(distance),
                    "rule": "bearing(station→source) ≈ wind direction (where the wind comes from)",
                },
            )
        )
    return episodes


def _mixed(flow_m3h: float, dumped: tuple[float, float, float]) -> tuple[float, float]:
    q, cod, nh3n = dumped
    return q * cod / (flow_m3h + q), q * nh3n / (flow_m3h + q)


def _hourly(start: float, end: float, value: float) -> dict[int, float]:
    """Excess per hour bin of a constant ``value`` arriving over [start, end) hours."""
    out = {}
    for h in range(math.floor(start), math.ceil(end)):
        covered = min(end, h + 1) - max(start, h)
        if covered > 0:
            out[h] = value * covered
    return out


def _spread(value: float, arrival: float, hours: int) -> dict[int, float]:
    """The excess per hour bin of a plug of ``value`` arriving at hour ``arrival``."""
    return {h: round(x, 1) for h, x in _hourly(arrival, arrival + hours, value).items()}


def plan_water(
    stations: list[Station],
    outfalls: list[Outfall],
    enterprises: list[Enterprise],
    network: Network,
    busy: np.ndarray,
    rng: np.random.Generator,
    exclude: list[Episode],
) -> list[Episode]:
    """Choose the water episodes; sources are enterprises not in ``exclude``'s episodes."""
    by_seq = {e.seq: e for e in enterprises}
    online = {s.sewer_node: s for s in stations if s.sewer_node}
    inlet_station = online[network.wwtp_inlet]
    total_flow = sum(e.wastewater_m3d for e in enterprises if e.seq in network.wells) / 24.0
    dischargers = {o.seq: o for o in outfalls if o.kind == "wastewater" and o.sewer_node}
    used = {e.source.seq for e in exclude}  # one source per episode, so each trace is unambiguous
    episodes = []
    for eid, well_index, month, hour, hours, preferred, q, cod, nh3n in WATER_EPISODES:
        well = network.monitoring_wells[well_index]
        upstream = sorted(
            s for s in network.upstream_enterprises[well] if s in dischargers and s not in used
        )
        far = [s for s in upstream if network.path_length_m(network.wells[s], well) >= 300.0]
        pool = [s for s in far if by_seq[s].industry.code in preferred] or far or upstream
        seq = pool[int(rng.integers(len(pool)))]
        used.add(seq)
        enterprise, outfall = by_seq[seq], dischargers[seq]
        starts = [
            d * 24 + hour
            for d in np.unique(np.flatnonzero(month == MONTH) // 24).tolist()
            if not busy[d * 24 + hour : d * 24 + hour + hours + 24].any()
        ]
        start = float(starts[int(rng.integers(len(starts)))])
        busy[int(start) - 24 : int(start) + hours + 24] = True
        path = network.path_length_m(network.wells[seq], well)
        lag_h = path / SEWER_VELOCITY_MS / 3600.0
        well_flow = sum(by_seq[s].wastewater_m3d for s in network.upstream_enterprises[well]) / 24
        at_well = _mixed(well_flow, (q, cod, nh3n))
        at_inlet = _mixed(total_flow, (q, cod, nh3n))
        to_inlet = network.path_length_m(well, network.wwtp_inlet)
        lag2_h = lag_h + to_inlet / SEWER_VELOCITY_MS / 3600.0
        station = online[well]

        episodes.append(
            Episode(
                id=eid,
                medium="water",
                start_hour=start,
                end_hour=start + hours,
                parameter="w01018",
                source=enterprise,
                outfall=outfall,
                station=station,
                excess={
                    station.code: _spread(at_well[0], start + lag_h, hours),
                    inlet_station.code: _spread(at_inlet[0], start + lag2_h, hours),
                },
                extra={
                    (station.code, "w21003"): _spread(at_well[1], start + lag_h, hours),
                    (inlet_station.code, "w21003"): _spread(at_inlet[1], start + lag2_h, hours),
                },
                expected={
                    "direction": "upstream",
                    "sewer_node": well,
                    "source_sewer_node": network.wells[seq],
                    "network_distance_m": round(path, 1),
                    "travel_time_min": round(lag_h * 60.0, 1),
                    "observed_start": timestamp(start + lag_h),
                    "observed_end": timestamp(start + hours + lag_h),
                    "enterprises_upstream": len(network.upstream_enterprises[well]),
                    "dumped": {"flow_m3h": q, "w01018_mgl": cod, "w21003_mgl": nh3n},
                    "also_seen_at": {
                        "station_code": inlet_station.code,
                        "sewer_node": network.wwtp_inlet,
                        "travel_time_min": round(lag2_h * 60.0, 1),
                    },
                },
            )
        )
    return episodes


def apply(
    episodes: list[Episode],
    series: dict[tuple[str, str], FloatArray],
    hourly_index: dict[str, np.ndarray],
) -> None:
    """Add each episode's excess to the observed series (in place)."""
    for e in episodes:
        pieces: list[tuple[str, str, dict[int, float]]] = [
            (station, e.parameter, excess) for station, excess in e.excess.items()
        ]
        pieces += [(station, parameter, excess) for (station, parameter), excess in e.extra.items()]
        for station, parameter, excess in pieces:
            values = series[(station, parameter)]
            index = hourly_index[station]
            for hour, amount in excess.items():
                position = int(np.searchsorted(index, hour))
                if position < index.size and index[position] == hour:
                    values[position] = round(float(values[position]) + amount, 2)


def as_json(
    episodes: list[Episode], units: dict[str, str], names: dict[str, str]
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for e in episodes:
        lon, lat = _lonlat(e.outfall.u, e.outfall.v)
        slon, slat = _lonlat(e.station.u, e.station.v)
        peak = max(e.excess[e.station.code].values())
        record: dict[str, object] = {
            "id": e.id,
            "medium": e.medium,
            "start": timestamp(e.start_hour),
            "end": timestamp(e.end_hour),
            "pollutant": e.parameter,
            "pollutant_zh": names[e.parameter],
            "unit": units[e.parameter],
            "source": {
                "enterprise": e.source.name,
                "credit_code": e.source.credit_code,
                "outfall_code": e.outfall.code,
                "outfall_kind": e.outfall.kind,
                "lon": lon,
                "lat": lat,
            },
            "affected": {
                "station_code": e.station.code,
                "station_name": e.station.name,
                "lon": slon,
                "lat": slat,
            },
            "peak_excess": peak,
            "expected": e.expected,
        }
        if e.medium == "water":
            record["parameters"] = ["w01018", "w21003"]
        out.append(record)
    return out
