"""Writing the demo layers in the formats users bring, with headers taken from the registry.

Every row is checked against its layer's declaration (required fields, choices, patterns,
bounds, row checks such as the credit-code check character) before it is written, so the demo
data load without a single reject. Output is byte-for-byte reproducible: fixed key order, fixed
number formats, ``\\n`` line ends, and gzip with mtime 0 and no file name.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers.spec import Field, FieldType, Layer, input_fields

LONGITUDE, LATITUDE = "lon", "lat"
LONGITUDE_ZH, LATITUDE_ZH = "经度", "纬度"
BOOLEAN_ZH = {True: "是", False: "否"}
LIST_SEPARATOR = ";"


class DemoDataError(ValueError):
    """A generated row breaks its layer's declaration (a bug in the generator)."""


def check_row(layer: Layer, row: dict[str, object]) -> None:
    """Raise :class:`DemoDataError` unless ``row`` satisfies every field of ``layer``."""
    unknown = set(row) - set(layer.field_names)
    if unknown:
        raise DemoDataError(f"{layer.id}: unknown fields {sorted(unknown)}")
    for f in input_fields(layer):  # the derived fields are the platform's
        value = row.get(f.name)
        problem = _problem(f, value)
        if problem:
            raise DemoDataError(f"{layer.id}.{f.name} = {value!r}: {problem}")


def _problem(f: Field, value: object) -> str | None:
    if value is None or value == [] or value == "":
        return "required" if f.required else None
    if f.choices and value not in f.choice_values:
        return f"not one of {f.choice_values}"
    if f.pattern and not re.search(f.pattern, str(value)):
        return f"does not match {f.pattern}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if f.minimum is not None and value < f.minimum:
            return f"below {f.minimum}"
        if f.maximum is not None and value > f.maximum:
            return f"above {f.maximum}"
    if f.check is not None:
        return f.check(value)
    return None


def number(value: float, decimals: int = 6) -> str:
    """A float in fixed notation without trailing zeros (``35``, ``0.25``, ``120.0212345``)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _cell(f: Field, value: object, chinese: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return BOOLEAN_ZH[value] if chinese else str(value).lower()
    if chinese and f.choices:
        return next(c.zh for c in f.choices if c.value == value)
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, float):
        return number(value)
    return str(value)


def write_table(
    path: Path,
    layer: Layer,
    rows: Sequence[dict[str, object]],
    points: Sequence[tuple[float, float]] | None = None,
    *,
    chinese: bool = False,
) -> int:
    """A CSV of ``layer``'s fields in registry order, with lon/lat columns for points.

    ``chinese`` writes the Chinese headers (``Field.zh``, 经度/纬度), choice labels and 是/否, as
    a user's spreadsheet would have them; otherwise canonical names and stored values.
    """
    fields = input_fields(layer)
    header = [f.zh if chinese else f.name for f in fields]
    if points is not None:
        header += [LONGITUDE_ZH, LATITUDE_ZH] if chinese else [LONGITUDE, LATITUDE]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for k, row in enumerate(rows):
        check_row(layer, row)
        cells = [_cell(f, row.get(f.name), chinese) for f in fields]
        if points is not None:
            cells += [number(points[k][0], 7), number(points[k][1], 7)]
        writer.writerow(cells)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return len(rows)


def _json_value(f: Field, value: object) -> object:
    if value is None:
        return None
    if f.type is FieldType.TEXT_LIST and isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def write_geojson(
    path: Path, layer: Layer, features: Iterable[tuple[dict[str, object], BaseGeometry]]
) -> int:
    """An RFC 7946 FeatureCollection (WGS84, 7-decimal coordinates), one feature per line."""
    lines = []
    for row, geometry in features:
        check_row(layer, row)
        if layer.geometry and geometry.geom_type.upper() not in layer.geometry:
            raise DemoDataError(f"{layer.id}: {geometry.geom_type} is not {layer.geometry}")
        properties = {f.name: _json_value(f, row.get(f.name)) for f in input_fields(layer)}
        feature = {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","name":' + json.dumps(layer.id) + ',"features":[\n'
    text += ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return len(lines)


def write_gzip_text(path: Path, chunks: Iterable[str]) -> None:
    """UTF-8 text gzipped reproducibly (no timestamp, no embedded file name)."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        for chunk in chunks:
            gz.write(chunk.encode("utf-8"))


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
