"""The printed tables: every server side by side, then the ratios against the targets."""

from __future__ import annotations

from benchmarks.ogcapi.cases import CASES
from benchmarks.ogcapi.load import Result

NAMES = {"ours": "ours", "pygeoapi": "pygeoapi 0.24", "tipg": "tipg 1.6.1", "floor": "SQL floor"}


def fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}×"


def report(results: dict[str, dict[str, Result]], errors: dict[str, str]) -> str:
    lines = [
        "| request | server | req/s | p50 ms | p99 ms | bytes/response "
        "| server CPU ms/req | PG CPU ms/req | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    verdicts = []
    for case in CASES:
        for name in ("ours", "pygeoapi", "tipg", "floor"):
            r = results.get(name, {}).get(case.key, Result(note=errors.get(name, "not run")))
            lines.append(
                f"| {case.title} | {NAMES[name]} | {fmt(r.rps, ',.1f')} | {fmt(r.p50_ms, '.1f')} "
                f"| {fmt(r.p99_ms, '.1f')} | {fmt(r.bytes, ',d')} | {fmt(r.server_cpu_ms, '.1f')} "
                f"| {fmt(r.pg_cpu_ms, '.1f')} | {r.note} |"
            )
    lines += [
        "",
        "| request | ours/stock | ours/tipg | ours/floor | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for case in CASES:

        def rps(name: str, key: str = case.key) -> float | None:
            return results.get(name, {}).get(key, Result()).rps

        ours, stock, tipg, sql = rps("ours"), rps("pygeoapi"), rps("tipg"), rps("floor")
        peers = [v for v in (stock, tipg) if v]
        checks = []
        target = ["≥2× the better peer"]
        if ours and peers:
            checks.append(ours >= 2 * max(peers))
        if case.limit == 1000:
            target += ["≥5× stock", "≥70% of floor"]
            if ours and stock:
                checks.append(ours >= 5 * stock)
            if ours and sql:
                checks.append(ours >= 0.7 * sql)
        complete = len(checks) == len(target)
        met = "met" if complete and all(checks) else "not met" if not all(checks) else "partial"
        if not complete and all(checks):
            met = "incomplete (a peer missing)"
        verdicts.append(met)
        lines.append(
            f"| {case.title} | {ratio(ours, stock)} | {ratio(ours, tipg)} | {ratio(ours, sql)} "
            f"| {', '.join(target)} | {met} |"
        )
    return "\n".join(lines)
