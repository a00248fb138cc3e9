"""CQL2 filters (OGC API - Features Part 3): parsed by pygeofilter, translated to parameterised SQL.

Only the registry's public fields (and ``geometry``) can be named; every literal is bound as a
query parameter, never spliced into the SQL text. Supported: Basic CQL2 (comparisons, AND/OR/NOT,
IS NULL), LIKE, IN, BETWEEN, the spatial predicates S_INTERSECTS/S_WITHIN/S_CONTAINS/S_DISJOINT/
S_EQUALS/S_TOUCHES/S_CROSSES/S_OVERLAPS with a ``filter-crs``, and T_BEFORE/T_AFTER/T_DURING/
T_EQUALS/T_INTERSECTS on timestamp fields.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from pygeofilter import ast, values
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text

from geoapi.crs import Crs
from geoapi.errors import InvalidFilter, InvalidParameterValue
from layers.spec import Field, FieldType, Layer

GEOMETRY_NAMES = ("geometry", "geom")


class Params:
    """Collects bound values; :meth:`bind` returns the psycopg placeholder of one."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        if isinstance(value, str) and "\x00" in value:
            # PostgreSQL text cannot hold NUL: it would fail in the driver, i.e. as a 500.
            raise InvalidParameterValue(
                "参数值含 NUL 字符 / a parameter value contains a NUL (0x00) character"
            )
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"%({name})s"


def parse(text: str, lang: str | None) -> ast.Node:
    """The AST of a ``filter`` in ``filter-lang`` (cql2-text by default)."""
    lang = (lang or "cql2-text").lower()
    try:
        if lang == "cql2-text":
            return parse_cql2_text(text)
        if lang == "cql2-json":
            return parse_cql2_json(json.loads(text))
    except Exception as exc:  # pygeofilter raises lark, JSON and value errors alike
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidFilter(
            f"无法解析过滤条件 / malformed {lang} filter: {first_line[:200]}"
        ) from None
    raise InvalidFilter(
        f"不支持的过滤语言 / unsupported filter-lang {lang!r}; use cql2-text or cql2-json"
    )


_COMPARISON = {
    ast.Equal: "=",
    ast.NotEqual: "<>",
    ast.LessThan: "<",
    ast.LessEqual: "<=",
    ast.GreaterThan: ">",
    ast.GreaterEqual: ">=",
}
_SPATIAL = {
    ast.GeometryIntersects: "ST_Intersects",
    ast.GeometryWithin: "ST_Within",
    ast.GeometryContains: "ST_Contains",
    ast.GeometryDisjoint: "ST_Disjoint",
    ast.GeometryEquals: "ST_Equals",
    ast.GeometryTouches: "ST_Touches",
    ast.GeometryCrosses: "ST_Crosses",
    ast.GeometryOverlaps: "ST_Overlaps",
}


