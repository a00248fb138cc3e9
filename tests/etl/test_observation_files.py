"""Observation files: the wide exports of monitoring platforms, units, unknown parameters."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from etl.load import load_file
from etl.units import canonical_unit

STATIONS = """code,name,type,经度,纬度
AQ-01,一号空气站,空气,120.02,32.02
WQ-01,一号水质站,地表水,120.03,32.01
"""


@pytest.fixture
def stations(tmp_path: Path, engine: sa.Engine) -> None:
    path = tmp_path / "stations.csv"
    path.write_text(STATIONS, encoding="utf-8")
    assert load_file(path, "stations", engine).rejected == 0


def _stored(engine: sa.Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(
            "SELECT station_code, time, parameter, value, unit, flag FROM observations "
            "ORDER BY time, parameter",
            conn,
        )


def test_wide_export_becomes_one_row_per_factor(
    tmp_path: Path, engine: sa.Engine, stations: None
) -> None:
    wide = tmp_path / "aq.csv"
    wide.write_text(
        "站点编码,监测时间,SO2(μg/m³),二氧化氮（ug/m3）,PM2.5,a21005-Rtd,a21005-Flag,备注\n"
        "AQ-01,2025-06-01 10:00,12,30,18,0.6,N,\n"
        "AQ-01,2025-06-01 11:00,abc,32,,0.7,N,\n"
        "AQ-99,2025-06-01 11:00,10,31,20,0.7,N,未知站点\n",
        encoding="utf-8",
    )
    report = load_file(wide, "observations", engine)
    # Row 1: 4 factors; row 2: SO2 is not a number, PM2.5 is blank (no observation), 2 load;
    # row 3: unknown station, 4 rejected.
    assert (report.read, report.inserted, report.rejected) == (11, 6, 5)
    stored = _stored(engine)
    first_hour = stored[stored["time"] == pd.Timestamp("2025-06-01 10:00", tz="Asia/Shanghai")]
    assert dict(zip(first_hour["parameter"], first_hour["value"], strict=True)) == {
        "a21026": 12.0,
        "a21004": 30.0,
        "a34004": 18.0,
        "a21005": 0.6,
    }
    assert dict(zip(first_hour["parameter"], first_hour["unit"], strict=True)) == {
        "a21026": "μg/m³",
        "a21004": "μg/m³",
        "a34004": "μg/m³",  # no unit given: the catalogue's
        "a21005": "mg/m³",
    }
    assert set(first_hour["flag"].dropna()) == {"N"}

    rejects = pd.read_csv(report.rejects_path, encoding="utf-8-sig", dtype=str)
    assert len(rejects) == 5
    assert rejects["reject_reason"].str.contains("not a number").sum() == 1
    assert rejects["reject_reason"].str.contains("AQ-99").sum() == 4

    again = load_file(wide, "observations", engine)
    assert (again.inserted, again.updated) == (0, 0)


def test_units_must_measure_the_parameter(
    tmp_path: Path, engine: sa.Engine, stations: None
) -> None:
    long = tmp_path / "long.csv"
    long.write_text(
        "station_code,time,parameter,value,unit,flag\n"
        "AQ-01,2025-06-02T10:00+08:00,a21026,12,mg/L,N\n"  # a water unit for SO₂
        "AQ-01,2025-06-02T10:00+08:00,a99999,12,,N\n"  # not an HJ 212 parameter we know
        "AQ-01,2025-06-02T10:00+08:00,二氧化氮,12,ug/m3,N\n"
        "AQ-01,2025-06-02T11:00+08:00,a21026,0.05,mg/Nm3,N\n"  # stack-style unit: kept
        "WQ-01,2025-06-02T10:00+08:00,w01001,7.2,无量纲,N\n"
        "WQ-01,2025-06-02T10:00+08:00,w01018,18,furlongs,N\n",
        encoding="utf-8",
    )
    report = load_file(long, "observations", engine)
    assert (report.inserted, report.rejected) == (3, 3)
    reasons = pd.read_csv(report.rejects_path, encoding="utf-8-sig", dtype=str)["reject_reason"]
    assert reasons.str.contains("unit mismatch: a21026 is measured in μg/m³, not mg/L").any()
    assert reasons.str.contains("unknown parameter").any()
    assert reasons.str.contains("unknown unit 'furlongs'").any()
    stored = _stored(engine)
    units = stored["unit"].astype(object).where(stored["unit"].notna(), None)
    assert sorted(zip(stored["parameter"], units, strict=True)) == [
        ("a21004", "μg/m³"),
        ("a21026", "mg/m³"),
        ("w01001", None),  # dimensionless: stored without a unit
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ug/m3", "μg/m³"),
        ("µg/m3", "μg/m³"),
        ("MG/L", "mg/L"),
        ("°C", "℃"),
        (None, ""),
        ("parsec", None),
    ],
)
def test_unit_spellings(text: object, expected: str | None) -> None:
    assert canonical_unit(text) == expected
