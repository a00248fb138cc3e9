"""How long the demo's monthly and annual reports take (issue 15: monthly under 10 s, annual
under 30 s, XLSX and PDF).

``python -m benchmarks.reports [--rounds N] [--kinds monthly:2025-06,annual:2025]`` on the
database ``make demo`` leaves (``onemap db url`` or ``ONEMAP_DATABASE_URL``). Each round runs,
per report, the whole ``onemap report run`` command in a fresh process (imports included, what
a user or the timer waits for; the files go where the command puts them and the run is recorded
as usual, so what the benchmark leaves behind are real reports), then
the same report in this process split into its phases: building the content (the judgement of
the period and of the year before, the sections, the map), the XLSX and the PDF (charts as SVG,
then WeasyPrint). Prints the median wall time and, for the command, the CPU time of the
process (user + system, steadier than wall time when the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS_S = {"monthly": 10.0, "annual": 30.0}


def _command(kind: str, period: str, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``onemap report run`` in its own process."""
    onemap = str(Path(sys.executable).with_name("onemap"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [onemap, "report", "run", "--kind", kind, "--period", period, "--output-dir", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{kind} {period}: {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _phases(kind: str, period: str, out: Path) -> dict[str, float]:
    """Seconds of each phase of one report, in this process."""
    from onemap.database import database_url, engine_for
    from reports import BY_ID
    from reports.pdf import write_pdf
    from reports.periods import parse
    from reports.xlsx import write_xlsx

    engine = engine_for(database_url())
    times = {}
    started = time.perf_counter()
    report = BY_ID[kind].build(engine, parse(period))
    times["build"] = time.perf_counter() - started
    started = time.perf_counter()
    write_xlsx(report, out / f"{kind}.xlsx")
    times["xlsx"] = time.perf_counter() - started
    started = time.perf_counter()
    write_pdf(report, out / f"{kind}.pdf")
    times["pdf"] = time.perf_counter() - started
    return times


def main() -> None:
    """Run the rounds and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="monthly:2025-06,annual:2025",
                        help="KIND:PERIOD,... (default: the issue's two)")  # fmt: skip
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="where the command writes (default: the reports directory)",
    )
    args = parser.parse_args()
    from reports.runs import default_dir

    reports_dir = args.output_dir or default_dir()
    cases = [tuple(item.split(":", 1)) for item in args.kinds.split(",")]
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="onemap-bench-reports-") as scratch:
        out = Path(scratch)
        for _ in range(args.rounds):
            for kind, period in cases:
                entry = results.setdefault(f"{kind} {period}", {})
                wall, cpu = _command(kind, period, reports_dir)
                entry.setdefault("command", []).append(wall)
                entry.setdefault("cpu", []).append(cpu)
                for phase, seconds in _phases(kind, period, out).items():
                    entry.setdefault(phase, []).append(seconds)
    load = os.getloadavg()[0]
    print(f"\n{args.rounds} rounds, median seconds (load average at the end: {load:.1f} "
          f"on {os.cpu_count()} CPUs)\n")  # fmt: skip
    header = ("report", "command", "cpu", "target", "ratio", "build", "xlsx", "pdf")
    print("| " + " | ".join(f"{h:>8}" if i else f"{h:<16}" for i, h in enumerate(header)) + " |")
    print("|" + "|".join(("-" * 18) if i == 0 else ("-" * 9 + ":") for i in range(8)) + "|")
    for name, entry in results.items():
        median = {k: statistics.median(v) for k, v in entry.items()}
        target = TARGETS_S.get(name.split()[0])
        ratio = f"{median['command'] / target:8.2f}" if target else f"{'-':>8}"
        target_text = f"{target:8.0f}" if target else f"{'-':>8}"
        print(
            f"| {name:<16} | {median['command']:8.2f} | {median['cpu']:8.2f} | {target_text} | "
            f"{ratio} | {median['build']:8.2f} | {median['xlsx']:8.2f} | {median['pdf']:8.2f} |"
        )


if __name__ == "__main__":
    main()
