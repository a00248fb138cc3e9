"""Header mapping, value spellings, dates and row reasons, without a database."""

from __future__ import annotations

import zoneinfo

import numpy as np
import pandas as pd
import pytest

from etl.dates import parse_dates, parse_timestamps
from etl.headers import map_columns
from etl.validate import Reasons, natural_key_duplicates, parse_field
from layers import get_layer

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _parse(layer_id: str, field: str, cells: list[object]) -> tuple[list[object], list[str]]:
    reasons = Reasons(len(cells))
    values = parse_field(get_layer(layer_id).field(field), pd.Series(cells), reasons, SHANGHAI)
    texts = reasons.texts().reindex(range(len(cells)), fill_value="")
    return values.tolist(), texts.tolist()


def test_chinese_headers_map_to_fields_and_extra_columns_are_ignored() -> None:
    columns = [
        "企业名称",
        "统一社会信用代码",
        "*环境风险等级",
        "经度",
        "纬度",
        "备注",
        "reject_reason",
    ]
    mapping = map_columns(get_layer("enterprises"), columns, table=True)
    assert mapping.fields == {
        "name": "企业名称",
        "credit_code": "统一社会信用代码",
        "risk_level": "*环境风险等级",
    }
    assert (mapping.longitude, mapping.latitude) == ("经度", "纬度")
    assert mapping.ignored == ("备注",)  # the loader's own reject_reason column is not reported


def test_coordinate_headers_are_ignored_for_a_layer_without_geometry() -> None:
    mapping = map_columns(get_layer("observations"), ["站点编码", "时间", "lon"], table=True)
    assert mapping.fields == {"station_code": "站点编码", "time": "时间"}
    assert mapping.ignored == ("lon",)


def test_header_matching_ignores_case_width_and_space() -> None:
    mapping = map_columns(
        get_layer("sewer_pipes"), ["管径(mm)", " CODE ", "From_Node"], table=False
    )
    assert mapping.fields == {"diameter_mm": "管径(mm)", "code": " CODE ", "from_node": "From_Node"}


def test_choice_labels_and_aliases_become_stored_values() -> None:
    values, reasons = _parse(
        "enterprises", "risk_level", ["一般", "较大环境风险", "major", "很大", None]
    )
    assert values == ["general", "larger", "major", None, None]
    assert reasons[3].startswith("环境风险等级(risk_level) 取值'很大'无效")
    assert reasons[:3] == ["", "", ""] and reasons[4] == ""


def test_integer_choices_accept_labels_and_numbers() -> None:
    values, reasons = _parse("enterprises", "hazard_level", ["一级", "2", "3.0", "无", "五级"])
    assert values[:4] == [1, 2, 3, 0]
    assert pd.isna(values[4]) and "hazard_level" in reasons[4]


def test_booleans_in_chinese() -> None:
    values, reasons = _parse("enterprises", "key_discharger", ["是", "否", "TRUE", "0", "也许", ""])
    assert values[:4] == [True, False, True, False]
    assert "must be yes/no" in reasons[4] and reasons[5] == ""


def test_numbers_ranges_and_integers() -> None:
    values, reasons = _parse(
        "sewer_pipes", "diameter_mm", ["300", "１,２００", "49", "300.5", "abc", "-"]
    )
    assert values[:2] == [300, 1200]
    assert "below 50" in reasons[2]
    assert "must be an integer" in reasons[3]
    assert "not a number" in reasons[4]
    assert reasons[5] == "" and pd.isna(values[5])  # "-" means no value


def test_required_field_missing() -> None:
    _, reasons = _parse("enterprises", "name", ["甲", " ", None])
    missing = "缺少必填字段 企业名称(name) / required name is missing"
    assert reasons == ["", missing, missing]


def test_credit_code_check_character_reason_comes_before_the_pattern() -> None:
    _, reasons = _parse("enterprises", "credit_code", ["91320500MA1M00001C", "91320500MA1M00001X"])
    assert reasons[0] == ""
    assert reasons[1] == (
        "统一社会信用代码校验位错误，应为C / credit code check character is X, expected C"
    )


