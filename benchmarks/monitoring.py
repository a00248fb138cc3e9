"""Benchmark of the monitoring data: the HJ 212 listener and the year's judgement, one table.

    .venv/bin/python benchmarks/monitoring.py [--devices 500] [--packets 20] [--repeat 3] [--keep]

Scratch databases on the project's PostGIS server (``onemap db url`` or ONEMAP_DATABASE_URL's),
dropped afterwards unless ``--keep``:

- ``onemap_bench_hj212``: N stations with MNs; N simulated devices, in a process of their own
  (real devices are other machines), connect over loopback to the listener and each sends its
  hour packets (CN 2061, 6 factors, Flag=5, built before the clock starts) as fast as
  acknowledgements come back in a window of 10 packets in flight, or at ``--rate`` packets/s in
  all. Measured: packets/s from the first send to the last ack; CPU per packet of the listener's
  process and of its database sessions (read from /proc: the server runs here); then every stored
  value is read back and compared (zero loss). The plain listener of ``monitoring.hj212`` and the
  live one of ``monitoring`` (every line archived, every value judged against the standards'
  limits with its averaged windows, alerts, NOTIFY), with an event hub LISTENing in a third
  process as the API server's ``/events`` stream does, timing each packet's send to its
  station's ``values`` event and to the ``alert`` event its value opened.
- ``onemap_bench_quality``: the demo park (enterprises, outfalls with their standards and permit
  limits, stations, a year of observations) and the standards; measured: exceedances + daily and
  hourly AQI + water classes + status for 2025, each outfall judged by its own limits (median of
  ``--repeat``); the loads of every online outfall per day, month and year; both together.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import time
import zoneinfo
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.load import load_file  # noqa: E402
from layers.partitions import MonthlyTable, ensure_months_of  # noqa: E402
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
    sent: list[float],
    interval_s: float | None = None,
    offset_s: float = 0.0,
) -> int:
    """One device: its packets as fast as acks allow (a window of 10 in flight) or, with
    ``interval_s``, one every ``interval_s`` from ``offset_s`` (an open-loop load). ``sent``
    gets each packet's send time (``time.monotonic``, one clock for every process)."""
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
            sent.append(time.monotonic())
            writer.write(frames[written])
            written += 1
        await writer.drain()
        await reader.readuntil(b"\r\n")
        acked += 1
    writer.close()
    await writer.wait_closed()
    return acked


def run_devices(
    port: int, devices: int, packets: int, rate: float | None, go: Any, out: Any
) -> None:
    """The simulated devices, in a process of their own (real devices are other machines: in
    the listener's process they would share its GIL): build every frame, wait for ``go``,
    send, and put (acks, send times per device, CPU seconds) on ``out``."""
    frames = [device_frames(d, packets) for d in range(devices)]
    sent: list[list[float]] = [[] for _ in range(devices)]
    interval = devices / rate if rate else None  # each device's share of the rate

    async def all_devices() -> list[int]:
        return await asyncio.gather(
            *(
                device(port, f, sent[i], interval, (i / devices) * (interval or 0))
                for i, f in enumerate(frames)
            )
        )

    go.wait()
    cpu = time.process_time()
    acks = asyncio.run(all_devices())
    out.put((sum(acks), sent, time.process_time() - cpu))


def run_page(url: str, ready: Any, stop: Any, out: Any) -> None:
    """The page's side, in a process of its own as the API server is: an event hub LISTENing
    as the ``/events`` stream does, every event taken with its time as it comes; on ``stop``,
    put ([(time, kind, station, data time)], CPU seconds) on ``out``."""
    import queue as queue_module

    engine = create_engine(url)
    hub = EventHub(engine)
    subscriber = hub.subscribe()
    hub.listening.wait(10)
    ready.set()
    arrived: list[tuple[float, str, str, str]] = []
    cpu = time.process_time()
    while not stop.is_set() or not subscriber.empty():
        try:
            event = subscriber.get(timeout=0.2)
        except queue_module.Empty:
            continue
        if event is None:
            break
        at = time.monotonic()
        if event.kind == "values":
            arrived.append((at, "values", event.data["station_code"], event.data["time"]))
        elif event.kind == "alert" and event.data.get("change") == "opened":
            alert = event.data["alert"]
            arrived.append((at, "alert", alert["station_code"], alert["opened_at"]))
    out.put((arrived, time.process_time() - cpu))
    hub.stop()
    engine.dispose()


