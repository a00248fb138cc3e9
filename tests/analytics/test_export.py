"""CSV and XLSX of the air tracings: one row per candidate, the parameters on a sheet."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Connection

from analytics.export import write
from analytics.registry import run_analysis


def test_candidates_table_as_csv_and_xlsx(world: Any, conn: Connection, tmp_path: Path) -> None:
    world.station("MET", world.at(0.0, 300.0))
    world.wind("MET", [3.0, None], [270.0, None])
    for code, azimuth in (("W1", 268.0), ("W2", 280.0)):
        where = world.at(azimuth, 1500.0)
        world.outfall(code, world.enterprise(f"企业{code}", where), where)
    result = run_analysis(
        "wind-sector-trace",
        {
            "receptor": "point:108.3,22.8",
            "start": world.T0.isoformat(),
            "end": (world.T0 + timedelta(hours=2)).isoformat(),
        },
        conn,
    )

    write(result, tmp_path / "c.csv", "csv")
    write(result, tmp_path / "c.xlsx", "xlsx")

    with (tmp_path / "c.csv").open(encoding="utf-8-sig") as rows:
        table = list(csv.DictReader(rows))
    assert [r["outfall_code"] for r in table] == ["W1", "W2"]  # 2° and 10° off the wind
    assert {r["kind"] for r in table} == {"candidate"}
    assert table[0]["rank"] == "1" and table[0]["hours_total"] == "2"
    book = load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames == ["结果 results", "参数 parameters"]
    meta = {row[0]: row[1] for row in book["参数 parameters"].iter_rows(values_only=True)}
    assert meta["analysis"] == "wind-sector-trace"
    assert meta["missing_hours"] == "2024-06-01T01:00:00Z"
