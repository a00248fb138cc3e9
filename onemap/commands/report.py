"""``onemap report``: run a report of a kind and period, list the runs, run what is due
(what the systemd timer calls; see :mod:`onemap.units`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from onemap.errors import OnemapError


class ReportCommandError(OnemapError):
    """A report error shown as one line (exit status 2)."""


def _now(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ReportCommandError(f"无效时间 / bad --now {text!r}: ISO 8601 with a zone") from None
    if moment.tzinfo is None:
        raise ReportCommandError(f"--now {text!r} 需带时区 / needs a time zone, e.g. +08:00")
    return moment


def _engine():  # type: ignore[no-untyped-def]
    from onemap.database import database_url, engine_for

    return engine_for(database_url())


def _reports_errors():  # type: ignore[no-untyped-def]
    from reports.errors import ReportError

    return ReportError


output_dir_option = click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录 / where to write KIND/PERIOD/*.xlsx and *.pdf (default: ONEMAP_REPORTS_DIR, "
    "else the data directory's reports/).",
)
now_option = click.option(
    "--now", hidden=True, help="当作现在的时刻 / the time to take as now (ISO 8601, for tests)."
)


@click.group("report")
def report() -> None:
    """报告 / scheduled and on-demand reports (XLSX and PDF)."""


@report.command("run")
@click.option(
    "--kind", "kind_id", required=True, help="报告类型 / report kind (onemap report list --kinds)."
)
@click.option(
    "--period",
    "period_text",
    required=True,
    help="报告期 / period: 2025-06-01, 2025-W23, 2025-06, 2025-Q2 or 2025.",
)
@output_dir_option
@click.option(
    "--public/--not-public",
    default=None,
    help="在 /public 公开 / show the run on /public (default: the kind's; only the annual "
    "quality report is public).",
)
@now_option
def run_command(
    kind_id: str, period_text: str, output_dir: Path | None, public: bool | None, now: str | None
) -> None:
    """生成一份报告 / build one report, write its XLSX and PDF, record the run (again: replace)."""
    from reports.runs import run_report

    try:
        run = run_report(_engine(), kind_id, period_text, output_dir, _now(now), public)
    except _reports_errors() as exc:
        raise ReportCommandError(str(exc)) from None
    click.echo(f"{run.title_zh} / {run.title_en} ({run.duration_s:.1f} s)")
    click.echo(str(run.xlsx_path))
    click.echo(str(run.pdf_path))


@report.command("list")
@click.option("--kinds", is_flag=True, help="列出报告类型 / list the report kinds instead.")
def list_command(kinds: bool) -> None:
    """列出报告运行记录 / list the recorded runs (or the kinds)."""
    if kinds:
        from reports import REGISTRY

        for kind in REGISTRY:
            forms = ",".join(g.value for g in kind.granularities)
            public = " public" if kind.public else ""
            click.echo(f"{kind.id:<14} {forms:<32} {kind.zh} / {kind.en}{public}")
        return
    from reports.runs import list_runs

    runs = list_runs(_engine())
    if not runs:
        click.echo("暂无报告 / no report runs yet")
    for run in runs:
        public = "public" if run.public else "      "
        click.echo(
            f"{run.id:>5} {run.kind:<14} {run.period:<10} {public} "
            f"{run.generated_at:%Y-%m-%d %H:%M} {run.pdf_path}"
        )


@report.command("due")
@output_dir_option
@now_option
def due_command(output_dir: Path | None, now: str | None) -> None:
    """运行到期报告 / run every scheduled report whose period has closed and has no run yet."""
    from reports.runs import run_due

    try:
        runs = run_due(_engine(), _now(now), output_dir)
    except _reports_errors() as exc:
        raise ReportCommandError(str(exc)) from None
    if runs is None:
        click.echo(
            "另一个到期报告任务正在运行 / another onemap report due is running: nothing done"
        )
        return
    if not runs:
        click.echo("无到期报告 / nothing due")
    for run in runs:
        click.echo(f"{run.kind} {run.period}: {run.pdf_path}")
