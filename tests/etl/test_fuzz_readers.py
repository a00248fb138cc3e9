"""A bounded, deterministic fuzz run of the file readers' header and CRS handling.

Whatever file a user gives, :func:`load_file` either loads it (bad rows rejected with reasons)
or raises :class:`EtlError` with one line; :func:`parse_crs` either resolves a text or raises
:class:`UnknownCrsError`; coordinate conversion never raises. Hypothesis derandomized, with
bounded examples, so a run cannot fail by chance; every crash found is kept as an example.
"""

from __future__ import annotations

import gzip
import math
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from etl.crs import BD09, GCJ02, coordinates_to_wgs84, parse_crs
from etl.errors import EtlError, UnknownCrsError
from etl.load import load_file


def fuzz(examples: int) -> settings:
    return settings(
        derandomize=True,
        database=None,
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


HEADERS = [
    "企业名称", "统一社会信用代码", "生产经营场所地址", "行业类别", "环境风险等级", "经度", "纬度",
    "name", "credit_code", "lon", "lat", "x", "y", "WKT", "geom", "", " ", "名称", "经度", "reject",
]  # fmt: skip
CELLS = st.one_of(
    st.sampled_from(["", "120.0", "32.03", "一般", "重大", "91321283MA25XRUQ2P", "nan", "1e400"]),
    st.text(max_size=12),
    st.floats().map(str),
)
CRS_TEXTS = st.one_of(
    st.sampled_from(
        ["EPSG:4326", "4549", "gcj02", "BD09", "EPSG:0", "EPSG:99999999999", "+proj=longlat",
         "+proj=tmerc +lon_0=1e308", "PROJCS[", "urn:ogc:def:crs:EPSG::4490", "", " ", "\x00"]
    ),
    st.text(max_size=40),
)  # fmt: skip


@fuzz(60)  # pyproj looks a random text up by name in its database: ~1 s each
@given(CRS_TEXTS)
def test_any_crs_text(text: str) -> None:
    try:
        source = parse_crs(text)
    except UnknownCrsError as exc:
        assert " / " in str(exc)
        return
    assert source.label


@fuzz(200)
@given(
    st.sampled_from(["EPSG:4326", "EPSG:4549", "EPSG:3857", GCJ02, BD09]),
    st.lists(st.tuples(st.floats(), st.floats()), min_size=1, max_size=8),
)
def test_any_coordinates(crs: str, points: list[tuple[float, float]]) -> None:
    xs, ys = zip(*points, strict=True)
    lon, lat = coordinates_to_wgs84(np.array(xs), np.array(ys), parse_crs(crs))
    assert lon.shape == lat.shape == (len(points),)
    for x, y, a, b in zip(xs, ys, lon, lat, strict=True):
        if crs == "EPSG:4326" and math.isfinite(x) and math.isfinite(y):
            assert (a, b) == (x, y)


def _table(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return "\n".join(lines) + "\n"


def test_any_table_file(engine: Engine) -> None:
    """CSV files with fuzzed headers, cells, delimiters, encodings and compression."""
    folder = Path(tempfile.mkdtemp(prefix="onemap-fuzz-"))

    @fuzz(150)
    @given(
        header=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), max_size=8),
        rows=st.lists(st.lists(CELLS, max_size=9), max_size=4),
        title=st.one_of(st.just(""), st.text(max_size=20)),
        delimiter=st.sampled_from([",", "\t", ";", "|"]),
        encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
        gzipped=st.booleans(),
        crs=st.one_of(st.none(), CRS_TEXTS),
    )
    @example(["经度", "纬度", "企业名称"], [["1e400", "nan", "x"]], "", ",", "utf-8", False, None)
    # found by this run: rows longer than the header made pandas take cells as the index
    @example(["名称"], [["", "a"]], "", ",", "utf-8", False, None)
    @example(["name"], [["0", ""]], "", ",", "utf-8", False, None)
    def load(
        header: list[str], rows: list[list[str]], title: str, delimiter: str, encoding: str,
        gzipped: bool, crs: str | None,
    ) -> None:  # fmt: skip
        text = (title + "\n" if title else "") + _table(header, rows, delimiter)
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8", "surrogatepass")
        path = folder / ("fuzz.csv.gz" if gzipped else "fuzz.csv")
        path.write_bytes(gzip.compress(data) if gzipped else data)
        try:
            report = load_file(path, "enterprises", engine, crs=crs, rejects_path=folder / "r")
        except EtlError as exc:
            assert "\n" not in str(exc).strip() and " / " in str(exc), str(exc)
            return
        assert report.read >= report.rejected

    load()


def test_any_geojson_file(engine: Engine) -> None:
    """Vector files whose bytes are fuzzed: unreadable ones are one EtlError line."""
    folder = Path(tempfile.mkdtemp(prefix="onemap-fuzz-"))
    good = (
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"%s"}},'
        '"features":[{"type":"Feature","properties":{"name":"a","kind":"%s"},'
        '"geometry":{"type":"Point","coordinates":[%s,%s]}}]}'
    )

    @fuzz(80)
    @given(
        crs=CRS_TEXTS.map(lambda t: t.replace('"', "").replace("\\", "")),
        kind=st.text(max_size=6).map(lambda t: t.replace('"', "").replace("\\", "")),
        lon=st.sampled_from(["120.03", "1e400", "-181", "0", "null", "[]"]),
        lat=st.sampled_from(["32.03", "91", "-1e308", "0", '"x"']),
        cut=st.integers(0, 400),
    )
    def load(crs: str, kind: str, lon: str, lat: str, cut: int) -> None:
        text = good % (crs, kind, lon, lat)
        path = folder / "fuzz.geojson"
        path.write_text(text[: len(text) - cut] if cut < 40 else text, "utf-8")
        try:
            load_file(path, "receptors", engine, rejects_path=folder / "r")
        except EtlError as exc:
            assert " / " in str(exc), str(exc)

    load()


def test_rows_longer_than_the_header_keep_their_columns(tmp_path: Path) -> None:
    """Regression (fuzz): a delimiter at the end of every line, or a row with an extra cell,
    used to shift every column into pandas' index (or crash on the line numbers)."""
    from etl.read import read_input
    from layers import get_layer

    path = tmp_path / "trailing.csv"
    path.write_text(
        "企业名称,统一社会信用代码,经度,纬度\n"
        "甲公司,91321283MA25XRUQ2P,120.0,32.0,\n"
        "乙公司,91321283MA34B97A7U,120.01,32.01,多余\n",
        "utf-8",
    )
    raw = read_input(path, get_layer("enterprises"))
    assert list(raw.frame["企业名称"]) == ["甲公司", "乙公司"]
    assert list(raw.frame["纬度"]) == ["32.0", "32.01"]
    assert list(raw.row_numbers) == [2, 3]
    extra = [c for c in raw.frame.columns if "unnamed column 5" in c]
    assert extra and list(raw.frame[extra[0]]) == ["", "多余"], "extra cells are kept, not lost"
    path.write_text("企业名称,经度,纬度\n甲公司,120.0,32.0,\n", "utf-8")
    assert list(read_input(path, get_layer("enterprises")).frame.columns) == [
        "企业名称",
        "经度",
        "纬度",
    ]
