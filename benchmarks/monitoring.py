"""Benchmark of the monitoring data: the HJ 212 listener and the year's judgement, one table.

    .venv/bin/python benchmarks/monitoring.py [--devices 500] [--packets 20] [--repeat 3] [--keep]

Scratch databases on the project's PostGIS server (``onemap db url`` or ONEMAP_DATABASE_URL's),
dropped afterwards unless ``--keep``:

- ``onemap_bench_hj212``: N stations with MNs; N simulated devices connect over loopback to an
  in-process listener and each sends its hour packets (CN 2061, 6 factors, Flag=5, built before
  the clock starts) as fast as acknowledgements come back in a window of 10 packets in flight.
  Measured: packets/s from the first send to the last ack; then every stored value is read back
  and compared (zero loss).
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
import time
import zoneinfo
from pathlib import Path

import pandas as pd
import psycopg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.quality.judge import judge  # noqa: E402
from etl.hj212.codec import data_segment, frame  # noqa: E402
from etl.hj212.listener import Hj212Listener  # noqa: E402
from etl.load import load_file  # noqa: E402
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


async def device(port: int, frames: list[bytes]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    packets = len(frames)
    acked = 0
    sent = 0
    while acked < packets:
        while sent < packets and sent - acked < WINDOW:
            writer.write(frames[sent])
            sent += 1
        await writer.drain()
        await reader.readuntil(b"\r\n")
        acked += 1
    writer.close()
    await writer.wait_closed()
    return acked


async def run_listener(engine: Engine, devices: int, packets: int) -> tuple[float, dict[str, int]]:
    frames = [device_frames(d, packets) for d in range(devices)]
    listener = Hj212Listener(engine, zone=ZONE)
    _, port = await listener.start("127.0.0.1", 0)
    started = time.perf_counter()
    acks = await asyncio.gather(*(device(port, f) for f in frames))
    elapsed = time.perf_counter() - started
    await listener.stop()
    s = listener.stats
    return elapsed, {
        "acks": sum(acks),
        "stored_packets": s.stored_packets,
        "batches": s.batches,
        "rejected": sum(s.rejected.values()),
    }


def bench_listener(server: str, devices: int, packets: int, keep: bool) -> list[tuple[str, str]]:
    url = scratch(server, "onemap_bench_hj212")
    engine = create_engine(url)
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
        elapsed, stats = asyncio.run(run_listener(engine, devices, packets))
        total = devices * packets
        with engine.connect() as c:
            stored = pd.DataFrame(
                c.execute(
                    text("SELECT station_code, time, parameter, value FROM observations")
                ).all(),
                columns=["station_code", "time", "parameter", "value"],
            )
        device_no = stored["station_code"].str[1:].astype(int)
        hour = (
            (stored["time"] - pd.Timestamp("2025-01-01", tz=ZONE)) / pd.Timedelta(hours=1)
        ).astype(int)
        factor = stored["parameter"].map({f: i for i, f in enumerate(FACTORS)})
        expected = ((device_no * 7 + hour * 13 + factor * 3) % 997) / 10
        matches = int((abs(stored["value"] - expected) < 1e-3).sum())
        return [
            ("devices × packets", f"{devices} × {packets} = {total:,}"),
            ("listener packets/s", f"{total / elapsed:,.0f}  (target ≥ 2,000)"),
            ("acks received", f"{stats['acks']:,} / {total:,}"),
            ("batches", f"{stats['batches']:,}"),
            ("rejected", f"{stats['rejected']}"),
            ("values read back", f"{len(stored):,} / {total * len(FACTORS):,}, equal: {matches:,}"),
            ("zero loss", "yes" if matches == total * len(FACTORS) == len(stored) else "NO"),
        ]
    finally:
        engine.dispose()
        if not keep:
            drop(server, "onemap_bench_hj212")


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
    args = parser.parse_args()
    server = database_url()
    rows = bench_listener(server, args.devices, args.packets, args.keep)
    rows += bench_quality(server, args.repeat, args.keep)
    width = max(len(name) for name, _ in rows)
    print(f"{'measurement':<{width}}  result")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
