"""Bad rows of the risk layers are rejected with their reasons while good rows load: a CAS
number with a wrong check digit, a negative quantity, a hazard level outside 1-4, a camera id
of the wrong length. A chemical GB 18218 does not name loads, without a critical quantity."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from click.testing import Result

LON, LAT = 120.0, 32.04


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _reasons(path: Path, key: str) -> dict[str, str]:
    rejects = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return dict(zip(rejects[key], rejects["reject_reason"], strict=True))


def _enterprise(tmp_path: Path, load: Callable[..., Result], code: str) -> None:
    path = _write(
        tmp_path / "ent.csv",
        ["企业名称", "统一社会信用代码", "经度", "纬度"],
        [["甲", code, LON, LAT]],
    )
    assert load(path, "--layer", "enterprises").exit_code == 0


def test_chemicals_with_a_bad_cas_or_a_negative_quantity_are_rejected(
    tmp_path: Path,
    onemap_load: Callable[..., Result],
    engine: sa.Engine,
    credit_code: Callable[[int], str],
) -> None:
    code = credit_code(1)
    _enterprise(tmp_path, onemap_load, code)
    header = [
        "统一社会信用代码",
        "化学品名称",
        "CAS号",
        "储存地点",
        "最大存储量",
        "储存方式",
        "经度",
        "纬度",
    ]
    path = _write(
        tmp_path / "chem.csv",
        header,
        [
            [code, "液氯", "7782-50-5", "罐区一", "5", "储罐", LON, LAT],
            [code, "甲醇", "67-56-2", "罐区一", "10", "储罐", LON, LAT],  # check digit is 1
            [code, "甲苯", "108-88-3", "罐区二", "-3", "储罐", LON, LAT],
            [code, "硫酸", "7664-93-9", "罐区三", "80", "储罐", LON, LAT],  # not in GB 18218
        ],
    )
    result = onemap_load(path, "--layer", "hazardous_chemicals")
    assert result.exit_code == 3, result.output
    reasons = _reasons(tmp_path / "chem.rejects.csv", "化学品名称")
    assert set(reasons) == {"甲醇", "甲苯"}
    assert "expected 1" in reasons["甲醇"]
    assert "max_quantity_t" in reasons["甲苯"]
    with engine.connect() as conn:
        loaded = conn.execute(
            sa.text("SELECT name, threshold_t FROM hazardous_chemicals ORDER BY name")
        )
        assert sorted(loaded.all()) == [("液氯", None), ("硫酸", None)]


def test_a_hazard_level_outside_1_to_4_is_rejected(
    tmp_path: Path, onemap_load: Callable[..., Result], credit_code: Callable[[int], str]
) -> None:
    code = credit_code(2)
    _enterprise(tmp_path, onemap_load, code)
    header = [
        "统一社会信用代码",
        "危险源编码",
        "危险源名称",
        "单元类型",
        "重大危险源级别",
        "经度",
        "纬度",
    ]
    path = _write(
        tmp_path / "hs.csv",
        header,
        [
            [code, "MH1", "罐区", "储存单元", "二级", LON, LAT],
            [code, "MH2", "装置", "生产单元", "5", LON, LAT],
        ],
    )
    result = onemap_load(path, "--layer", "hazard_sources")
    assert result.exit_code == 3, result.output
    assert list(_reasons(tmp_path / "hs.rejects.csv", "危险源编码")) == ["MH2"]


def test_a_camera_id_of_the_wrong_length_is_rejected(
    tmp_path: Path, onemap_load: Callable[..., Result]
) -> None:
    header = ["设备编码", "名称", "类型", "视频流地址", "经度", "纬度"]
    good = "32128300001326000001"
    path = _write(
        tmp_path / "cam.csv",
        header,
        [
            [good, "全景", "高空全景", "rtsp://10.0.0.1/1", LON, LAT],
            [good[:-1], "短", "排口", "rtsp://10.0.0.2/1", LON, LAT],
        ],
    )
    result = onemap_load(path, "--layer", "cameras")
    assert result.exit_code == 3, result.output
    reasons = _reasons(tmp_path / "cam.rejects.csv", "名称")
    assert list(reasons) == ["短"] and "19" in reasons["短"]
