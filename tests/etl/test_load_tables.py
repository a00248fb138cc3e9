"""`onemap load` of CSV tables into a real PostGIS: the acceptance check, bad rows, reloads."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import pytest
import sqlalchemy as sa
from click.testing import Result

from etl.crs import wgs84_to_bd09, wgs84_to_gcj02
from etl.load import load_file

GEOD = pyproj.Geod(ellps="WGS84")
HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "生产经营场所地址",
    "行业类别",
    "环保负责人",
    "联系方式",
    "环境风险等级",
    "经度",
    "纬度",
]

Load = Callable[..., Result]


def _write_csv(
    path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _rejects(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _enterprise(code: str, name: str, lon: float, lat: float, risk: str = "一般") -> list[object]:
    return [
        name,
        code,
        "江苏省南京市化工园区",
        "化学原料和化学制品制造业",
        "王工",
        "025-12345678",
        risk,
        repr(lon),
        repr(lat),
    ]


@pytest.mark.parametrize(("crs", "obfuscate"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_chinese_csv_in_gcj02_lands_within_half_a_metre(
    tmp_path: Path,
    engine: sa.Engine,
    onemap_load: Load,
    credit_code: Callable[[int], str],
    crs: str,
    obfuscate: Callable[..., tuple[np.ndarray, np.ndarray]],
) -> None:
    true_lon = np.array([118.7512, 118.7623, 118.7734, 118.7845, 118.7956])
    true_lat = np.array([32.2411, 32.2522, 32.2633, 32.2744, 32.2855])
    gcj_lon, gcj_lat = obfuscate(true_lon, true_lat)
    rows = [
        _enterprise(credit_code(i), f"企业{i}", float(gcj_lon[i]), float(gcj_lat[i]), risk)
        for i, risk in enumerate(["一般", "较大", "重大", "一般", "较大"])
    ]
    path = _write_csv(tmp_path / "企业.csv", HEADERS, rows, encoding="utf-8-sig")

    result = onemap_load(path, "--layer", "enterprises", "--crs", crs)

    assert result.exit_code == 0, result.output + result.stderr
    assert "新增 / inserted:  5" in result.stdout
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT credit_code, name, risk_level, phone, ST_X(geom), ST_Y(geom), ST_SRID(geom)"
                " FROM enterprises ORDER BY credit_code"
            )
        ).all()
    assert [r.risk_level for r in stored] == ["general", "larger", "major", "general", "larger"]
    assert {r.st_srid for r in stored} == {4326}
    assert stored[0].name == "企业0" and stored[0].phone == "025-12345678"
    lon = np.array([r.st_x for r in stored])
    lat = np.array([r.st_y for r in stored])
    errors_m = np.asarray(GEOD.inv(true_lon, true_lat, lon, lat)[2])
    assert errors_m.max() < 0.5, errors_m
    assert not (tmp_path / "企业.rejects.csv").exists()


def test_each_bad_row_is_rejected_with_its_reason_and_the_good_rows_load(
    tmp_path: Path, engine: sa.Engine, onemap_load: Load, credit_code: Callable[[int], str]
) -> None:
    good = [_enterprise(credit_code(i), f"好企业{i}", 118.75 + i / 100, 32.25) for i in range(3)]
    bad_check = credit_code(10)[:-1] + ("0" if credit_code(10)[-1] != "0" else "1")
    rows = [
        *good,
        _enterprise(bad_check, "校验位错", 118.76, 32.25),
        _enterprise(credit_code(11), "", 118.76, 32.25),
        _enterprise(credit_code(12), "等级错", 118.76, 32.25, risk="很大"),
        _enterprise(credit_code(13), "坐标错", 118.76, 95.0),
        _enterprise(credit_code(0), "重复", 118.77, 32.26),
    ]
    path = _write_csv(tmp_path / "ent.csv", [*HEADERS, "备注"], [[*r, "x"] for r in rows])

    result = onemap_load(path, "--layer", "enterprises")

    assert result.exit_code == 3
    assert "拒绝 / rejected:  5" in result.stdout
    assert "忽略的列 / ignored columns: 备注" in result.stdout
    rejects = _rejects(tmp_path / "ent.rejects.csv")
    assert list(rejects.columns) == [*HEADERS, "备注", "reject_reason"]
    reason = dict(
        zip(
            rejects["统一社会信用代码"] + "|" + rejects["企业名称"],
            rejects["reject_reason"],
            strict=True,
        )
    )
    assert "校验位错误" in reason[f"{bad_check}|校验位错"]
    assert reason[f"{credit_code(11)}|"] == "缺少必填字段 企业名称(name) / required name is missing"
    assert "取值'很大'无效" in reason[f"{credit_code(12)}|等级错"]
    assert "lat -90..90" in reason[f"{credit_code(13)}|坐标错"]
    assert reason[f"{credit_code(0)}|重复"].startswith("与第2行重复")
    assert rejects.loc[rejects["企业名称"] == "坐标错", "纬度"].item() == "95.0"  # verbatim
    with engine.connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM enterprises ORDER BY name")).scalars().all()
    assert names == ["好企业0", "好企业1", "好企业2"]


def test_foreign_keys_must_exist(
    tmp_path: Path, engine: sa.Engine, onemap_load: Load, credit_code: Callable[[int], str]
) -> None:
    ent = _write_csv(
        tmp_path / "ent.csv", HEADERS, [_enterprise(credit_code(1), "甲", 118.75, 32.25)]
    )
    assert onemap_load(ent, "--layer", "enterprises").exit_code == 0
    outfalls = _write_csv(
        tmp_path / "outfalls.csv",
        ["排放口编号", "统一社会信用代码", "排放口类型", "排气筒高度", "排放污染物", "lon", "lat"],
        [
            ["DA001", credit_code(1), "废气排气筒", "35", "二氧化硫、NOx", "118.7501", "32.2501"],
            ["DA002", credit_code(2), "废气", "30", "a21026", "118.7502", "32.2502"],
        ],
    )

    result = onemap_load(outfalls, "--layer", "outfalls")

    assert result.exit_code == 3
    rejects = _rejects(tmp_path / "outfalls.rejects.csv")
    assert rejects["排放口编号"].tolist() == ["DA002"]
    assert rejects["reject_reason"].item() == (
        f"统一社会信用代码(credit_code) '{credit_code(2)}' 在企业中不存在 / credit_code "
        f"'{credit_code(2)}' not found in enterprises.credit_code"
    )
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT code, kind, height_m, pollutants FROM outfalls")).one()
    assert tuple(row) == ("DA001", "stack", 35.0, ["a21026", "a21002"])


def test_loading_the_same_file_again_changes_no_row(
    tmp_path: Path, engine: sa.Engine, credit_code: Callable[[int], str]
) -> None:
    rows = [_enterprise(credit_code(i), f"企业{i}", 118.75 + i / 100, 32.25) for i in range(4)]
    path = _write_csv(tmp_path / "ent.csv", HEADERS, rows)
    first = load_file(path, "enterprises", engine, crs="gcj02")
    assert (first.inserted, first.updated, first.rejected) == (4, 0, 0)
    xmin_sql = sa.text("SELECT credit_code, xmin::text FROM enterprises ORDER BY credit_code")
    with engine.connect() as conn:
        before = conn.execute(xmin_sql).all()

    second = load_file(path, "enterprises", engine, crs="gcj02")

    assert (second.read, second.inserted, second.updated, second.rejected) == (4, 0, 0, 0)
    with engine.connect() as conn:
        assert conn.execute(xmin_sql).all() == before

    rows[1][5] = "13800000000"  # one phone number changes
    _write_csv(path, HEADERS, rows)
    third = load_file(path, "enterprises", engine, crs="gcj02")
    assert (third.inserted, third.updated) == (0, 1)
    with engine.connect() as conn:
        after = dict(conn.execute(xmin_sql).all())
    changed = {code for code, xmin in before if after[code] != xmin}
    assert changed == {credit_code(1)}


def test_columns_missing_from_the_file_are_left_alone_on_update(
    tmp_path: Path, engine: sa.Engine, credit_code: Callable[[int], str]
) -> None:
    full = _write_csv(
        tmp_path / "full.csv", HEADERS, [_enterprise(credit_code(1), "甲", 118.75, 32.25)]
    )
    load_file(full, "enterprises", engine)
    partial = _write_csv(
        tmp_path / "partial.csv",
        ["统一社会信用代码", "企业名称", "经度", "纬度"],
        [[credit_code(1), "甲公司", "118.75", "32.25"]],
    )
    report = load_file(partial, "enterprises", engine)
    assert (report.inserted, report.updated) == (0, 1)
    with engine.connect() as conn:
        name, phone = conn.execute(sa.text("SELECT name, phone FROM enterprises")).one()
    assert (name, phone) == ("甲公司", "025-12345678")


def test_strict_loads_nothing_when_a_row_is_bad(
    tmp_path: Path, engine: sa.Engine, onemap_load: Load, credit_code: Callable[[int], str]
) -> None:
    rows = [_enterprise(credit_code(i), f"企业{i}", 118.75, 32.25) for i in range(3)]
    rows.append(_enterprise(credit_code(9), "坏", 118.75, 32.25, risk="未知"))
    path = _write_csv(tmp_path / "ent.csv", HEADERS, rows)
    rejects = tmp_path / "out" / "bad.csv"

    result = onemap_load(path, "--layer", "enterprises", "--strict", "--rejects", rejects)

    assert result.exit_code == 3
    assert "--strict: nothing was loaded" in result.stdout
    assert _rejects(rejects)["企业名称"].tolist() == ["坏"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM enterprises")).scalar() == 0


def test_an_old_rejects_file_is_removed_when_every_row_loads(
    tmp_path: Path, onemap_load: Load, credit_code: Callable[[int], str]
) -> None:
    path = _write_csv(
        tmp_path / "ent.csv", HEADERS, [_enterprise(credit_code(1), "甲", 118.75, 95)]
    )
    assert onemap_load(path, "--layer", "enterprises").exit_code == 3
    assert (tmp_path / "ent.rejects.csv").exists()
    _write_csv(path, HEADERS, [_enterprise(credit_code(1), "甲", 118.75, 32.25)])
    assert onemap_load(path, "--layer", "enterprises").exit_code == 0
    assert not (tmp_path / "ent.rejects.csv").exists()


def test_observations_with_parameter_names_local_times_and_flags(
    tmp_path: Path, engine: sa.Engine, monkeypatch
) -> None:
    stations = _write_csv(
        tmp_path / "stations.csv",
        ["站点编码", "站点名称", "站点类型", "经度", "纬度"],
        [["S01", "园区站", "空气", "118.75", "32.25"]],
    )
    assert load_file(stations, "stations", engine).inserted == 1
    obs = _write_csv(
        tmp_path / "obs.csv",
        ["站点编码", "监测时间", "监测因子", "监测值", "单位", "数据标记"],
        [
            ["S01", "2024-01-02 08:00", "二氧化硫", "12.5", "μg/m³", "正常"],
            ["S01", "2024/1/2 9:00", "a21026", "13", "μg/m³", "N"],
            ["S01", "2024-01-02T08:00:00+08:00", "SO2", "99", "μg/m³", "N"],  # same key as row 2
            ["S99", "2024-01-02 10:00", "PM2.5", "40", "μg/m³", "N"],
        ],
    )
    report = load_file(obs, "observations", engine)
    assert (report.read, report.inserted, report.rejected) == (4, 2, 2)
    rejects = _rejects(tmp_path / "obs.rejects.csv")
    assert rejects["reject_reason"].str.contains("与第2行重复").tolist() == [True, False]
    assert "not found in stations.code" in rejects["reject_reason"].iloc[1]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT parameter, time AT TIME ZONE 'UTC', value, flag FROM observations"
                " ORDER BY time"
            )
        ).all()
    assert [(r[0], str(r[1]), r[2], r[3]) for r in rows] == [
        ("a21026", "2024-01-02 00:00:00", 12.5, "N"),
        ("a21026", "2024-01-02 01:00:00", 13.0, "N"),
    ]

    monkeypatch.setenv("ONEMAP_TIMEZONE", "UTC")
    utc = _write_csv(
        tmp_path / "utc.csv",
        ["站点编码", "监测时间", "监测因子", "监测值"],
        [["S01", "2024-01-02 00:00", "a21026", "12.5"]],
    )
    again = load_file(utc, "observations", engine)
    assert (again.inserted, again.updated) == (0, 0)  # the same instant, the same value
