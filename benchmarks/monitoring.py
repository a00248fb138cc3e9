"""Benchmark of the monitoring data: the HJ 212 listener and the year's judgement, one table.

    .venv/bin/python benchmarks/monitoring.py [--devices 500] [--packets 20] [--repeat 3] [--keep]

Scratch databases on the project's PostGIS server (``onemap db url`` or ONEMAP_DATABASE_URL's),
dropped afterwards unless ``--keep``:

- ``onemap_bench_hj212``: N stations with MNs; N simulated devices connect over loopback to an
  in-process listener and each sends its hour packets (CN 2061, 6 factors, Flag=5, built before
  the clock starts) as fast as acknowledgements come back in a window of 10 packets in flight.
  Measured: packets/s from the first send to the last ack; then every stored value is read back
  and compared (zero loss). Twice, in one run: the plain listener of ``monitoring.hj212`` and
  the live one of ``monitoring`` (every line archived, every value judged against the standards'
  limits with its averaged windows, alerts, NOTIFY) with an event hub LISTENing in the same process
  as the ``/events`` stream does, timing each packet's send to its station's ``values`` event.
- ``onemap_bench_quality``: the demo park (enterprises, outfalls with their standards and permit
  limits, stations, a year of observations) and the standards; measured: exceedances + daily and
  hourly AQI + water classes + status for 2025, each outfall judged by its own limits (median of
  ``--repeat``); the loads of every online outfall per day, month and year; both together.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
import zoneinfo
from pathlib import Path

import pandas as pd
import psycopg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.load import load_file  # noqa: E402
from monitoring.events import EventHub  # noqa: E402
from monitoring.hj212.codec import data_segment, frame  # noqa: E402
from monitoring.hj212.listener import Hj212Listener  # noqa: E402
from monitoring.quality.judge import judge  # noqa: E402
from monitoring.service import LiveMonitoring  # noqa: E402
from onemap import migrate  # noqa: E402
from onemap.database import database_url  # noqa: E402
from sources.loads import discharge_loads  # noqa: E402

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
FACTORS = ("a21026", "a21004", "a21005", "a05024", "a34002", "a34004")
WINDOW = 10


def scratch(server: str, name: str) -> str:
    libpq = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    return url


def drop(server: str, name: str) -> None:
    libpq = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def value_of(device: int, hour: int, factor: int) -> float:
    return float((device * 7 + hour * 13 + factor * 3) % 997) / 10


def device_frames(number: int, packets: int) -> list[bytes]:
    """Device ``number``'s hour packets, built before the clock starts: real devices are other
    machines, so the simulation must not spend the listener's CPU (one process, one GIL)."""
    mn = f"BENCH{number:06d}"
    frames = []
    for hour in range(packets):
        when = pd.Timestamp("2025-01-01") + pd.Timedelta(hours=hour)
        stamp = when.strftime("%Y%m%d%H%M%S")
        values = {f: (value_of(number, hour, i), "N") for i, f in enumerate(FACTORS)}
        segment = data_segment(qn=stamp + "000", cn="2061", mn=mn, data_time=stamp, values=values)
        frames.append(frame(segment))
    return frames


