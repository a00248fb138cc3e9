"""The frozen declarations every layer is written in.

A :class:`Layer` is the single source of truth for one layer of the park model. The database
tables (``layers.schema``), the ETL header mapping (``etl``), and later the OGC API resources and
the web-map layers are all derived from these declarations; nothing else declares a field again.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class FieldType(enum.StrEnum):
    """Storage types a field may have; each maps to one PostgreSQL type in ``layers.schema``."""

    TEXT = "text"
    INTEGER = "integer"
    REAL = "real"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMPTZ = "timestamptz"
    TEXT_LIST = "text[]"


class Group(enum.StrEnum):
    """Module groups, after the Jiangsu guideline modules (7.2-7.6) and Guangxi L.3(3)."""

    PARK = "park"
    SOURCES = "sources"
    MONITORING = "monitoring"
    RECEPTORS = "receptors"
    NETWORKS = "networks"
    RISK = "risk"
    REFERENCE = "reference"


GROUP_TITLES: dict[Group, tuple[str, str]] = {
    Group.PARK: ("园区信息与功能分区", "Park information and zones"),
    Group.SOURCES: ("企业与污染源", "Enterprises and pollution sources"),
    Group.MONITORING: ("环境质量监测", "Environmental quality monitoring"),
    Group.RECEPTORS: ("环境敏感目标与生态", "Receptors and ecology"),
    Group.NETWORKS: ("水系与排水管网", "Water and sewer networks"),
    Group.RISK: ("风险与应急", "Risk and emergency"),
    Group.REFERENCE: ("标准与参考", "Standards and reference"),
}


class Access(enum.StrEnum):
    """Who may read a layer (Guangxi 4.2.4.2: archived results are access-controlled).

    ``public`` layers are read by anyone, private fields left out; ``internal`` layers exist
    only for users granted them (an enterprise sees its own rows, see ``Layer.owner_field``).
    The rules themselves live in one place, ``accounts.policy``.
    """

    PUBLIC = "public"
    INTERNAL = "internal"


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enumerated field, with its Chinese and English labels.

    ``aliases`` are further spellings accepted on load (e.g. ``居民区`` beside ``居民点``).
    """

    value: str | int
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