def test_pollutant_lists_accept_codes_names_and_chinese_separators() -> None:
    values, reasons = _parse(
        "outfalls", "pollutants", ["a21026;a21004", "二氧化硫、NOx，颗粒物", "SO2, 汞"]
    )
    assert values[0] == ["a21026", "a21004"]
    assert values[1] == ["a21026", "a21002", "a34013"]
    assert reasons[:2] == ["", ""]
    assert "unknown HJ 212 codes" in reasons[2]


def test_observation_parameters_accept_names() -> None:
    values, reasons = _parse("observations", "parameter", ["a21026", "二氧化氮", "PM2.5", "钚"])
    assert values[:3] == ["a21026", "a21004", "a34004"]
    assert reasons[3].startswith("监测因子(parameter) 无法识别'钚'")


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2024-01-02 08:00", "2024-01-02T00:00:00"),
        ("2024/1/2 8:00:00", "2024-01-02T00:00:00"),
        ("2024年1月2日 8时30分", "2024-01-02T00:30:00"),
        ("2024-01-02T08:00:00+08:00", "2024-01-02T00:00:00"),
        ("2024-01-02T00:00:00Z", "2024-01-02T00:00:00"),
        ("2024-01-02T03:00:00-05:00", "2024-01-02T08:00:00"),
        ("20240102080000", "2024-01-02T00:00:00"),  # HJ 212-2017 DataTime
        ("2024-01-02", "2024-01-01T16:00:00"),
    ],
)
def test_timestamps_without_zone_are_local_time(text: str, utc: str) -> None:
    values, bad = parse_timestamps(pd.Series([text], dtype=object), SHANGHAI)
    assert not bad.any()
    assert values.iloc[0] == pd.Timestamp(utc, tz="UTC")


def test_timestamps_use_the_configured_zone() -> None:
    values, _ = parse_timestamps(
        pd.Series(["2024-01-02 08:00"], dtype=object), zoneinfo.ZoneInfo("UTC")
    )
    assert values.iloc[0] == pd.Timestamp("2024-01-02T08:00:00", tz="UTC")


def test_dates_in_chinese_forms() -> None:
    texts = pd.Series(
        [
            "2024-01-02",
            "2024/1/2",
            "2024年1月2日",
            "2024-01-02 00:00:00",
            "45293",
            "2024-02-30",
            "2024-01-02 15:00",
            "明天",
            None,
        ],
        dtype=object,
    )
    values, bad = parse_dates(texts)
    assert (values.iloc[:5] == pd.Timestamp("2024-01-02")).all()
    assert bad.tolist() == [False] * 5 + [True, True, True, False]


def test_reasons_are_joined_per_row() -> None:
    reasons = Reasons(3)
    reasons.add(np.array([True, False, True]), "first")
    reasons.add(np.array([False, False, True]), "value {}", pd.Series(["a", "b", "c"]))
    assert reasons.bad.tolist() == [True, False, True]
    assert reasons.texts().to_dict() == {0: "first", 2: "first; value 'c'"}


def test_later_duplicates_of_the_natural_key_name_the_first_row() -> None:
    layer = get_layer("zones")
    values = pd.DataFrame({"kind": ["functional"] * 4, "name": ["A", "B", "A", "A"]})
    candidates = np.array([True, True, True, True])
    repeated, first = natural_key_duplicates(layer, values, candidates, np.array([2, 3, 4, 5]))
    assert repeated.tolist() == [False, False, True, True]
    assert first.tolist() == [2, 3, 2, 2]
    # A bad first row does not make a good later one a duplicate.
    repeated, _ = natural_key_duplicates(
        layer, values, np.array([False, True, True, False]), np.array([2, 3, 4, 5])
    )
    assert repeated.tolist() == [False, False, False, False]
