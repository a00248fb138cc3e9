"""Checking the values a case is created with or a transition sets, against the layer's fields.

Cases are entered by hand one at a time through the API (never as files), so the checks here
are the field's own: type, enumeration, bounds, pattern; a deadline must lie ahead; a location
is a GeoJSON point (or ``lon``/``lat``) inside the world's bounds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from cases.errors import BadCaseInput
from layers.spec import Field, FieldType, Layer

#: Times without a zone are the park's local time (as on load: ``ONEMAP_TIMEZONE``).
TIMEZONE_VARIABLE = "ONEMAP_TIMEZONE"


def local_zone() -> zoneinfo.ZoneInfo:
    """The park's time zone (default Asia/Shanghai, UTC+8)."""
    return zoneinfo.ZoneInfo(os.environ.get(TIMEZONE_VARIABLE) or "Asia/Shanghai")


def parse_time(text: object, what: str) -> dt.datetime:
    """An ISO 8601 date or timestamp; without a zone it is local time."""
    if isinstance(text, dt.datetime):
        value = text
    else:
        try:
            value = dt.datetime.fromisoformat(str(text).strip())
        except ValueError:
            raise BadCaseInput(
                f"时间格式错误 / {what}: {text!r} is not an ISO 8601 time "
                "(2026-12-03T09:30:00+08:00)"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value


def _title(f: Field) -> str:
    return f"{f.zh} / {f.name}"


def check_value(f: Field, value: Any) -> Any:
    """``value`` as the column stores it; :class:`BadCaseInput` when it is not acceptable."""
    if value is None or value == "":
        if f.required:
            raise BadCaseInput(f"缺少必填项 / {_title(f)} is required")
        return None
    if f.type is FieldType.TIMESTAMPTZ:
        return parse_time(value, _title(f))
    if f.type is FieldType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise BadCaseInput(f"应为整数 / {_title(f)}: {value!r} is not an integer")
        try:
            number = int(value)
        except ValueError:
            raise BadCaseInput(f"应为整数 / {_title(f)}: {value!r} is not an integer") from None
        value = number
    elif f.type is FieldType.TEXT:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise BadCaseInput(f"应为文本 / {_title(f)}: {value!r} is not text")
        value = str(value).strip()
    else:
        raise BadCaseInput(f"不能设置 / {_title(f)} cannot be set here")
    if f.choices:
        by_label = {}
        for c in f.choices:
            for label in (c.value, c.zh, c.en, *c.aliases):
                by_label[str(label).casefold()] = c.value
        if str(value).casefold() not in by_label:
            allowed = ", ".join(str(v) for v in f.choice_values)
            raise BadCaseInput(f"取值无效 / {_title(f)}: {value!r} is not one of {allowed}")
        value = by_label[str(value).casefold()]
    if f.pattern and not re.search(f.pattern, str(value)):
        raise BadCaseInput(f"格式错误 / {_title(f)}: {value!r} does not match {f.pattern}")
    if f.minimum is not None and value < f.minimum:
        raise BadCaseInput(f"超出范围 / {_title(f)}: {value} is below {f.minimum:g}")
    if f.maximum is not None and value > f.maximum:
        raise BadCaseInput(f"超出范围 / {_title(f)}: {value} is above {f.maximum:g}")
    return value


def checked_values(
    layer: Layer, values: Mapping[str, Any], allowed: Iterable[str], what: str
) -> dict[str, Any]:
    """``values`` checked field by field; a name outside ``allowed`` is refused, naming them."""
    allowed = tuple(allowed)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise BadCaseInput(
            f"不能设置的字段 / {what} cannot set {', '.join(unknown)}; it sets: "
            + (", ".join(allowed) or "nothing")
        )
    return {name: check_value(layer.field(name), value) for name, value in values.items()}


def check_deadline(deadline: dt.datetime | None, now: dt.datetime) -> None:
    """A deadline set now must lie ahead (a deadline in the past is a typing error)."""
    if deadline is not None and deadline <= now:
        raise BadCaseInput(
            f"期限已过 / the deadline {deadline.isoformat()} is in the past: give a later one"
        )


def point_wkt(geometry: Any) -> str | None:
    """EWKT of a GeoJSON Point (``{"type": "Point", "coordinates": [lon, lat]}``) or of a
    ``{"lon": .., "lat": ..}`` mapping; None when no location was given."""
    if geometry is None:
        return None
    if not isinstance(geometry, Mapping):
        raise BadCaseInput("位置格式错误 / the location must be a GeoJSON Point")
    if "lon" in geometry or "lat" in geometry:
        coordinates: Any = [geometry.get("lon"), geometry.get("lat")]
    elif geometry.get("type") == "Point":
        coordinates = geometry.get("coordinates")
    else:
        raise BadCaseInput("位置格式错误 / the location must be a GeoJSON Point")
    try:
        lon, lat = (float(c) for c in coordinates)
    except (TypeError, ValueError):
        raise BadCaseInput(
            "位置格式错误 / a location is [longitude, latitude] in degrees"
        ) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadCaseInput(f"位置超出范围 / ({lon}, {lat}) is not a longitude and latitude")
    return f"SRID=4326;POINT({lon!r} {lat!r})"
