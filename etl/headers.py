"""Input headers and input spellings of values, derived from the layer registry.

A column is recognised by any of its field's :attr:`layers.spec.Field.headers` (canonical name,
Chinese and English titles, aliases); a value of an enumerated field by its stored value or any
label or alias of its :class:`layers.spec.Choice`. Matching ignores case, white space, full-width
forms (NFKC) and the ``*`` / ``（必填）`` marks templates put on required columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from layers.parameters import parameter_list_problem, resolve_parameter
from layers.spec import Field, FieldType, Layer, input_fields

#: Headers of the coordinate columns of a point table (CSV/XLSX).
LONGITUDE_HEADERS = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "x坐标", "坐标x")
LATITUDE_HEADERS = ("lat", "latitude", "y", "纬度", "北纬", "y坐标", "坐标y")
#: Headers of a column holding each row's geometry as WKT (lines and polygons from a table).
WKT_HEADERS = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "空间坐标", "坐标串")
#: The column the loader adds to a rejects file; it is dropped silently when such a file is
#: fixed and loaded again.
REJECT_REASON_COLUMN = "reject_reason"

BOOLEAN_WORDS: dict[str, bool] = {
    **dict.fromkeys(("true", "t", "yes", "y", "1", "是", "有", "√", "✓", "✔", "对"), True),
    **dict.fromkeys(("false", "f", "no", "n", "0", "否", "无", "×", "✗", "✘", "不是"), False),
}

#: Text standing for "no value" in non-text columns (numbers, dates, booleans, enums).
NO_VALUE_MARKS = frozenset({"-", "--", "—", "——", "/", "n/a", "na", "null", "none", "nan", "nat"})

#: HJ 212-2017 parameter codes: a medium letter and five digits (Appendix B).
HJ212_CODE_PATTERN = "^[a-z][0-9]{5}$"

_REQUIRED_MARKS = re.compile(r"^\*+|\*+$|[(](必填|选填|可选|required|optional)[)]$")


def fold(text: str) -> str:
    """The form two spellings are compared in: NFKC, case-folded, without white space."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def fold_header(text: object) -> str:
    """:func:`fold` of a header, without the required/optional marks of input templates."""
    folded = fold(str(text)).lstrip("\ufeff")
    return _REQUIRED_MARKS.sub("", folded)


@dataclass(frozen=True)
class ColumnMapping:
    """Which input column feeds each field, the coordinates and the WKT; what is ignored."""

    fields: dict[str, str]
    longitude: str | None
    latitude: str | None
    wkt: str | None
    ignored: tuple[str, ...]


def header_lookup(layer: Layer) -> dict[str, str]:
    """Folded header → field name; on a clash the field declared first wins."""
    lookup: dict[str, str] = {}
    for f in input_fields(layer):  # derived fields are computed, never loaded
        for header in f.headers:
            lookup.setdefault(fold_header(header), f.name)
    return lookup


def map_columns(layer: Layer, columns: Iterable[object], *, table: bool) -> ColumnMapping:
    """Match input ``columns`` to the layer's fields.

    ``table`` says the input is a plain table (CSV/XLSX) whose geometry, if the layer has one,
    comes from coordinate or WKT columns. A second column naming an already matched field is
    ignored (the first one is used).
    """
    lookup = header_lookup(layer)
    lon_headers = {fold_header(h) for h in LONGITUDE_HEADERS}
    lat_headers = {fold_header(h) for h in LATITUDE_HEADERS}
    wkt_headers = {fold_header(h) for h in WKT_HEADERS}
    wants_geometry = table and layer.geometry is not None
    fields: dict[str, str] = {}
    lon = lat = wkt = None
    ignored: list[str] = []
    for column in columns:
        name = str(column)
        key = fold_header(name)
        if key in lookup and lookup[key] not in fields:
            fields[lookup[key]] = name
        elif wants_geometry and key in lon_headers and lon is None:
            lon = name
        elif wants_geometry and key in lat_headers and lat is None:
            lat = name
        elif wants_geometry and key in wkt_headers and wkt is None:
            wkt = name
        elif key != REJECT_REASON_COLUMN:
            ignored.append(name)
    return ColumnMapping(fields, lon, lat, wkt, tuple(ignored))


def choice_lookup(f: Field) -> dict[str, str | int]:
    """Folded spelling → stored value, for every value, label and alias of ``f``'s choices."""
    lookup: dict[str, str | int] = {}
    for c in f.choices:
        for spelling in (str(c.value), c.zh, c.en, *c.aliases):
            lookup.setdefault(fold(spelling), c.value)
    return lookup


def choice_labels(f: Field) -> str:
    """The allowed values of ``f`` for a message: ``一般(general), 较大(larger)``."""
    return ", ".join(f"{c.zh}({c.value})" for c in f.choices)


def value_resolver(f: Field) -> Callable[[str], str | None] | None:
    """How input spellings of ``f`` (or of its list elements) become stored values, if at all.

    HJ 212 parameter fields, recognised by their declaration (the HJ 212 code pattern, or the
    parameter-list check), accept Chinese names and aliases through
    :func:`layers.parameters.resolve_parameter`.
    """
    if f.pattern == HJ212_CODE_PATTERN:
        return resolve_parameter
    if f.type is FieldType.TEXT_LIST and f.check is parameter_list_problem:
        return resolve_parameter
    return None


def field_title(f: Field) -> str:
    """How a field is named in messages: ``企业名称(name)``."""
    return f"{f.zh}({f.name})"