async def device(
    port: int,
    frames: list[bytes],
    sent: dict[bytes, float],
    interval_s: float | None = None,
    offset_s: float = 0.0,
) -> int:
    """One device: its packets as fast as acks allow (a window of 10 in flight) or, with
    ``interval_s``, one every ``interval_s`` from ``offset_s`` (an open-loop load)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    packets = len(frames)
    acked = 0
    written = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + offset_s
    while acked < packets:
        while written < packets and written - acked < WINDOW:
            if interval_s is not None:
                due = start + written * interval_s
                if due > loop.time():
                    if written > acked:
                        break  # read the acks that are due meanwhile
                    await asyncio.sleep(due - loop.time())
            sent[frames[written]] = time.monotonic()
            writer.write(frames[written])
            written += 1
        await writer.drain()
        await reader.readuntil(b"\r\n")
        acked += 1
    writer.close()
    await writer.wait_closed()
    return acked


async def run_listener(
    engine: Engine, devices: int, packets: int, live: bool, rate: float | None = None
) -> tuple[float, dict[str, object]]:
    frames = [device_frames(d, packets) for d in range(devices)]
    sent: dict[bytes, float] = {}
    hub, subscriber = None, None
    arrived: list[tuple[float, object]] = []  # (monotonic time, event) as the page gets them
    if live:
        hub = EventHub(engine)
        subscriber = hub.subscribe()
        hub.listening.wait(10)
        reading = threading.Thread(target=take_events, args=(subscriber, arrived), daemon=True)
        reading.start()
        service = LiveMonitoring(engine, zone=ZONE, sweep_every_s=3600)
        listener = service.listener
        _, port = await service.start("127.0.0.1", 0)
    else:
        listener = Hj212Listener(engine, zone=ZONE)
        _, port = await listener.start("127.0.0.1", 0)
    started = time.perf_counter()
    interval = devices / rate if rate else None  # each device's share of the rate
    acks = await asyncio.gather(
        *(
            device(port, f, sent, interval, (i / devices) * (interval or 0))
            for i, f in enumerate(frames)
        )
    )
    elapsed = time.perf_counter() - started
    await (service.stop() if live else listener.stop())
    s = listener.stats
    stats: dict[str, object] = {
        "acks": sum(acks),
        "stored_packets": s.stored_packets,
        "batches": s.batches,
        "rejected": sum(s.rejected.values()),
    }
    if hub is not None and subscriber is not None:
        stats["latencies"] = event_latencies(subscriber, arrived, frames, sent, devices * packets)
        hub.stop()
    return elapsed, stats


def take_events(subscriber: object, arrived: list[tuple[float, object]]) -> None:
    """Take the hub's events as they come, each with its time (as the /events stream does,
    while the devices send): reading them after the run would time the end of the run."""
    import queue as queue_module

    while True:
        try:
            event = subscriber.get(timeout=1)  # type: ignore[attr-defined]
        except queue_module.Empty:
            continue
        if event is None:
            return
        arrived.append((time.monotonic(), event))


def event_latencies(
    subscriber: object,
    arrived: list[tuple[float, object]],
    frames: list[list[bytes]],
    sent: dict[bytes, float],
    total: int,
) -> list[float]:
    """Seconds from each packet's send to the first ``values`` event of its station at its
    hour or later (an event carries a station's newest values of its batch: the earlier hours
    of that batch were stored with it). Waits until no event came for 2 s (at most 30 s)."""
    deadline = time.monotonic() + 30
    count, quiet_since = len(arrived), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 2:
        time.sleep(0.2)
        if len(arrived) != count:
            count, quiet_since = len(arrived), time.monotonic()
    subscriber.put(None)  # type: ignore[attr-defined]
    waiting: dict[str, list[tuple[int, float]]] = {}  # station → (hour, sent) not yet seen
    for number, device_frames_ in enumerate(frames):
        waiting[f"B{number:06d}"] = [(hour, sent[raw]) for hour, raw in enumerate(device_frames_)]
    start = pd.Timestamp("2025-01-01", tz=ZONE)
    latencies: list[float] = []
    for at, event in list(arrived):
        if event.kind != "values":  # type: ignore[attr-defined]
            continue
        data = event.data  # type: ignore[attr-defined]
        hour = int((pd.Timestamp(data["time"]) - start) / pd.Timedelta(hours=1))
        pending = waiting.get(data["station_code"], [])
        latencies += [at - when for h, when in pending if h <= hour]
        waiting[data["station_code"]] = [(h, when) for h, when in pending if h > hour]
    assert len(latencies) <= total
    return latencies


def bench_listener(
    server: str, devices: int, packets: int, keep: bool, live: bool, rate: float | None = None
) -> list[tuple[str, str]]:
    name = "onemap_bench_hj212_live" if live else "onemap_bench_hj212"
    url = scratch(server, name)
    engine = create_engine(url)
    label = ("live (archive+judge+events)" if live else "plain") + (
        f" @ {rate:,.0f}/s offered" if rate else ""
    )
    try:
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO stations (code, name, type, mn, geom)"
                    " SELECT 'B' || lpad(i::text, 6, '0'), 'bench ' || i, 'air',"
                    " 'BENCH' || lpad(i::text, 6, '0'),"
                    " ST_SetSRID(ST_MakePoint(120 + i * 1e-4, 32), 4326)"
                    " FROM generate_series(0, :n - 1) i"
                ),
                {"n": devices},
            )
        if live:
            for path in sorted((ROOT / "data/standards").glob("*.csv")):
                load_file(path, "standard_limits", engine)
        elapsed, stats = asyncio.run(run_listener(engine, devices, packets, live, rate))
        total = devices * packets
        with engine.connect() as c:
            stored = pd.DataFrame(
                c.execute(
                    text("SELECT station_code, time, parameter, value FROM observations")
                ).all(),
                columns=["station_code", "time", "parameter", "value"],
            )
            archived = c.execute(text("SELECT count(*) FROM monitoring_packet_archive")).scalar()
            alerts = c.execute(text("SELECT count(*) FROM alerts")).scalar()
        device_no = stored["station_code"].str[1:].astype(int)
        hour = (
            (stored["time"] - pd.Timestamp("2025-01-01", tz=ZONE)) / pd.Timedelta(hours=1)
        ).astype(int)
        factor = stored["parameter"].map({f: i for i, f in enumerate(FACTORS)})
        expected = ((device_no * 7 + hour * 13 + factor * 3) % 997) / 10
        matches = int((abs(stored["value"] - expected) < 1e-3).sum())
        rows = [
            (f"[{label}] devices × packets", f"{devices} × {packets} = {total:,}"),
            (f"[{label}] listener packets/s", f"{total / elapsed:,.0f}  (target ≥ 2,000)"),
            (f"[{label}] acks received", f"{stats['acks']:,} / {total:,}"),
            (f"[{label}] batches", f"{stats['batches']:,}"),
            (f"[{label}] rejected", f"{stats['rejected']}"),
            (
                f"[{label}] values read back",
                f"{len(stored):,} / {total * len(FACTORS):,}, equal: {matches:,}",
            ),
            (
                f"[{label}] zero loss",
                "yes" if matches == total * len(FACTORS) == len(stored) else "NO",
            ),
        ]
        if live:
            latencies = sorted(stats["latencies"])  # type: ignore[arg-type]
            p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
            rows += [
                (f"[{label}] packets archived", f"{archived:,} / {total:,}"),
                (f"[{label}] alerts opened", f"{alerts:,}"),
                (
                    f"[{label}] send → values event",
                    f"{len(latencies):,} events, median {statistics.median(latencies):.3f} s,"
                    f" p95 {p95:.3f} s  (target p95 < 1)"
                    if latencies
                    else "no events",
                ),
            ]
        return rows
    finally:
        engine.dispose()
        if not keep:
            drop(server, name)


def bench_quality(server: str, repeat: int, keep: bool) -> list[tuple[str, str]]:
    url = scratch(server, "onemap_bench_quality")
    engine = create_engine(url)
    try:
        # the outfalls and what they reference, so the judgement applies their own limits
        for layer_id in ("enterprises", "rivers", "sewer_nodes", "outfalls", "permit_limits"):
            path = ROOT / "data/demo" / f"{layer_id}.csv"
            load_file(path if path.exists() else path.with_suffix(".geojson"), layer_id, engine)
        started = time.perf_counter()
        load_file(ROOT / "data/demo/stations.csv", "stations", engine)
        report = load_file(ROOT / "data/demo/observations.csv.gz", "observations", engine)
        load_seconds = time.perf_counter() - started
        for path in sorted((ROOT / "data/standards").glob("*.csv")):
            load_file(path, "standard_limits", engine)
        start = pd.Timestamp("2025-01-01", tz=ZONE)
        end = pd.Timestamp("2026-01-01", tz=ZONE)
        times, load_times, both_times = [], [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = judge(engine, start, end)
            t1 = time.perf_counter()
            # the loads from the observations the judgement read, as `onemap quality --store` does
            loads = discharge_loads(engine, start, end, observations=result.observations)
            t2 = time.perf_counter()
            times.append(t1 - t0)
            load_times.append(t2 - t1)
            both_times.append(t2 - t0)
        outfall_events = result.events["station_code"].str.startswith("OL-BJ").sum()
        return [
            (
                "observations loaded (1 year file)",
                f"{report.inserted:,} rows in {load_seconds:.1f} s",
            ),
            (
                "judge 2025: median / min s",
                f"{statistics.median(times):.2f} / {min(times):.2f}  (target < 2)",
            ),
            (
                "loads 2025 (day, month, year): median / min s",
                f"{statistics.median(load_times):.2f} / {min(load_times):.2f}",
            ),
            (
                "judge + loads: median s",
                f"{statistics.median(both_times):.2f}  (target < 2)",
            ),
            ("load rows", f"{len(loads):,} ({loads['outfall_code'].nunique()} outfalls)"),
            ("exceedance events", f"{len(result.events):,} ({outfall_events} at outfalls)"),
            ("daily AQI rows", f"{len(result.daily_aqi):,}"),
            ("hourly AQI rows", f"{len(result.hourly_aqi):,}"),
            ("water class rows", f"{len(result.water_classes):,}"),
        ]
    finally:
        engine.dispose()
        if not keep:
            drop(server, "onemap_bench_quality")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--packets", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--skip-quality", action="store_true", help="only the listener rows")
    parser.add_argument("--skip-plain", action="store_true", help="not the plain listener")
    parser.add_argument(
        "--skip-closed", action="store_true", help="not the live listener's closed loop"
    )
    parser.add_argument(
        "--rate", type=float, action="append", default=[],
        help="also offer this many packets/s (open loop) to the live listener and time "
        "send → event (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    server = database_url()
    rows = []
    if not args.skip_plain:
        rows += bench_listener(server, args.devices, args.packets, args.keep, live=False)
    if not args.skip_closed:
        rows += bench_listener(server, args.devices, args.packets, args.keep, live=True)
    for rate in args.rate:
        rows += bench_listener(server, args.devices, args.packets, args.keep, True, rate)
    if not args.skip_quality:
        rows += bench_quality(server, args.repeat, args.keep)
    width = max(len(name) for name, _ in rows)
    print(f"{'measurement':<{width}}  result")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