#: A field check returns ``None`` when the value is acceptable, else a one-line reason.
Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Field:
    """One attribute of a layer.

    Parameters
    ----------
    name : the column name, the OGC API property name and the canonical ETL header.
    type : storage type.
    zh, en : human titles; ``zh`` is also accepted as an input header.
    unit : unit of measure (SI or the standard's), shown beside values in popups.
    choices : the enumeration, if any; stored values are ``Choice.value``.
    required : a row without it is rejected on load; the column is NOT NULL.
    aliases : further Chinese headers used in the standards' tables (e.g. ``统一社会信用代码``).
    references : ``"layer.field"`` this field is a foreign key to.
    enforced : whether the database enforces ``references`` (a foreign-key constraint); a
        reference to a dictionary written from code (the parameters) is checked on load instead.
    pattern : a POSIX regular expression the value must match (checked in the database too).
    minimum, maximum : inclusive bounds for numeric fields.
    check : a further row-level validation that SQL cannot express (e.g. a check character).
    choices_of_list : for TEXT_LIST fields, a callable naming the allowed list elements.
    private : personal data (names of contacts, phone numbers) hidden from public views.
    derived : computed by the platform (e.g. a station's status from its observations), never
        read from an input file nor written to one.
    """

    name: str
    type: FieldType
    zh: str
    en: str
    unit: str | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = False
    aliases: tuple[str, ...] = ()
    references: str | None = None
    enforced: bool = True
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    check: Check | None = None
    private: bool = False
    derived: bool = False

    @property
    def choice_values(self) -> tuple[str | int, ...]:
        return tuple(c.value for c in self.choices)

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header this field is recognised by on load, canonical name first."""
        return (self.name, self.zh, self.en, *self.aliases)


@dataclass(frozen=True)
class Style:
    """Hints for the web map. Colours are CSS colours; ``by`` names the field that picks one.

    ``visible`` says whether the layer is on when the page opens; ``on_phone`` whether it is on
    when it opens on a phone-sized screen (the decision maker's overview: fewer layers, each
    legible at 390 px; None: as ``visible``); ``min_zoom`` hides a dense layer until the view
    is close enough; ``cluster`` groups dense points.
    """

    color: str = "#3388ff"
    fill: str | None = None
    weight: float = 2.0
    radius: float = 6.0
    by: str | None = None
    palette: tuple[tuple[str | int, str], ...] = ()
    visible: bool = True
    on_phone: bool | None = None
    min_zoom: int | None = None
    cluster: bool = False
    arrows: bool = False


@dataclass(frozen=True)
class TableIndex:
    """An index on ``columns``: ``btree`` for lookups and sorting; ``brin`` for a column whose
    values follow the rows' physical order (times of appended observations), a few pages big
    and nearly free to keep up on insert."""

    columns: tuple[str, ...]
    using: str = "btree"


@dataclass(frozen=True)
class Layer:
    """One layer of the park model.

    ``id`` is the table name, the OGC API collection id and the map layer key. ``geometry`` is
    ``None`` for tables without one (observations, standard limits); otherwise a tuple of the
    accepted OGC simple-feature types, the first being the column's declared type.
    """

    id: str
    zh: str
    en: str
    group: Group
    geometry: tuple[str, ...] | None
    fields: tuple[Field, ...]
    natural_key: tuple[str, ...]
    description_zh: str = ""
    description_en: str = ""
    srid: int = 4326
    style: Style = field(default_factory=Style)
    popup: tuple[str, ...] = ()
    access: Access = Access.PUBLIC
    time_field: str | None = None
    #: Further indexes, for the queries the API and the popups make often (the unique natural
    #: key and the spatial index exist already).
    indexes: tuple[TableIndex, ...] = ()
    source: str = ""
    #: The field holding the credit code of the enterprise a row belongs to: it scopes an
    #: enterprise user's reads of internal rows and private fields, and its writes.
    owner_field: str | None = None
    #: Whether an enterprise may create and change its own rows (Jiangsu 7.1.1: enterprises
    #: enter and declare their own information); staff write every layer.
    enterprise_writable: bool = False
    #: How writes are recorded in the audit trail: ``row`` keeps each row's before and after;
    #: ``batch`` one entry per statement with its row count (minute data from devices);
    #: ``none`` for a view (``view``), which nothing writes.
    audit: str = "row"
    #: A case layer (``cases/``: clues, inspections, ...): its rows change only through the
    #: transitions its case type declares, never through the generic editing routes.
    case: bool = False
    #: A declared layer (Jiangsu 7.1.1, 7.4.2-7.4.9: what enterprises declare): each row is
    #: ``submitted`` until the office accepts or returns it (``layers.declared_fields.REVIEW``),
    #: and only accepted rows count in judgements and totals. Who may change which row and
    #: field is ``accounts.policy``'s answer (``declaration_denial``).
    declared: bool = False
    #: The time field the table is range-partitioned on, one partition per calendar month
    #: (UTC) plus a default partition (``onemap.partitions``); ``None`` for a plain table.
    partitioned_by: str | None = None
    #: A read-only layer the database computes: the ``SELECT`` of the view named as the layer
    #: (``id``, the fields, ``geom`` when it has a geometry), created by its migration. It has
    #: no table of its own, is never loaded or written, and is listed in
    #: :data:`layers.VIEWS`, not in :data:`layers.REGISTRY` (the tables).
    view: str | None = None

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"layer {self.id!r} has no field {name!r}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def geometry_type(self) -> str | None:
        """The declared column type: the single type, or GEOMETRY when several are accepted."""
        if self.geometry is None:
            return None
        return self.geometry[0] if len(self.geometry) == 1 else "GEOMETRY"

    @property
    def references(self) -> tuple[tuple[Field, str, str], ...]:
        """``(field, target_layer, target_field)`` for each foreign key."""
        out = []
        for f in self.fields:
            if f.references:
                target_layer, target_field = f.references.split(".")
                out.append((f, target_layer, target_field))
        return tuple(out)


def choice(value: str | int, zh: str, en: str, *aliases: str) -> Choice:
    """Shorthand for :class:`Choice` used in the layer files."""
    return Choice(value, zh, en, tuple(aliases))


def input_fields(layer: Layer) -> tuple[Field, ...]:
    """The fields files provide: all but the derived ones."""
    return tuple(f for f in layer.fields if not f.derived)
