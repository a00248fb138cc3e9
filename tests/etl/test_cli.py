"""Exit statuses and messages of `onemap load`: one line on stderr, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Load = Callable[..., Result]
ONEMAP = str(Path(sys.executable).with_name("onemap"))
STATIONS = "站点编码,站点名称,站点类型,经度,纬度\nS01,园区站,空气,118.75,32.25\n"


def _assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误 / error: ")
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_a_missing_file(tmp_path: Path, onemap_load: Load) -> None:
    result = onemap_load(tmp_path / "nope.csv", "--layer", "stations")
    _assert_one_line_error(result, "no such file")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.gpkg", b"this is not a geopackage"),
        ("broken.zip", b"PK\x03\x04 truncated"),
        ("empty.csv", b""),
        ("latin.csv", b"\xff\xfe\x00\xd8\x00"),
        ("broken.xlsx", b"not a workbook"),
    ],
)
def test_an_unreadable_file(tmp_path: Path, onemap_load: Load, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _assert_one_line_error(onemap_load(path, "--layer", "stations"), "cannot read")


def test_an_unknown_layer(tmp_path: Path, onemap_load: Load) -> None:
    path = tmp_path / "s.csv"
    path.write_text(STATIONS, encoding="utf-8")
    _assert_one_line_error(onemap_load(path, "--layer", "factories"), "unknown layer 'factories'")


def test_an_unknown_crs(tmp_path: Path, onemap_load: Load) -> None:
    path = tmp_path / "s.csv"
    path.write_text(STATIONS, encoding="utf-8")
    result = onemap_load(path, "--layer", "stations", "--crs", "EPSG:99999999")
    _assert_one_line_error(result, "unknown coordinate system")


def test_a_required_column_missing(tmp_path: Path, onemap_load: Load) -> None:
    path = tmp_path / "s.csv"
    path.write_text("站点编码,经度,纬度\nS01,118.75,32.25\n", encoding="utf-8")
    result = onemap_load(path, "--layer", "stations")
    _assert_one_line_error(result, "required column 'name' is missing")


def test_point_csv_without_coordinate_columns(tmp_path: Path, onemap_load: Load) -> None:
    path = tmp_path / "s.csv"
    path.write_text("站点编码,站点名称,站点类型\nS01,园区站,空气\n", encoding="utf-8")
    result = onemap_load(path, "--layer", "stations")
    _assert_one_line_error(result, "no longitude and latitude columns")


def test_empty_or_non_numeric_coordinates_are_rejected_rows(
    tmp_path: Path, onemap_load: Load
) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "站点编码,站点名称,站点类型,经度,纬度\nS01,甲,空气,118.75,32.25\nS02,乙,空气,,32.2\n"
        "S03,丙,空气,东经118度,32.2\n",
        encoding="utf-8",
    )
    result = onemap_load(path, "--layer", "stations")
    assert result.exit_code == 3
    rejects = (tmp_path / "s.rejects.csv").read_text(encoding="utf-8-sig")
    assert "longitude or latitude is empty" in rejects
    assert "coordinates are not numbers '东经118度,32.2'" in rejects


def test_success_prints_a_summary_and_nothing_on_stderr(tmp_path: Path, onemap_load: Load) -> None:
    path = tmp_path / "s.csv"
    path.write_text(STATIONS, encoding="utf-8")
    result = onemap_load(path, "--layer", "stations")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{path} → stations",
        "  读取 / read:      1",
        "  新增 / inserted:  1",
        "  更新 / updated:   0",
        "  拒绝 / rejected:  0",
    ]


def test_the_console_script_exits_3_when_rows_are_rejected(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(STATIONS, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(STATIONS.replace("空气", "火星"), encoding="utf-8")
    rejects = tmp_path / "rejects"
    rejects.mkdir()
    result = subprocess.run(
        [ONEMAP, "load", str(good), str(bad), "--layer", "stations", "--rejects", str(rejects)],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("拒绝 / rejected:") == 2
    assert (rejects / "bad.rejects.csv").exists() and not (rejects / "good.rejects.csv").exists()