def backend_cpu_s(engine: Engine) -> float:
    """CPU seconds used so far by the database's sessions (their processes, when the server
    runs on this machine; NaN otherwise)."""
    with engine.connect() as c:
        pids = c.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).scalars()
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return float("nan")
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def run_listener(
    engine: Engine, devices: int, packets: int, live: bool, rate: float | None = None
) -> tuple[float, dict[str, object]]:
    processes = multiprocessing.get_context("spawn")
    page = None
    if live:
        ready, stop, page_out = processes.Event(), processes.Event(), processes.Queue()
        url = engine.url.render_as_string(hide_password=False)
        page = processes.Process(target=run_page, args=(url, ready, stop, page_out))
        page.start()
        ready.wait(60)
        service = LiveMonitoring(engine, zone=ZONE, sweep_every_s=3600)
        listener: Hj212Listener = service.listener
        _, port = await service.start("127.0.0.1", 0)
    else:
        listener = Hj212Listener(engine, zone=ZONE)
        _, port = await listener.start("127.0.0.1", 0)
    go, devices_out = processes.Event(), processes.Queue()
    sender = processes.Process(
        target=run_devices, args=(port, devices, packets, rate, go, devices_out)
    )
    sender.start()
    await asyncio.sleep(0)
    server_cpu = backend_cpu_s(engine)
    cpu = time.process_time()
    started = time.perf_counter()
    go.set()
    acks, sent, device_cpu = await asyncio.to_thread(devices_out.get)
    elapsed = time.perf_counter() - started
    sender.join()
    await (service.stop() if live else listener.stop())
    cpu = time.process_time() - cpu
    server_cpu = backend_cpu_s(engine) - server_cpu  # before the pool's sessions close
    s = listener.stats
    stats: dict[str, object] = {
        "acks": acks,
        "stored_packets": s.stored_packets,
        "batches": s.batches,
        "rejected": sum(s.rejected.values()),
        "cpu_s": cpu,
        "server_cpu_s": server_cpu,
        "device_cpu_s": device_cpu,
    }
    if page is not None:
        wait_quiet(engine)
        stop.set()
        arrived, page_cpu = page_out.get()
        page.join()
        stats["page_cpu_s"] = page_cpu
        stats["latencies"] = event_latencies(arrived, sent, "values")
        stats["alert_latencies"] = event_latencies(arrived, sent, "alert")
    return elapsed, stats


def wait_quiet(engine: Engine) -> None:
    """Give the page's process the last notices: wait until nobody is LISTEN-ing behind
    (``pg_notification_queue_usage`` back to 0), at most 30 s."""
    deadline = time.monotonic() + 30
    with engine.connect() as c:
        while time.monotonic() < deadline:
            if not c.execute(text("SELECT pg_notification_queue_usage()")).scalar():
                break
            time.sleep(0.1)
    time.sleep(1.0)  # the last batch of notices dispatched in the page's process


def event_latencies(
    arrived: list[tuple[float, str, str, str]], sent: list[list[float]], kind: str
) -> list[float]:
    """Seconds from each packet's send to the first event ``kind`` of its station: a
    ``values`` event at its hour or later (an event carries a station's newest values of its
    batch: the earlier hours of that batch were stored with it); an ``alert`` opened by the
    value of that very hour."""
    start = pd.Timestamp("2025-01-01", tz=ZONE)
    waiting: dict[str, dict[int, float]] = {
        f"B{number:06d}": dict(enumerate(times)) for number, times in enumerate(sent)
    }
    latencies: list[float] = []
    for at, event_kind, station, when in arrived:
        if event_kind != kind:
            continue
        hour = int((pd.Timestamp(when) - start) / pd.Timedelta(hours=1))
        pending = waiting.get(station, {})
        if kind == "alert":
            if hour in pending:
                latencies.append(at - pending[hour])
            continue
        done = [h for h in pending if h <= hour]
        latencies += [at - pending.pop(h) for h in done]
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
        with engine.begin() as c:  # the months' partitions, as they exist for live data
            first = pd.Timestamp("2025-01-01", tz=ZONE).to_pydatetime()
            last = first + dt.timedelta(hours=packets)
            ensure_months_of(c, MonthlyTable("observations", "time"), [first, last])
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
        cpu_ms = 1000 * float(stats["cpu_s"]) / total  # type: ignore[arg-type]
        server_ms = 1000 * float(stats["server_cpu_s"]) / total  # type: ignore[arg-type]
        rows += [
            (
                f"[{label}] CPU per packet",
                f"listener process {cpu_ms:.3f} ms + its database sessions {server_ms:.3f} ms"
                f" = {cpu_ms + server_ms:.3f} ms"
                f" (devices {1000 * float(stats['device_cpu_s']) / total:.3f} ms)",  # type: ignore[arg-type]
            ),
        ]
        if live:
            rows += [
                (f"[{label}] packets archived", f"{archived:,} / {total:,}"),
                (f"[{label}] alerts opened", f"{alerts:,}"),
                (
                    f"[{label}] page process CPU per packet",
                    f"{1000 * float(stats['page_cpu_s']) / total:.3f} ms",  # type: ignore[arg-type]
                ),
            ]
            for key, what in (("latencies", "values event"), ("alert_latencies", "alert event")):
                latencies = sorted(stats[key])  # type: ignore[call-overload]
                p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
                rows.append(
                    (
                        f"[{label}] send → {what}",
                        f"{len(latencies):,} events, median {statistics.median(latencies):.3f} s,"
                        f" p95 {p95:.3f} s  (target p95 < 1)"
                        if latencies
                        else "no events",
                    )
                )
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
