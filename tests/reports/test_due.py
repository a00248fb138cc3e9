"""``onemap report due`` (what the systemd timer calls): every scheduled kind's latest closed
period is run once; a second call runs nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from reports import REGISTRY
from reports.periods import ZONE
from reports.runs import due

pytestmark = pytest.mark.usefixtures("clean_runs")
NOW = "2025-07-01T01:30+08:00"
EXPECTED = {
    ("daily", "2025-06-30"),
    ("weekly", "2025-W26"),
    ("monthly", "2025-06"),
    ("quarterly", "2025-Q2"),
    ("annual", "2024"),
    ("exceedance", "2025-06"),
    ("disconnection", "2025-06"),
}


def test_what_is_due_is_each_scheduled_kinds_last_closed_period(demo_engine: sa.Engine) -> None:
    now = dt.datetime(2025, 7, 1, 1, 30, tzinfo=ZONE)
    pending = {(kind.id, period.label) for kind, period in due(demo_engine, now)}
    periodic = {kind.id for kind in REGISTRY if kind.scheduled}
    assert {k for k, _ in EXPECTED} <= periodic
    assert pending >= EXPECTED


def test_due_run_twice_makes_each_report_once(onemap, demo_engine: sa.Engine) -> None:
    first = onemap("report", "due", "--now", NOW)
    assert first.returncode == 0, first.stderr
    with demo_engine.connect() as connection:
        made = connection.execute(
            sa.text("SELECT kind, period, generated_at FROM report_runs")
        ).all()
    assert {(r.kind, r.period) for r in made} >= EXPECTED
    second = onemap("report", "due", "--now", NOW)
    assert second.returncode == 0, second.stderr
    assert "nothing due" in second.stdout
    with demo_engine.connect() as connection:
        again = connection.execute(
            sa.text("SELECT kind, period, generated_at FROM report_runs")
        ).all()
    assert sorted(again) == sorted(made)


def test_a_bad_now_is_one_line(onemap) -> None:
    done = onemap("report", "due", "--now", "yesterday")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1


def test_due_while_another_due_runs_does_nothing(onemap, demo_engine: sa.Engine) -> None:  # type: ignore[no-untyped-def]
    from reports.runs import DUE_LOCK_SQL, DUE_UNLOCK_SQL

    with demo_engine.connect() as other:
        assert other.execute(DUE_LOCK_SQL).scalar_one()
        try:
            done = onemap("report", "due", "--now", NOW)
        finally:
            other.execute(DUE_UNLOCK_SQL)
            other.commit()
    assert done.returncode == 0, done.stderr
    assert "another onemap report due is running" in done.stdout
    with demo_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM report_runs")).scalar() == 0
