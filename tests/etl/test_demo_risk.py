"""The demo park's risk and emergency content: the counts the issue asks for, and installations
and hazard levels that agree with GB 18218 as computed from the stored chemicals."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from etl.demo.generate import generate
from layers import BY_ID
from layers.camera_id import camera_id_problem
from layers.gb18218 import Stored, assess


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo_risk")
    generate(directory, full=False)
    return directory


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _features(path: Path) -> list[dict[str, object]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["features"])


def test_counts_are_those_of_the_issue(out: Path) -> None:
    chemicals = _rows(out / "hazardous_chemicals.csv")
    assert 140 <= len(chemicals) <= 170
    assert len({r["统一社会信用代码"] for r in chemicals}) == 40
    assert len(_features(out / "hazard_sources.geojson")) == 15
    assert len({r["储备库"] for r in _rows(out / "emergency_supplies.csv")}) == 10
    assert len(_features(out / "shelters.geojson")) == 6
    assert len(_rows(out / "emergency_teams.csv")) == 4
    assert len(_rows(out / "risk_control_points.csv")) == 30
    assert len(_rows(out / "cameras.csv")) == 40
    kinds = {f["properties"]["kind"] for f in _features(out / "facilities.geojson")}  # type: ignore[index]
    assert {"wwtp", "central_heating", "pipe_corridor"} <= kinds


def test_installations_are_what_gb18218_computes_from_the_chemicals(out: Path) -> None:
    units: dict[tuple[str, str], list[Stored]] = defaultdict(list)
    for r in _rows(out / "hazardous_chemicals.csv"):
        threshold = float(r["临界量"]) if r["临界量"] else None
        units[(r["统一社会信用代码"], r["危险化学品单元"])].append(
            Stored(r["化学品名称"], r["CAS号"], float(r["最大存储量"]), threshold)
        )
    major = {key for key, stored in units.items() if assess(stored).is_major_hazard}
    sources = [f["properties"] for f in _features(out / "hazard_sources.geojson")]
    assert {(s["credit_code"], s["code"].replace("-MH1", "-U1")) for s in sources} == major  # type: ignore[index,union-attr]
    for s in sources:
        stored = units[(s["credit_code"], s["code"].replace("-MH1", "-U1"))]  # type: ignore[index,union-attr]
        assert s["q_ratio_sum"] == pytest.approx(assess(stored).sum_ratio, abs=1e-3)  # type: ignore[index]
        assert set(s["chemicals"].split(";")) <= {c.cas_no for c in stored}  # type: ignore[index,union-attr]


def test_enterprise_hazard_levels_are_the_installations_levels(out: Path) -> None:
    levels = {c.zh: c.value for c in BY_ID["enterprises"].field("hazard_level").choices}
    rated = {
        r["统一社会信用代码"]: levels[r["重大危险源等级"]] for r in _rows(out / "enterprises.csv")
    }
    sources = [f["properties"] for f in _features(out / "hazard_sources.geojson")]
    by_enterprise = {s["credit_code"]: s["level"] for s in sources}  # type: ignore[index]
    assert {code: level for code, level in rated.items() if level} == by_enterprise


def test_plans_cover_the_larger_and_major_enterprises_and_the_park(out: Path) -> None:
    risky = {
        r["统一社会信用代码"] for r in _rows(out / "enterprises.csv") if r["环境风险等级"] != "一般"
    }
    plans = _rows(out / "emergency_plans.csv")
    owners = [p["统一社会信用代码（园区自有为空）"] for p in plans]
    assert set(owners) - {""} == risky and owners.count("") == 1


def test_camera_ids_are_gb28181_and_streams_are_private(out: Path) -> None:
    cameras = _rows(out / "cameras.csv")
    assert [c["设备编码"] for c in cameras if camera_id_problem(c["设备编码"])] == []
    assert all(c["视频流地址"].startswith("rtsp://") for c in cameras)
    assert BY_ID["cameras"].field("stream_url").private
