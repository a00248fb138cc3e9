"""One validator, two paths: a file's columns (``parse_field``, ``parse_values``) and one value
(``FieldRule.judge``, ``parse_row``, what a feature written through the API goes through) give
the same values and the same reasons, for every field of every layer, on a corpus of good and
bad cells: the demo park's own values, every spelling of every choice, numbers around the
bounds, dates in every accepted form and a daylight-saving gap and overlap, and the junk a
spreadsheet holds."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import zoneinfo
from pathlib import Path

import pandas as pd
import pytest

from etl.field_rules import rule_for
from etl.headers import map_columns
from etl.rows import parse_row, parse_values
from etl.validate import SHORT_COLUMN, Reasons, parse_field, python_value
from layers import REGISTRY
from layers.spec import Field, FieldType, Layer, input_fields

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

JUNK: list[object] = [
    None, "", "   ", "-", "—", "/", "N/A", "null", "NaN", "none", "0", "1", "-1", "2", "1.0",
    "1.5", " 42 ", "１２", "１２.５", "1,234.5", "1 000", "1e3", "-2.5e-3", "+7", "inf", "-inf",
    "1_000", "0x10", "٣", "abc", "是", "否", "yes", "NO", "√", "×", "true", "F", "对",
    "2024-01-02", "2024/1/2", "2024.01.02", "2024年1月2日", "2024 年 1 月 2 日", "2024-1-2号",
    "2024-01-02 00:00:00", "2024-01-02 00:00:00.000", "2024-01-02 08:00", "2024/1/2 8:00",
    "2024年1月2日 8时30分", "2024年1月2日8时", "2024-01-02T08:00:00+08:00",
    "2024-01-02T08:00:00Z", "2024-01-02 08:00 UTC", "2024-01-02T08:00:00-0530",
    "2024-01-02T08:00:00.123456789+08", "20240102", "20240102080000", "20240102T0800Z",
    "202401020800001234", "45293", "45293.5", "45293.25", "19999", "2024-02-30", "2023-02-29",
    "2024-13-01", "2024-01-02 24:00", "2024-01-02 23:60", "1988-04-17 02:30", "1988-04-17 03:30",
    "1988-09-11 00:30", "1988-09-11 01:30", "1500-06-01", "0001-01-01T00:00+08:00",
    "9999-12-31T23:59-08:00", "2024-01-02T08:00:00+99:99", "２０２４－０１－０２",
    "91450100MA5KXXXX1X", "91450100198233051W", "a21026", "SO2", "二氧化硫", "PM2.5", "pH",
    "a21026;a21004", "a21026，a34002、w01018", "67-56-1", "50-00-0", "7732-18-5", "mg/L",
    "ug/m3", "微克/立方米", "℃", "x" * 300, "\t混合\n", "甲醇",
    3, 2.5, -0.0, 1e20, 12345678901234567, True, False, float("nan"), math.inf,
    pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-02 08:00"), dt.date(2024, 1, 2),
]  # fmt: skip


def _variants(text: str) -> list[str]:
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    return [text, text.upper(), f" {text.title()} ", full_width]


def _bounds(f: Field) -> list[object]:
    cells: list[object] = []
    for bound in (f.minimum, f.maximum):
        if bound is not None:
            cells += [f"{bound:g}", bound, bound - 1, bound + 1, f"{bound - 0.5:g}", bound + 0.5]
    return cells


def _demo_values() -> dict[tuple[str, str], list[object]]:
    """The demo park's cells of each (layer, field), as its files give them (strings)."""
    found: dict[tuple[str, str], list[object]] = {}
    for layer in REGISTRY:
        if (DEMO / f"{layer.id}.geojson").is_file():
            collection = json.loads((DEMO / f"{layer.id}.geojson").read_text(encoding="utf-8"))
            rows = [feature["properties"] for feature in collection["features"]]
        elif (DEMO / f"{layer.id}.csv").is_file():
            with (DEMO / f"{layer.id}.csv").open(encoding="utf-8-sig", newline="") as handle:
                table = list(csv.DictReader(handle))
            if not table:
                continue
            mapping = map_columns(layer, list(table[0]), table=True).fields
            rows = [{name: row[header] for name, header in mapping.items()} for row in table]
        else:
            continue
        for row in rows:
            for name, cell in row.items():
                cells = found.setdefault((layer.id, name), [])
                if cell not in cells and len(cells) < 40:
                    cells.append(cell)
    return found


DEMO_VALUES = _demo_values()