class Translator:
    """Translates one AST against one layer's public fields."""

    def __init__(self, layer: Layer, params: Params, filter_crs: Crs, public: set[str]) -> None:
        self.layer = layer
        self.params = params
        self.filter_crs = filter_crs
        self.fields = {f.name: f for f in layer.fields if f.name in public}

    def field(self, node: Any) -> Field:
        if not isinstance(node, ast.Attribute):
            raise InvalidFilter(
                "过滤条件左侧须为属性 / the left side of a comparison must be a property name"
            )
        if node.name not in self.fields:
            raise InvalidFilter(
                f"未知或不可查询的属性 / unknown queryable {node.name!r} in {self.layer.id}; "
                f"queryables: {', '.join(self.fields)}"
            )
        return self.fields[node.name]

    def literal(self, f: Field, value: Any) -> str:
        return self.params.bind(coerce(f, value))

    def sql(self, node: Any) -> str:
        handler: Callable[[Any], str] | None = getattr(self, f"_{type(node).__name__}", None)
        if handler is not None:
            return handler(node)
        for cls, op in _COMPARISON.items():
            if isinstance(node, cls):
                f = self.field(node.lhs)
                if f.type is FieldType.TEXT_LIST and cls is ast.Equal:
                    return f'{self.literal(_element(f), node.rhs)} = ANY("{f.name}")'
                return f'"{f.name}" {op} {self.literal(f, node.rhs)}'
        for cls, function in _SPATIAL.items():
            if isinstance(node, cls):
                if not (isinstance(node.lhs, ast.Attribute) and node.lhs.name in GEOMETRY_NAMES):
                    raise InvalidFilter(
                        "空间谓词须作用于 geometry / spatial predicates apply to `geometry`"
                    )
                return f"{function}(geom, {self.geometry(node.rhs)})"
        raise InvalidFilter(
            f"不支持的过滤运算 / unsupported filter operation {type(node).__name__}"
        )

    def _And(self, node: ast.And) -> str:
        return f"({self.sql(node.lhs)} AND {self.sql(node.rhs)})"

    def _Or(self, node: ast.Or) -> str:
        return f"({self.sql(node.lhs)} OR {self.sql(node.rhs)})"

    def _Not(self, node: ast.Not) -> str:
        return f"(NOT {self.sql(node.sub_node)})"

    def _IsNull(self, node: ast.IsNull) -> str:
        f = self.field(node.lhs)
        return f'("{f.name}" IS {"NOT " if node.not_ else ""}NULL)'

    def _Like(self, node: ast.Like) -> str:
        f = self.field(node.lhs)
        if f.type is not FieldType.TEXT:
            raise InvalidFilter(f"LIKE 仅用于文本 / LIKE needs a text property, {f.name} is not")
        # CQL2 (7.3, "like-predicate") uses SQL's own wildcards % and _, so the pattern is
        # bound unchanged (pygeofilter's wildcard/singlechar describe the OGC FES defaults).
        pattern = node.pattern
        operator = "ILIKE" if node.nocase else "LIKE"
        negate = "NOT " if node.not_ else ""
        return f'("{f.name}" {negate}{operator} {self.params.bind(pattern)})'

    def _In(self, node: ast.In) -> str:
        f = self.field(node.lhs)
        items = ", ".join(self.literal(f, v) for v in node.sub_nodes)
        return f'("{f.name}" {"NOT " if node.not_ else ""}IN ({items}))'

    def _Between(self, node: ast.Between) -> str:
        f = self.field(node.lhs)
        low, high = self.literal(f, node.low), self.literal(f, node.high)
        return f'("{f.name}" {"NOT " if node.not_ else ""}BETWEEN {low} AND {high})'

    def _Include(self, node: ast.Include) -> str:
        return "FALSE" if node.not_ else "TRUE"

    def _BBox(self, node: ast.BBox) -> str:
        envelope = values.Envelope(node.minx, node.maxx, node.miny, node.maxy)
        return f"ST_Intersects(geom, {self.geometry(envelope)})"

    def geometry(self, value: Any) -> str:
        """SQL of a geometry literal in ``filter-crs``, transformed to storage (EPSG:4326)."""
        if self.layer.geometry is None:
            raise InvalidFilter(f"{self.layer.id} 无几何 / {self.layer.id} has no geometry")
        srid = self.filter_crs.srid
        if isinstance(value, values.Envelope):
            xs, ys = (value.x1, value.x2), (value.y1, value.y2)
            bound = [self.params.bind(float(v)) for v in (xs[0], ys[0], xs[1], ys[1])]
            geometry = f"ST_MakeEnvelope({', '.join(bound)}, {srid})"
        elif isinstance(value, values.Geometry):
            text = self.params.bind(json.dumps(value.geometry))
            geometry = f"ST_SetSRID(ST_GeomFromGeoJSON({text}), {srid})"
        else:
            raise InvalidFilter("空间谓词需要几何 / a spatial predicate needs a geometry literal")
        if self.filter_crs.lat_first:
            geometry = f"ST_FlipCoordinates({geometry})"
        if srid != 4326:
            geometry = f"ST_Transform({geometry}, 4326)"
        return geometry

    def _temporal(self, node: Any, op: str) -> str:
        f = self.field(node.lhs)
        if f.type not in (FieldType.TIMESTAMPTZ, FieldType.DATE):
            raise InvalidFilter(f"{f.name} 非时间属性 / {f.name} is not a temporal property")
        start, end = _interval(node.rhs)
        column = f'"{f.name}"'
        lo = self.params.bind(start) if start is not None else None
        hi = self.params.bind(end) if end is not None else None
        if op == "before":
            return f"({column} < {lo or hi})"
        if op == "after":
            return f"({column} > {hi or lo})"
        if op == "equals":
            return f"({column} = {lo or hi})"
        parts = [p for p in (lo and f"{column} >= {lo}", hi and f"{column} <= {hi}") if p]
        return "(" + (" AND ".join(parts) or "TRUE") + ")"

    def _TimeBefore(self, node: Any) -> str:
        return self._temporal(node, "before")

    def _TimeAfter(self, node: Any) -> str:
        return self._temporal(node, "after")

    def _TimeEquals(self, node: Any) -> str:
        return self._temporal(node, "equals")

    def _TimeDuring(self, node: Any) -> str:
        return self._temporal(node, "during")

    def _TimeOverlaps(self, node: Any) -> str:
        return self._temporal(node, "during")

    def _TimeDisjoint(self, node: Any) -> str:
        return f"(NOT {self._temporal(node, 'during')})"


def _interval(value: Any) -> tuple[Any, Any]:
    if isinstance(value, values.Interval):
        return value.start, value.end
    if isinstance(value, dt.date):
        return value, value
    raise InvalidFilter(f"时间值无效 / not a time value: {value!r}")


def _element(f: Field) -> Field:
    return Field(f.name, FieldType.TEXT, f.zh, f.en)


def coerce(f: Field, value: Any) -> Any:
    """``value`` checked against the field's type, so the database never sees a type mismatch."""
    kind = f.type
    ok = {
        FieldType.TEXT: lambda v: isinstance(v, str),
        FieldType.INTEGER: lambda v: isinstance(v, int) and not isinstance(v, bool),
        FieldType.REAL: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        FieldType.BOOLEAN: lambda v: isinstance(v, bool),
        FieldType.DATE: lambda v: isinstance(v, dt.date),
        FieldType.TIMESTAMPTZ: lambda v: isinstance(v, dt.datetime),
        FieldType.TEXT_LIST: lambda v: False,
    }[kind]
    if kind is FieldType.INTEGER and isinstance(value, float) and value.is_integer():
        value = int(value)
    if kind is FieldType.INTEGER and isinstance(value, int) and abs(value) >= 2**31:
        raise InvalidFilter(f"{f.name}: 整数超出范围 / integer out of range: {value}")
    if kind is FieldType.TIMESTAMPTZ and isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if not ok(value):
        raise InvalidFilter(
            f"属性 {f.name} 类型为 {kind.value}，值 {value!r} 不匹配 / "
            f"property {f.name} is {kind.value}; {value!r} does not match"
        )
    return value
