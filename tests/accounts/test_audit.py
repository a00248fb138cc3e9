"""The audit trail records every write, by every path, and cannot be rewritten."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from accounts import audit
from etl.load import load_file
from monitoring.hj212.store import store_values

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _entries(engine: sa.Engine, layer: str) -> list[dict[str, object]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT * FROM audit_log WHERE layer = :l ORDER BY id"), {"l": layer}
        ).mappings()
        return [dict(r) for r in rows]


def _enterprises(tmp_path: Path, rows: int, phone: str = "18079306715") -> Path:
    lines = (DEMO / "enterprises.csv").read_text("utf-8").splitlines()[: rows + 1]
    lines[1] = lines[1].replace("18079306715", phone)
    path = tmp_path / "enterprises.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_a_file_load_records_who_and_each_row(engine: sa.Engine, tmp_path: Path) -> None:
    load_file(_enterprises(tmp_path, 3), "enterprises", engine, actor="cli:tester")
    entries = _entries(engine, "enterprises")
    assert [e["action"] for e in entries] == ["insert"] * 3
    assert {e["actor"] for e in entries} == {"cli:tester"}
    assert entries[0]["after"]["name"] == "泰州宏华化学股份有限公司"  # type: ignore[index]
    assert entries[0]["after"]["geom"]["type"] == "Point"  # type: ignore[index]
    # the same file again changes nothing, and records nothing
    load_file(_enterprises(tmp_path, 3), "enterprises", engine, actor="cli:tester")
    assert len(_entries(engine, "enterprises")) == 3
    # one changed value: one update entry, with the before and after
    load_file(_enterprises(tmp_path, 3, "13900000000"), "enterprises", engine)
    entries = _entries(engine, "enterprises")
    assert len(entries) == 4 and entries[-1]["action"] == "update"
    assert entries[-1]["before"]["phone"] == "18079306715"  # type: ignore[index]
    assert entries[-1]["after"]["phone"] == "13900000000"  # type: ignore[index]
    assert str(entries[-1]["actor"]).startswith("db:")  # no actor named: the database role
    history = audit.history(engine.connect(), "enterprises", int(entries[0]["feature_id"]))  # type: ignore[arg-type]
    assert [h["action"] for h in history] == ["update", "insert"]
    assert history[0]["changed"] == ["phone"]


def test_device_data_is_recorded_per_batch(engine: sa.Engine) -> None:
    load_file(DEMO / "stations.csv", "stations", engine)
    frame = pd.DataFrame(
        {
            "station_code": ["AQ-01"] * 3,
            "time": pd.to_datetime(
                ["2025-03-02T01:00Z", "2025-03-02T02:00Z", "2025-03-02T03:00Z"], utc=True
            ),
            "parameter": ["a21026"] * 3,
            "value": [10.0, 11.0, 12.0],
            "unit": ["μg/m³"] * 3,
            "flag": ["N"] * 3,
        }
    )
    with engine.begin() as connection:
        assert store_values(connection, frame) == (3, 0)
    entries = _entries(engine, "observations")
    assert len(entries) == 1
    assert entries[0]["action"] == "insert" and entries[0]["rows"] == 3
    assert entries[0]["actor"] == "hj212" and entries[0]["before"] is None


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"]
)
def test_the_trail_is_append_only(engine: sa.Engine, tmp_path: Path, statement: str) -> None:
    load_file(_enterprises(tmp_path, 1), "enterprises", engine)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert len(_entries(engine, "enterprises")) == 1


def test_every_layer_table_has_its_audit_triggers(engine: sa.Engine) -> None:
    from layers import REGISTRY

    with engine.connect() as connection:
        triggers = {
            (str(table), name)
            for table, name in connection.execute(
                sa.text(
                    "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
                )
            )
        }
    for layer in REGISTRY:
        for name in audit.trigger_names(layer):
            assert (layer.id, name) in triggers, (layer.id, name)