def corpus(layer: Layer, f: Field) -> list[object]:
    """Good and bad cells for ``f``: the junk, the demo's values, its choices and bounds."""
    cells = list(JUNK) + DEMO_VALUES.get((layer.id, f.name), []) + _bounds(f)
    for choice in f.choices:
        for spelling in (str(choice.value), choice.zh, choice.en, *choice.aliases):
            cells += _variants(spelling)
    if f.choices and f.type is FieldType.INTEGER:
        cells += [f"{choice.value}.0" for choice in f.choices] + [max(f.choice_values) + 1]
    return cells


def _column_path(f: Field, cells: list[object]) -> tuple[list[object], list[str]]:
    reasons = Reasons(len(cells))
    values = parse_field(f, pd.Series(cells, dtype=object), reasons, SHANGHAI)
    texts = reasons.texts().reindex(range(len(cells)), fill_value="")
    return [python_value(v, f.type) for v in values.tolist()], texts.tolist()


FIELDS = [(layer, f) for layer in REGISTRY for f in input_fields(layer)]


@pytest.mark.parametrize(
    ("layer", "f"), FIELDS, ids=[f"{layer.id}.{f.name}" for layer, f in FIELDS]
)
def test_one_value_is_judged_as_its_column_judges_it(layer: Layer, f: Field) -> None:
    cells = corpus(layer, f)
    assert len(cells) > SHORT_COLUMN  # the vectorised path, not the short column's
    column_values, column_reasons = _column_path(f, cells)
    short_values, short_reasons = [], []
    for start in range(0, len(cells), SHORT_COLUMN):
        values, reasons = _column_path(f, cells[start : start + SHORT_COLUMN])
        short_values += values
        short_reasons += reasons
    rule = rule_for(f)
    differences = []
    for i, cell in enumerate(cells):
        value, problems = rule.judge(cell, SHANGHAI)
        judged = (value, "; ".join(problems))
        for path, expected in (
            ("column", (column_values[i], column_reasons[i])),
            ("short column", (short_values[i], short_reasons[i])),
        ):
            if judged != expected or type(judged[0]) is not type(expected[0]):
                differences.append((cell, path, expected, judged))
    assert not differences, differences[:5]


def test_the_corpus_holds_good_and_bad_values_of_every_kind() -> None:
    """The comparison above means something: each kind of field meets values it accepts and
    values it rejects, and the zone's daylight-saving gap and overlap are in the corpus."""
    for kind in FieldType:
        fields = [(layer, f) for layer, f in FIELDS if f.type is kind and not f.choices]
        assert fields, kind
        layer, f = fields[0]
        judged = [rule_for(f).judge(cell, SHANGHAI) for cell in corpus(layer, f)]
        assert any(value is not None and not problems for value, problems in judged), kind
        if kind not in (FieldType.TEXT, FieldType.TEXT_LIST) or f.check or f.pattern:
            assert any(problems for _, problems in judged), kind
    stamp = rule_for(next(f for _, f in FIELDS if f.type is FieldType.TIMESTAMPTZ))
    assert stamp.judge("1988-04-17 02:30", SHANGHAI)[0] is None  # clocks went 02:00 → 03:00
    assert stamp.judge("1988-09-11 01:30", SHANGHAI)[0] is None  # 02:00 → 01:00: twice
    summer = dt.datetime(1988, 4, 16, 18, 30, tzinfo=dt.UTC)  # UTC+9 that summer
    assert stamp.judge("1988-04-17 03:30", SHANGHAI)[0] == summer


@pytest.mark.parametrize("layer", REGISTRY, ids=[layer.id for layer in REGISTRY])
def test_one_row_is_judged_as_its_file_judges_it(layer: Layer) -> None:
    """Whole rows, with the row-level rules (units of parameters, natural keys): the demo's
    rows, and rows made of the corpus column by column."""
    fields = input_fields(layer)
    columns = {f.name: corpus(layer, f) for f in fields}
    n_rows = max(len(cells) for cells in columns.values())
    frame = {
        name: pd.Series([cells[i % len(cells)] for i in range(n_rows)], dtype=object)
        for name, cells in columns.items()
    }
    reasons = Reasons(n_rows)
    values = parse_values(layer, frame, n_rows, reasons, SHANGHAI)
    texts = reasons.texts().reindex(range(n_rows), fill_value="")
    for i in range(n_rows):
        row, problems = parse_row(layer, {name: frame[name].iat[i] for name in frame}, SHANGHAI)
        expected = {
            name: python_value(values[name].iat[i], layer.field(name).type) for name in values
        }
        assert (row, "; ".join(problems)) == (expected, texts.iat[i]), i
