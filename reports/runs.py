"""Running a report: build, render both files, record the run (unique on kind and period;
running again replaces the files and the record), list the runs, and run what is due.

Files go to ``--output-dir`` when given, else ``ONEMAP_REPORTS_DIR``, else
``<ONEMAP_DATA_DIR or the user's data dir>/reports``, as ``KIND/PERIOD/KIND-PERIOD.{xlsx,pdf}``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from reports import BY_ID, REGISTRY
from reports.errors import BadPeriodError, UnknownKindError
from reports.pdf import check_fonts, write_pdf
from reports.periods import EXAMPLES, Period, last_closed, parse
from reports.schema import runs
from reports.spec import ReportKind
from reports.xlsx import write_xlsx

ENV_DIR = "ONEMAP_REPORTS_DIR"


@dataclass(frozen=True)
class Run:
    """A recorded run."""

    id: int
    kind: str
    period: str
    title_zh: str
    title_en: str
    public: bool
    xlsx_path: Path
    pdf_path: Path
    generated_at: dt.datetime
    duration_s: float | None


def default_dir() -> Path:
    """Where reports are written without ``--output-dir``."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    if os.environ.get("ONEMAP_DATA_DIR"):
        return Path(os.environ["ONEMAP_DATA_DIR"]).expanduser() / "reports"
    import platformdirs

    return Path(platformdirs.user_data_dir("onemap")) / "reports"


def kind_of(kind_id: str) -> ReportKind:
    """The declared kind ``kind_id``; UnknownKindError naming the known ones."""
    try:
        return BY_ID[kind_id]
    except KeyError:
        raise UnknownKindError(
            f"未知报告类型 / unknown report kind {kind_id!r}; known: {', '.join(BY_ID)}"
        ) from None


def period_for(kind: ReportKind, text: str, now: dt.datetime) -> Period:
    """``text`` parsed, of a granularity ``kind`` accepts, and over at ``now``."""
    period = parse(text)
    if period.granularity not in kind.granularities:
        accepted = ", ".join(g.value for g in kind.granularities)
        raise BadPeriodError(
            f"{kind.id} 报告不接受 {text!r} / a {kind.id} report takes a period of: {accepted} "
            f"(e.g. {EXAMPLES})"
        )
    if not period.closed(now):
        raise BadPeriodError(
            f"报告期 {text} 尚未结束 / the period {text} is not over yet (it ends "
            f"{period.end:%Y-%m-%d %H:%M %Z}): a report is of a closed period"
        )
    return period


def run_report(
    engine: sa.Engine,
    kind_id: str,
    period_text: str,
    output_dir: Path | None = None,
    now: dt.datetime | None = None,
    public: bool | None = None,
) -> Run:
    """Build and render one report and record it (replacing an earlier run of it); ``public``
    overrides the kind's default (only the annual quality report is public by default)."""
    kind = kind_of(kind_id)
    period = period_for(kind, period_text, now or dt.datetime.now(dt.UTC))
    check_fonts()  # before the work: a missing font is a set-up problem, said at once
    began = time.perf_counter()
    report = kind.build(engine, period)
    folder = (output_dir or default_dir()).expanduser().resolve() / kind.id / period.label
    stem = f"{kind.id}-{period.label}"
    xlsx = write_xlsx(report, folder / f"{stem}.xlsx")
    pdf = write_pdf(report, folder / f"{stem}.pdf")
    duration_s = round(time.perf_counter() - began, 2)
    zh, en = period.title()
    values = {
        "kind": kind.id,
        "period": period.label,
        "first_day": period.first_day,
        "end_day": period.end_day,
        "title_zh": f"{report.park_name}{zh}{kind.zh}",
        "title_en": f"{kind.en}, {en}",
        "public": kind.public if public is None else public,
        "xlsx_path": str(xlsx),
        "pdf_path": str(pdf),
        "generated_at": report.generated_utc,
        "duration_s": duration_s,
    }
    insertion = insert(runs).values(**values)
    statement = insertion.on_conflict_do_update(
        index_elements=["kind", "period"],
        set_={k: insertion.excluded[k] for k in values if k not in ("kind", "period")},
    ).returning(runs.c.id)
    with engine.begin() as connection:
        run_id = connection.execute(statement).scalar_one()
    return get_run(engine, run_id)


def _run(row: sa.Row[tuple[object, ...]]) -> Run:
    m = row._mapping
    return Run(
        int(m["id"]), str(m["kind"]), str(m["period"]), str(m["title_zh"]), str(m["title_en"]),
        bool(m["public"]), Path(str(m["xlsx_path"])), Path(str(m["pdf_path"])),
        m["generated_at"], m["duration_s"],
    )  # fmt: skip


def list_runs(engine: sa.Engine, public_only: bool = False) -> list[Run]:
    """Every recorded run (or the public ones), newest period first."""
    query = sa.select(runs).order_by(runs.c.first_day.desc(), runs.c.kind)
    if public_only:
        query = query.where(runs.c.public)
    with engine.connect() as connection:
        return [_run(row) for row in connection.execute(query)]


def get_run(engine: sa.Engine, run_id: int) -> Run:
    """The run ``run_id``; KeyError when there is none."""
    with engine.connect() as connection:
        row = connection.execute(sa.select(runs).where(runs.c.id == run_id)).first()
    if row is None:
        raise KeyError(run_id)
    return _run(row)


def due(engine: sa.Engine, now: dt.datetime) -> list[tuple[ReportKind, Period]]:
    """For every scheduled kind, its latest closed period when it has no run yet."""
    with engine.connect() as connection:
        done = {(k, p) for k, p in connection.execute(sa.select(runs.c.kind, runs.c.period))}
    pending = []
    for kind in REGISTRY:
        if not kind.scheduled:
            continue
        period = last_closed(kind.schedule, now)
        if (kind.id, period.label) not in done:
            pending.append((kind, period))
    return pending


#: The advisory lock ``due`` holds while it runs (a timer and a person calling it at once).
DUE_LOCK_SQL = sa.text("SELECT pg_try_advisory_lock(hashtext('onemap report due'))")
DUE_UNLOCK_SQL = sa.text("SELECT pg_advisory_unlock(hashtext('onemap report due'))")


def run_due(
    engine: sa.Engine, now: dt.datetime, output_dir: Path | None = None
) -> list[Run] | None:
    """Run every report :func:`due` at ``now``; the runs made (none when nothing was due), or
    None when another ``due`` is running (it will make them)."""
    with engine.connect() as lock:
        held = bool(lock.execute(DUE_LOCK_SQL).scalar_one())
        lock.commit()  # the lock is the session's: no transaction stays open while reports run
        if not held:
            return None
        try:
            return [
                run_report(engine, kind.id, period.label, output_dir, now)
                for kind, period in due(engine, now)
            ]
        finally:
            lock.execute(DUE_UNLOCK_SQL)
            lock.commit()
