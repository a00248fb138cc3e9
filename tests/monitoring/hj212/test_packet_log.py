from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from monitoring.hj212.codec import data_segment, frame
from onemap.commands.hj212 import hj212
from onemap.database import ENV_URL


def _line(mn: str, hour: int, so2: float) -> str:
    raw = frame(
        data_segment(
            qn=f"20250302{hour:02d}0000000",
            cn="2061",
            mn=mn,
            data_time=f"20250302{hour:02d}0000",
            values={"a21026": (so2, "N")},
        )
    )
    return "2025-03-02 10:00:01 RECV: " + raw.decode().rstrip("\r\n")


def test_parse_stores_good_packets_and_reports_bad_ones(
    station_engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    good = _line("32128322918873", 1, 12.0)
    log = tmp_path / "capture.log"
    log.write_text(
        "\n".join(
            [
                good,
                _line("32128322918873", 2, 13.0).replace("Avg=13", "Avg=93"),  # CRC no longer fits
                "garbage line",
                _line("00000000000001", 3, 14.0),
                good,  # a repeat changes nothing
            ]
        )
        + "\n",
        encoding="ascii",
    )
    result = CliRunner().invoke(hj212, ["parse", str(log)], env={ENV_URL: db_url})
    assert result.exit_code == 3, result.output
    assert "inserted 1" in result.output and "rejected 3" in result.output
    with station_engine.connect() as c:
        assert c.execute(sa.text("SELECT station_code, value FROM observations")).all() == [
            ("AQ-01", 12.0)
        ]
    with (tmp_path / "capture.log.rejects.csv").open(encoding="utf-8-sig") as stream:
        rejects = list(csv.DictReader(stream))
    assert [(r["line"], r["reason_code"]) for r in rejects] == [
        ("2", "crc"),
        ("3", "head"),
        ("4", "mn"),
    ]
