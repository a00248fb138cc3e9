"""The demo's year of cases: plausible, consistent with their histories, reproducible."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import sqlalchemy as sa

from cases.archive import completeness_table
from cases.demo import load_demo_cases
from cases.demo_archive import DEMO_ITEMS
from cases.documents import ENV_DIR, DocumentStore
from cases.schedule import schedule
from etl.load import load_file

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
AS_OF = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
CASE_TABLES = ("clues", "inspections", "rectifications", "weather_responses")


def _park(engine: sa.Engine) -> None:
    for layer_id in ("enterprises", "stations"):
        assert load_file(DEMO / f"{layer_id}.csv", layer_id, engine).rejected == 0
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO exceedances (station_code, parameter, period, start_time, end_time, "
                "peak, limit_value, standard, trace_process, trace_inputs, geom) "
                "SELECT code, 'a21026', '1h', '2025-11-02T03:00+08', '2025-11-02T06:00+08', 612, "
                "500, 'GB 3095-2012', 'wind-sector-sources', '{\"station\": \"AQ-01\"}', geom "
                "FROM stations WHERE code = 'AQ-01'"
            )
        )


def _fingerprint(engine: sa.Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as connection:
        return [
            tuple(r)
            for table in CASE_TABLES
            for r in connection.execute(
                sa.text(f"SELECT '{table}', case_no, state FROM {table} ORDER BY case_no")
            )
        ]


def test_a_year_of_demo_cases(
    engine: sa.Engine, db_url: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    _park(engine)
    store = DocumentStore(tmp_path / "documents")
    counts = load_demo_cases(engine, "cli:test", AS_OF, store=store)
    assert counts["inspections"] > 50 and counts["rectifications"] > 20
    assert counts["clues"] == 41 and counts["complaints"] == 15  # one exceedance, 40 others
    assert counts["weather_notices"] == 3
    with engine.connect() as connection:
        for table in CASE_TABLES:
            # every case's state is where its history ends, and the history starts registered
            broken = connection.execute(
                sa.text(
                    f"SELECT c.case_no FROM {table} c WHERE c.state IS DISTINCT FROM ("
                    "SELECT to_state FROM case_transitions h WHERE h.case_type = :t "
                    "AND h.case_id = c.id ORDER BY h.at DESC, h.id DESC LIMIT 1) "
                    "OR c.registered_at > c.updated_at OR c.updated_at > :as_of"
                ),
                {"t": table, "as_of": AS_OF},
            ).all()
            assert broken == [], table
            states = connection.execute(
                sa.text(f"SELECT count(DISTINCT state) FROM {table}")
            ).scalar_one()
            assert states >= 2, table  # some closed, some still open
        carried = connection.execute(
            sa.text("SELECT trace_process FROM clues WHERE exceedance_id IS NOT NULL")
        ).scalar_one()
        assert carried == "wind-sector-sources"
        late, missing = connection.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE late), count(*) FILTER (WHERE answered_at IS NULL) "
                "FROM weather_responses"
            )
        ).one()
        assert late > 0 and missing > 0
    from accounts.permissions import SHIPPED
    from accounts.principal import Principal

    staff = Principal("staff", "staff", frozenset(SHIPPED["staff"].permissions))
    rows = schedule(engine, staff, AS_OF.date())
    assert {r["state"] for r in rows} >= {"done", "due", "overdue"}
    # every enterprise has a file: some items present, some expired, some missing
    table = completeness_table(engine, staff, AS_OF.date())
    with engine.connect() as connection:
        enterprises = connection.execute(sa.text("SELECT count(*) FROM enterprises")).scalar_one()
    assert len(table) == enterprises
    assert all(r["present"] > 0 for r in table)
    assert sum(r["expired"] for r in table) > 0 and all(r["missing"] > 0 for r in table)
    # content-addressed: one placeholder per item kind, stored once however often filed
    stored = [p for p in (tmp_path / "documents").rglob("*") if p.is_file()]
    assert len(stored) == len(DEMO_ITEMS) < counts["archive_documents"]

    # the command writes the same year again from the same seed, and only once
    first = _fingerprint(engine)
    with engine.begin() as connection:
        for table in (*CASE_TABLES, "case_transitions", "documents"):
            connection.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            connection.execute(sa.text(f"DELETE FROM {table}"))
            connection.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    cli_env = cli_env | {ENV_DIR: str(tmp_path / "documents")}
    command = [".venv/bin/onemap", "demo", "cases", "--as-of", AS_OF.isoformat()]
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run(command, env=cli_env, cwd=root, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert _fingerprint(engine) == first
    again = subprocess.run(command, env=cli_env, cwd=root, capture_output=True, text=True)
    assert "already" in again.stdout and _fingerprint(engine) == first
