"""`onemap analyse`: GeoJSON on stdout, CSV/XLSX files, and one-line errors with exit status 2."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyproj import Geod
from sqlalchemy import Engine, text

ONEMAP = str(Path(sys.executable).with_name("onemap"))
GEOD = Geod(ellps="WGS84")


def _onemap(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ONEMAP, "analyse", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def receptors(engine: Engine) -> None:
    with engine.begin() as conn:
        for name, azimuth, distance in (("东村", 90.0, 1200.0), ("北小学", 0.0, 300.0)):
            lon, lat, _ = GEOD.fwd(108.3, 22.8, azimuth, distance)
            conn.execute(
                text(
                    "INSERT INTO receptors (name, category, population, geom) "
                    "VALUES (:name, 'residential', 50, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
                ),
                {"name": name, "lon": lon, "lat": lat},
            )


def test_prints_geojson(cli_env: dict[str, str], receptors: None) -> None:
    result = _onemap(
        cli_env, "receptor-screening", "--site", "point:108.3,22.8", "--radius-m", "2000"
    )

    assert result.returncode == 0, result.stderr
    collection = json.loads(result.stdout)
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in collection["features"]] == ["北小学", "东村"]
    assert collection["parameters"]["radius_m"] == 2000


def test_writes_csv_and_the_table_i2_workbook(
    cli_env: dict[str, str], receptors: None, tmp_path: Path
) -> None:
    table = tmp_path / "receptors.csv"
    book = tmp_path / "receptors.xlsx"
    args = ("receptor-screening", "--site", "point:108.3,22.8", "--directions", "16")

    assert _onemap(cli_env, *args, "--format", "csv", "--output", str(table)).returncode == 0
    assert _onemap(cli_env, *args, "--format", "xlsx", "-o", str(book)).returncode == 0

    with table.open(encoding="utf-8-sig") as rows:
        first = next(csv.DictReader(rows))
    assert (first["name"], first["direction_zh"], first["distance_m"]) == ("北小学", "北", "300.0")
    sheet = load_workbook(book).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == ("方向", "距离（m）", "敏感目标名称")
    assert values[2] == ("北", 300, "北小学") and values[3] == ("东", 1200, "东村")
    assert values[5][0] == "是否在饮用水水源保护区内" and values[5][1] == "☑否，□是"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("receptor-screening", "--site", "park", "--radius_m", "60000"), "radius_m"),
        (("receptor-screening", "--site", "park", "--directions", "12"), "directions"),
        (("receptor-screening", "--site", "enterprise:91450100MA00000099"), "91450100MA00000099"),
        (
            (
                "wind-sector-trace",
                "--receptor",
                "point:108.3,22.8",
                "--start",
                "2024-06-01T00:00",
                "--end",
                "2024-06-02T00:00+08:00",
            ),
            "start",
        ),
        (("network-trace", "--network", "sewer", "--start", "node:NOPE"), "NOPE"),
        (
            (
                "back-trajectory",
                "--receptor",
                "point:108.3,22.8",
                "--arrival-time",
                "2024-06-01T00:00Z",
                "--hours",
                "48",
            ),
            "hours",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(
    cli_env: dict[str, str], args: tuple[str, ...], fragment: str
) -> None:
    result = _onemap(cli_env, *args)

    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误 / error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ("receptor-screening", "--colour", "red"),
        ("no-such-analysis",),
        ("network-trace", "--start", "node:A"),  # --network is required
    ],
)
def test_unknown_options_and_analyses_exit_2(
    cli_env: dict[str, str], args: tuple[str, ...]
) -> None:
    result = _onemap(cli_env, *args)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_help_lists_the_analyses_and_their_parameters(cli_env: dict[str, str]) -> None:
    listing = _onemap(cli_env, "--help")
    options = _onemap(cli_env, "wind-sector-trace", "--help")

    for analysis in ("receptor-screening", "wind-sector-trace", "back-trajectory", "network-trace"):
        assert analysis in listing.stdout
    for option in ("--half_width_deg", "--max_distance_m", "--calm_ms", "--format", "--output"):
        assert option in options.stdout


def test_emergency_response_prints_its_lists_and_writes_one_sheet_each(
    cli_env: dict[str, str], receptors: None, engine: Engine, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        lon, lat, _ = GEOD.fwd(108.3, 22.8, 180.0, 500.0)
        conn.execute(
            text(
                "INSERT INTO stations (code, name, type, geom) "
                "VALUES ('MET', '气象站', 'met', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"
            ),
            {"lon": lon, "lat": lat},
        )
        conn.execute(
            text(
                "INSERT INTO observations (station_code, time, parameter, value, flag) VALUES "
                "('MET', '2024-06-01T02:00:00Z', 'a01007', 3, 'N'), "
                "('MET', '2024-06-01T02:00:00Z', 'a01008', 270, 'N')"
            )
        )
    args = ("emergency-response", "--site", "point:108.3,22.8", "--time", "2024-06-01T10:30+08:00")
    printed = _onemap(cli_env, *args)
    assert printed.returncode == 0, printed.stderr
    result = json.loads(printed.stdout)
    downwind = [
        f["properties"]["name"] for f in result["features"] if f["properties"]["kind"] == "receptor"
    ]
    assert downwind == ["东村"]  # the west wind blows to the east; 北小学 is to the north
    assert "下风向敏感目标1处：东村" in printed.stderr and "1 receptors downwind" in printed.stderr
    book = tmp_path / "f.xlsx"
    assert _onemap(cli_env, *args, "--format", "xlsx", "-o", str(book)).returncode == 0
    sheets = load_workbook(book).sheetnames
    assert sheets[0] == "摘要 summary" and "下风向敏感目标 downwind" in sheets
