"""Items queries: request parameters validated against the registry, then one SQL statement.

One implementation serves both the fast GeoJSON view (geoapi.views) and the pygeoapi provider
(geoapi.provider): :class:`ItemsQuery` holds the validated pieces, :func:`features_sql` turns it
into a statement whose single row carries the page's features as GeoJSON *text* built by PostGIS
(ST_AsGeoJSON, ST_Transform), the number returned and the number matched.

``numberMatched`` rule (also stated in every response's ``numberMatchedRule``):

* tables whose planner estimate (``pg_class.reltuples``) is under :data:`EXACT_COUNT_MAX` rows are
  counted exactly, with the request's filters;
* larger tables are counted up to :data:`EXACT_COUNT_MAX` matches (``LIMIT`` in the count), so the
  cost is bounded; when the cap is reached ``numberMatched`` is omitted, as Part 1 allows.
* a later page of the same query (offset > 0, same filters) reuses the count made for an
  earlier page in the same worker for up to :data:`COUNT_REUSE_S` seconds, and a short last
  page is exact by construction (offset + numberReturned): a client paging through a layer 10
  features at a time (GDAL 3.6) does not recount it 2,000 times;
* on a large table the first page of a query reuses its count the same way: counting 100,000
  rows costs about 9 ms, as much as building a page of 1,000 lines (stock pygeoapi's second
  slowness is counting every match on every request). A full page at or past a reused count
  recounts, so paging never stops early.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from accounts import policy
from accounts.policy import ReadView
from geoapi import cql
from geoapi.crs import Crs, resolve
from geoapi.errors import InvalidParameterValue, UnknownParameter
from geoapi.times import response_zone
from layers import COLLECTIONS
from layers.spec import Access, Field, FieldType, Layer

EXACT_COUNT_MAX = 100_000
COUNT_REUSE_S = 30
NUMBER_MATCHED_RULE = (
    f"exact when the table holds fewer than {EXACT_COUNT_MAX:,} rows (planner estimate) or fewer "
    f"than {EXACT_COUNT_MAX:,} features match; otherwise omitted. Pages after the first, and on "
    f"tables of {EXACT_COUNT_MAX:,} rows or more any page, may reuse the count made for the same "
    f"query up to {COUNT_REUSE_S} s before. Where numberMatched is omitted, "
    f"numberMatchedEstimate is the database planner's estimate of the matches, not a count"
)
DEFAULT_ITEMS = 1000
MAX_ITEMS = 10_000
#: Parameters of the items endpoint besides the queryable properties (Part 1, 2, 3).
RESERVED = frozenset(
    {
        "f",
        "lang",
        "limit",
        "offset",
        "after",
        "bbox",
        "bbox-crs",
        "crs",
        "datetime",
        "properties",
        "sortby",
        "skipGeometry",
        "filter",
        "filter-lang",
        "filter-crs",
        "profile",
    }
)
#: OGC API Features Part 5 (draft) profiles for references to other features: ``rel-as-link``
#: (the default) adds a link per reference to each feature, ``rel-as-key`` leaves the references
#: as their plain property values (the one-map page builds its own links, and a page of 50,000
#: points is half the bytes without them).
PROFILE_URI = "http://www.opengis.net/def/profile/OGC/0/"
PROFILES = ("rel-as-link", "rel-as-key")


def public_fields(layer: Layer) -> tuple[Field, ...]:
    """The fields served to anyone: personal data (``private``) is left out."""
    return policy.public_fields(layer)


def collection_layers() -> tuple[Layer, ...]:
    """Layers served as collections: every table (those without a geometry too: the
    observations, the parameter dictionary and the standards' limits) and every view the
    database computes (daily means, latest values). Internal ones exist only for the users the
    policy lets read them (``accounts.policy``)."""
    return COLLECTIONS


def public_collections() -> tuple[Layer, ...]:
    """The collections anonymous users see."""
    return tuple(layer for layer in collection_layers() if layer.access is Access.PUBLIC)


def public_view(layer: Layer) -> ReadView:
    """What an anonymous user reads of a public layer."""
    assert layer.access is Access.PUBLIC, layer.id
    return ReadView(layer, public_fields(layer), f'"{layer.id}"', personal=False)


@dataclass
class ItemsQuery:
    """The validated parts of one items request."""

    layer: Layer
    limit: int = DEFAULT_ITEMS
    offset: int = 0
    crs: Crs | None = None
    properties: tuple[str, ...] = ()
    skip_geometry: bool = False
    where: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    params: cql.Params = field(default_factory=cql.Params)
    profile: str = PROFILES[0]
    #: The request's own parameters (minus f/offset/after), repeated in the next/prev links.
    link_args: dict[str, str] = field(default_factory=dict)
    #: What to read from: the table, or the policy's subquery limiting rows or masking fields.
    relation: str = ""
    #: Ids of the collections the user may read (related links point only there); None: any.
    readable: frozenset[str] | None = None

    @property
    def source(self) -> str:
        """The FROM item of the layer's rows for this user, aliased as the table."""
        return f'{self.relation or self.table} AS "{self.layer.id}"'

    @property
    def table(self) -> str:
        return f'"{self.layer.id}"'

    #: Keyset paging: only features whose id is above this (the ``after`` of a next link).
    after: int | None = None
    #: Set by geoapi.features.query_page: the page's last id, whether next links page by key
    #: (large tables in id order), and the planner's estimate where the count is omitted.
    last_id: int | None = None
    keyset: bool = False
    matched_estimate: int | None = None


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameterValue(
            f"{name} 须为整数 / {name} must be an integer, got {raw!r}"
        ) from None
    if not low <= value <= high:
        raise InvalidParameterValue(
            f"{name} 超出范围 / {name} must be between {low} and {high}, got {value}"
        )
    return value


def _bbox_sql(raw: str, bbox_crs: Crs, params: cql.Params) -> str:
    """The WHERE condition of a ``bbox`` (4 or 6 numbers in ``bbox_crs``).

    In a geographic CRS a lower-left longitude greater than the upper-right one is a box
    crossing the antimeridian (OGC API - Features Part 1, 7.15.3: "the box spans the
    antimeridian"), matched as its two halves, west of 180° and east of -180°.
    """
    try:
        numbers = [float(v) for v in raw.split(",")]
    except ValueError:
        raise InvalidParameterValue(
            f"bbox 须为数字 / bbox must be 4 or 6 numbers, got {raw!r}"
        ) from None
    if len(numbers) not in (4, 6) or not all(math.isfinite(v) for v in numbers):
        raise InvalidParameterValue(f"bbox 须为4或6个数 / bbox must be 4 or 6 numbers, got {raw!r}")
    if len(numbers) == 6:  # drop the heights: the layers are 2D
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    x1, y1, x2, y2 = numbers
    if bbox_crs.lat_first:
        x1, y1, x2, y2 = y1, x1, y2, x2
    geographic = bbox_crs.srid in (4326, 4490)
    if y1 > y2 or (x1 > x2 and not geographic):
        raise InvalidParameterValue(
            f"bbox 下角须小于上角 / bbox lower corner must not exceed the upper corner: {raw!r}"
        ) from None
    if geographic and (y1 < -90 or y2 > 90 or not -180 <= x1 <= 180 or not -180 <= x2 <= 180):
        raise InvalidParameterValue(
            f"bbox 超出经纬度范围 / bbox outside lon/lat range (longitudes -180 to 180, "
            f"latitudes -90 to 90): {raw!r}"
        )
    boxes = [(x1, x2)] if x1 <= x2 else [(x1, 180.0), (-180.0, x2)]
    terms = []
    for west, east in boxes:
        bound = ", ".join(params.bind(v) for v in (west, y1, east, y2))
        envelope = f"ST_MakeEnvelope({bound}, {bbox_crs.srid})"
        if bbox_crs.srid != 4326:
            envelope = f"ST_Transform({envelope}, 4326)"
        terms.append(f"ST_Intersects(geom, {envelope})")
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


#: What QGIS 3.22 sends for a one-sided time filter (``"time" < '…'``): a dummy bound in place
#: of ``..`` (src/providers/wfs/oapif, compileExpressionNodeUsingPart1), year 0000 being out of
#: RFC 3339's and Python's range.
_OPEN_START = re.compile(r"^0000-01-01(T00:00:00(\.0+)?(Z|[+-]00:00)?)?$", re.IGNORECASE)
_OPEN_END_YEAR = "9999-12-31"
#: An offset whose ``+`` arrived as a space: QGIS writes the literal as typed into the query
#: string without percent-encoding it, and a form-decoded ``+`` is a space.
_SPACE_FOR_PLUS = re.compile(r"^(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


def _zone() -> ZoneInfo:
    return ZoneInfo(response_zone())


def parse_instant(raw: str, end: bool = False) -> dt.datetime:
    """An RFC 3339 instant or date; a date means its start (or, for ``end``, the next day's).

    A date, or a time without an offset, is read in the park's zone (``ONEMAP_TIMEZONE``),
    the zone the API writes times in: ``2025-03-01`` is the park's day.
    """
    text = raw.strip()
    spaced = _SPACE_FOR_PLUS.match(text)
    if spaced:
        text = f"{spaced.group(1)}+{spaced.group(2)}"
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            value = dt.datetime.combine(day, dt.time(), tzinfo=_zone())
            return value + dt.timedelta(days=1) if end else value
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameterValue(
            f"datetime 格式错误 / datetime must be RFC 3339 (2025-01-01T00:00:00+08:00, "
            f"2025-01-01 or an interval a/b with .. for an open end), got {raw!r}"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=_zone())


def _open_start(text: str) -> bool:
    return text in ("", "..") or bool(_OPEN_START.match(text.strip()))


def _open_end(text: str) -> bool:
    return text in ("", "..") or text.strip().startswith(_OPEN_END_YEAR)


def datetime_sql(layer: Layer, raw: str, params: cql.Params) -> str | None:
    """The condition of a ``datetime`` value (instant, date or interval; Part 1, 7.15.4) on the
    layer's time field; QGIS's dummy bounds (year 0000, 9999-12-31) are open ends.

    A bare date alone is the park's whole day; as an interval's start it is that day's first
    instant, as its end the day's first instant excluded (``2025-01-01/2025-01-02`` is one day).
    """
    if not layer.time_field:
        return None  # Part 1, 7.15.4: a collection without a time ignores datetime
    column = f'"{layer.time_field}"'
    if "/" not in raw:
        if len(raw.strip()) == 10:
            start, stop = parse_instant(raw), parse_instant(raw, end=True)
            return f"{column} >= {params.bind(start)} AND {column} < {params.bind(stop)}"
        return f"{column} = {params.bind(parse_instant(raw))}"
    first, _, last = raw.partition("/")
    if "/" in last:
        raise InvalidParameterValue(
            f"datetime 区间只能有一个 / / a datetime interval has one '/', got {raw!r}"
        )
    parts = []
    if not _open_start(first):
        parts.append(f"{column} >= {params.bind(parse_instant(first))}")
    if not _open_end(last):
        # A bare date ends the interval where that day begins, exclusive: QGIS sends
        # ``"time" < '2025-01-02'`` as ``…/2025-01-02`` (its < and <= alike, as an interval end).
        day = len(last.strip()) == 10
        parts.append(f"{column} {'<' if day else '<='} {params.bind(parse_instant(last))}")
    if not parts:
        if first in ("", "..") and last in ("", ".."):
            raise InvalidParameterValue(
                "datetime 区间两端均开放 / datetime '../..' is not an interval"
            )
        return "TRUE"  # QGIS's two dummy bounds: every time
    return " AND ".join(parts)


def property_value(f: Field, raw: str) -> object:
    """A ``property=value`` query parameter's value, typed as the field."""
    try:
        match f.type:
            case FieldType.INTEGER:
                return int(raw)
            case FieldType.REAL:
                return float(raw)
            case FieldType.BOOLEAN:
                if raw.lower() not in ("true", "false"):
                    raise ValueError(raw)
                return raw.lower() == "true"
            case FieldType.DATE:
                return dt.date.fromisoformat(raw)
            case FieldType.TIMESTAMPTZ:
                return parse_instant(raw)
    except ValueError:
        raise InvalidParameterValue(
            f"{f.name} 值类型错误 / {f.name} expects a {f.type.value}, got {raw!r}"
        ) from None
    return raw


def parse_items(
    layer: Layer,
    args: Mapping[str, str],
    zone_srid: int,
    default_limit: int = DEFAULT_ITEMS,
    max_limit: int = MAX_ITEMS,
    view: ReadView | None = None,
    readable: frozenset[str] | None = None,
) -> ItemsQuery:
    """Validate an items request's parameters; :class:`InvalidParameterValue` on bad input.

    ``view`` is what the user may read of the layer (default: the anonymous view).
    """
    view = view or public_view(layer)
    fields = {f.name: f for f in view.fields}
    unknown = [k for k in args if k not in RESERVED and k not in fields]
    if unknown:
        raise UnknownParameter(
            f"未知参数 / unknown parameter {unknown[0]!r}; allowed: "
            f"{', '.join(sorted(RESERVED))} and the queryables {', '.join(fields)}"
        )
    q = ItemsQuery(layer, relation=view.relation, readable=readable)
    q.limit = _int(args, "limit", default_limit, 1, max_limit)
    q.offset = _int(args, "offset", 0, 0, 2**31 - 1)
    if args.get("after"):
        q.after = _int(args, "after", 0, 0, 2**63 - 1)
        if args.get("sortby"):
            raise InvalidParameterValue(
                "after 按标识分页，不能与 sortby 同用 / after pages by id: not with sortby"
            )
    q.crs = resolve(args.get("crs"), zone_srid, "crs")
    q.link_args = {k: v for k, v in args.items() if k not in ("f", "offset", "after")}
    q.link_args["limit"] = str(q.limit)

    if "properties" in args:
        names = tuple(n.strip() for n in args["properties"].split(",") if n.strip())
        for name in names:
            if name not in fields:
                raise InvalidParameterValue(
                    f"未知属性 / unknown property {name!r} in properties; "
                    f"known: {', '.join(fields)}"
                )
        q.properties = names
    else:
        q.properties = tuple(fields)

    q.profile = args.get("profile") or PROFILES[0]
    if q.profile not in PROFILES:
        raise InvalidParameterValue(
            f"未知 profile / unknown profile {q.profile!r}; use {' or '.join(PROFILES)}"
        )

    skip = args.get("skipGeometry", "false").lower()
    if skip not in ("true", "false"):
        raise InvalidParameterValue(f"skipGeometry 须为 true/false / got {skip!r}")
    q.skip_geometry = skip == "true" or layer.geometry is None

    if args.get("bbox"):
        if layer.geometry is None:
            raise InvalidParameterValue(f"{layer.id} 无几何，不能用 bbox / has no geometry")
        bbox_crs = resolve(args.get("bbox-crs"), zone_srid, "bbox-crs")
        q.where.append(_bbox_sql(args["bbox"], bbox_crs, q.params))
    elif "bbox-crs" in args:
        resolve(args["bbox-crs"], zone_srid, "bbox-crs")

    if args.get("datetime"):
        clause = datetime_sql(layer, args["datetime"], q.params)
        if clause:
            q.where.append(clause)

    for name, raw in args.items():
        if name in fields:
            f = fields[name]
            if f.type is FieldType.TEXT_LIST:
                q.where.append(f'{q.params.bind(raw)} = ANY("{name}")')
            else:
                q.where.append(f'"{name}" = {q.params.bind(property_value(f, raw))}')

    if args.get("filter"):
        node = cql.parse(args["filter"], args.get("filter-lang"))
        filter_crs = resolve(args.get("filter-crs"), zone_srid, "filter-crs")
        q.where.append(cql.Translator(layer, q.params, filter_crs, set(fields)).sql(node))
    elif args.get("filter-lang") and args["filter-lang"] not in ("cql2-text", "cql2-json"):
        raise InvalidParameterValue(
            f"不支持的过滤语言 / unsupported filter-lang {args['filter-lang']!r}"
        )

    q.order = sort_clause(layer, args.get("sortby", ""), fields)
    return q


def sort_clause(layer: Layer, raw: str, fields: Mapping[str, Field]) -> list[str]:
    """ORDER BY terms of a ``sortby`` value (``+a,-b``), with the id as the last tie-breaker."""
    order = []
    for term in (t.strip() for t in raw.split(",") if t.strip()):
        descending = term.startswith("-")
        name = term.lstrip("+-").strip()
        if name != "id" and name not in fields:
            raise InvalidParameterValue(
                f"未知排序字段 / unknown sortby property {name!r}; "
                f"sortable: id, {', '.join(fields)}"
            )
        order.append(f'"{name}" {"DESC" if descending else "ASC"}')
    order.append('"id" ASC')
    return order
