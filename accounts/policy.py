"""The one policy: who may read or write which layer, which rows and which fields.

Every route of the app asks this module (through ``geoapi.guard`` for the route itself and
through :func:`read_view` / :func:`write_scope` for the rows); no route checks a role itself.
The rules come from the registry (``Layer.access``, ``Field.private``, ``Layer.owner_field``,
``Layer.enterprise_writable``) and from the principal's permissions (``accounts.permissions``):

* anyone reads a public layer's public fields, every row;
* ``read:LAYER`` or ``read:*`` reads every row and field, internal layers included;
* ``read:…:own`` reads, of a layer with an owner field, the private fields of the user's own
  rows (other rows of a public layer keep them hidden), and of an internal layer only its own
  rows;
* ``write:LAYER`` / ``write:*`` writes any row; ``write:…:own`` writes, in enterprise-writable
  layers, only rows that are the user's own before and after the change;
* a layer a user may not read does not exist for them (404), as for anonymous users today;
* a case layer (``Layer.case``: clues, inspections, ...) is never written by the generic
  editing; its rows change by the transitions of its case type, each made by a
  :class:`Party`: the office (``write:LAYER`` or ``write:*`` on every row) or the subject
  enterprise of the case (``write:…:own`` and the row is theirs; the office may act for it);
* a declared layer (``Layer.declared``: what enterprises declare) adds a rule per field and
  per state (:func:`declaration_denial`): nobody writes its review fields but the review, made
  by the office (:func:`may_review`); an enterprise changes or deletes only its own rows that
  are still submitted or were returned, never an accepted one, and each of its writes leaves
  the row submitted again (:func:`review_on_write`);
* a layer the database computes (``Layer.view``: daily means, latest values) is read as any
  layer of its access and written by nobody.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from accounts.principal import Principal
from layers.spec import Access, Field, Layer


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def owners_sql(owners: tuple[str, ...]) -> str:
    """A SQL text[] literal of credit codes (validated on account creation; quoted anyway)."""
    return "ARRAY[" + ", ".join(_literal(o) for o in owners) + "]::text[]"


@dataclass(frozen=True)
class ReadView:
    """What one principal sees of one layer.

    ``relation`` is the SQL to read from in place of the table (``FROM {relation} AS t``): the
    table itself, or a subquery that leaves out other enterprises' rows or masks their private
    fields, so that filters, sorting and counts never see what the user may not.
    ``personal`` says that the answer depends on who asks (Vary, Cache-Control: private).
    ``owners`` are the enterprises the rows are limited to (None: every row).
    """

    layer: Layer
    fields: tuple[Field, ...]
    relation: str
    personal: bool
    owners: tuple[str, ...] | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class WriteScope:
    """Which rows of a layer a principal may write: all (``owners`` None) or their own."""

    layer: Layer
    owners: tuple[str, ...] | None

    def allows(self, row: Mapping[str, Any] | None) -> bool:
        """Whether a row (its values before or after a change) is within this scope."""
        if self.owners is None or row is None:
            return True
        assert self.layer.owner_field is not None
        return row.get(self.layer.owner_field) in self.owners


def public_fields(layer: Layer) -> tuple[Field, ...]:
    """The fields anyone may read: personal data (``private``) left out."""
    return tuple(f for f in layer.fields if not f.private)


def _table(layer: Layer) -> str:
    return f'"{layer.id}"'


def read_view(principal: Principal, layer: Layer) -> ReadView | None:
    """What ``principal`` may read of ``layer``; None when the layer does not exist for them."""
    grants = principal.grants("read", layer.id)
    if any(not g.own for g in grants):
        return ReadView(layer, layer.fields, _table(layer), personal=True)
    own = (
        layer.owner_field is not None and bool(principal.enterprises) and any(g.own for g in grants)
    )
    if own:
        assert layer.owner_field is not None
        owner = f'"{layer.owner_field}"'
        mine = f"{owner} = ANY({owners_sql(principal.enterprises)})"
        if layer.access is Access.INTERNAL:
            relation = f"(SELECT * FROM {_table(layer)} WHERE {mine})"
        else:
            columns = ['"id"']
            for f in layer.fields:
                name = f'"{f.name}"'
                columns.append(f"CASE WHEN {mine} THEN {name} END AS {name}" if f.private else name)
            if layer.geometry is not None:
                columns.append('"geom"')
            relation = f"(SELECT {', '.join(columns)} FROM {_table(layer)})"
            return ReadView(layer, layer.fields, relation, personal=True)
        return ReadView(layer, layer.fields, relation, personal=True, owners=principal.enterprises)
    if layer.access is Access.PUBLIC:
        return ReadView(
            layer, public_fields(layer), _table(layer), personal=not principal.anonymous
        )
    return None


def visible_fields(
    principal: Principal, layer: Layer, row: Mapping[str, Any]
) -> tuple[str, ...] | None:
    """The fields of one ``row`` of ``layer`` that ``principal`` may read (None: not the row).

    The same rules as :func:`read_view`, for a row already in hand (the event stream): an
    internal layer's row only when it is the user's own or they read every row; a public
    layer's private fields only then, the other fields always.
    """
    view = read_view(principal, layer)
    if view is None:
        return None
    if any(not g.own for g in principal.grants("read", layer.id)):
        return layer.field_names
    own = (
        layer.owner_field is not None
        and bool(principal.enterprises)
        and any(g.own for g in principal.grants("read", layer.id))
        and row.get(layer.owner_field) in principal.enterprises
    )
    if own:
        return layer.field_names
    if layer.access is Access.INTERNAL:
        return None
    return tuple(f.name for f in public_fields(layer))


def may_read(principal: Principal, layer: Layer) -> bool:
    """Whether ``layer`` exists for ``principal`` at all."""
    return read_view(principal, layer) is not None


def write_scope(principal: Principal, layer: Layer) -> WriteScope | None:
    """The rows of ``layer`` that ``principal`` may create, change or delete; None: none."""
    if layer.case:
        return None  # changed through its case transitions only (may_act)
    if layer.view is not None:
        return None  # computed by the database: nobody writes it
    grants = principal.grants("write", layer.id)
    if any(not g.own for g in grants):
        return WriteScope(layer, None)
    if (
        layer.enterprise_writable
        and layer.owner_field is not None
        and principal.enterprises
        and any(g.own for g in grants)
    ):
        return WriteScope(layer, principal.enterprises)
    return None


class Review(enum.StrEnum):
    """The states of a declared row (``layers.declared_fields.REVIEW_STATUS``)."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


#: The fields of a declared layer only the review writes (``layers.declared_fields.REVIEW``).
REVIEW_FIELDS = ("review_status", "review_reason", "reviewed_by", "reviewed_at")
#: The states in which an enterprise may still change (or withdraw) its declaration.
EDITABLE_BY_ENTERPRISE = frozenset({Review.SUBMITTED, Review.RETURNED})


def declaration_denial(
    scope: WriteScope, stored: Mapping[str, Any] | None, sent: Iterable[str]
) -> str | None:
    """Why this write of a declared layer's row is refused (None: it is not), field by field.

    ``stored`` is the row as stored (None for a new row), ``sent`` the properties the request
    or file names. The review fields are written by the review only (:func:`may_review`),
    whoever writes; an enterprise (a scope limited to its own rows) changes or deletes only
    rows that are still submitted or were returned: an accepted row is the office's record.
    """
    if not scope.layer.declared:
        return None
    touched = sorted(set(sent) & set(REVIEW_FIELDS))
    if touched:
        return (
            f"审核字段只能由审核写入 / {', '.join(touched)}: the review fields are written by "
            "the review only (POST .../items/{id}/review)"
        )
    if scope.owners is None or stored is None:
        return None
    status = stored.get("review_status")
    if status not in EDITABLE_BY_ENTERPRISE:
        return (
            f"已通过审核的申报不能修改 / this declaration is {status}: only a submitted or "
            "returned one may be changed by the enterprise"
        )
    return None


def review_on_write(
    scope: WriteScope,
    stored: Mapping[str, Any] | None,
    actor: str,
    at: dt.datetime | None,
) -> dict[str, Any]:
    """The review fields a permitted write leaves on a declared row ({} for other layers).

    An enterprise's write (re)submits the row for review. The office's new rows are accepted
    by it as they are entered (it is the reviewer), by ``actor`` at ``at``; its changes to a
    stored row leave the review as it was. A file the office loads (``stored`` unknown, ``at``
    None: loading the same file twice changes nothing) is accepted as loaded.
    """
    if not scope.layer.declared:
        return {}
    if scope.owners is not None:
        return {
            "review_status": Review.SUBMITTED.value,
            "review_reason": None,
            "reviewed_by": None,
            "reviewed_at": None,
        }
    if stored is not None:
        return {}
    accepted: dict[str, Any] = {
        "review_status": Review.ACCEPTED.value,
        "review_reason": None,
        "reviewed_by": actor,
    }
    return accepted if at is None else {**accepted, "reviewed_at": at}


def may_review(principal: Principal, layer: Layer) -> bool:
    """Whether ``principal`` accepts or returns the declarations of ``layer``: the office
    (``write:LAYER`` or ``write:*`` on every row), never the declaring enterprise."""
    if not layer.declared or not may_read(principal, layer):
        return False
    return any(not g.own for g in principal.grants("write", layer.id))


class Party(enum.StrEnum):
    """Who makes a case transition (declared per transition by the case types in ``cases/``)."""

    OFFICE = "office"  # the park's environmental office: staff, admin
    SUBJECT = "subject"  # the enterprise the case is about (or the office on its behalf)


def may_act(principal: Principal, layer: Layer, party: Party, owner: str | None) -> bool:
    """Whether ``principal`` may make a transition of ``party`` on a case of ``layer`` whose
    subject enterprise is ``owner`` (the row's owner field; None: no subject yet)."""
    if not layer.case or not may_read(principal, layer):
        return False
    grants = principal.grants("write", layer.id)
    office = any(not g.own for g in grants)
    if party is Party.OFFICE:
        return office
    own = owner is not None and owner in principal.enterprises and any(g.own for g in grants)
    return office or own


#: The permission target of the documents archive (Guangxi Appendix E, 4.2.4.2: the
#: one-enterprise-one-file archive is access-controlled): ``read:documents`` / ``write:documents``
#: (or ``*``), ``:own`` for the files of the user's own enterprises.
DOCUMENTS = "documents"


def _document_grant(principal: Principal, action: str, owner: str | None) -> bool:
    grants = principal.grants(action, DOCUMENTS)
    if any(not g.own for g in grants):
        return True
    return owner is not None and owner in principal.enterprises and any(g.own for g in grants)


def may_read_documents(principal: Principal, owner: str | None) -> bool:
    """Whether ``principal`` reads the archived files of enterprise ``owner`` (None: the park's
    own files and those of no enterprise)."""
    return _document_grant(principal, "read", owner)


def may_file_documents(principal: Principal, owner: str | None) -> bool:
    """Whether ``principal`` adds files to the archive of enterprise ``owner``."""
    return _document_grant(principal, "write", owner)


def document_owners(principal: Principal) -> tuple[str, ...] | None:
    """The enterprises whose archive ``principal`` reads: None for every one."""
    if may_read_documents(principal, None):
        return None
    return tuple(e for e in principal.enterprises if may_read_documents(principal, e))


def may_see_history(principal: Principal, layer: Layer) -> bool:
    """Change histories are for staff and admin (``history:*`` or ``history:LAYER``)."""
    return bool(principal.grants("history", layer.id))


def allowed_methods(principal: Principal, layer: Layer, item: bool) -> tuple[str, ...]:
    """The methods ``principal`` may use on a layer's items (``item`` False) or one item path,
    for the ``Allow`` header of OPTIONS (QGIS >= 3.32 decides editability from it)."""
    methods = ["GET", "HEAD", "OPTIONS"]
    if write_scope(principal, layer) is not None:
        methods += ["PUT", "PATCH", "DELETE"] if item else ["POST"]
    return tuple(methods)


class Rule(enum.StrEnum):
    """How a route is guarded; every endpoint of the app has exactly one (``ROUTES``)."""

    OPEN = "open"  # anyone: landing page, conformance, the page, its assets, sign-in
    COLLECTION = "collection"  # the collection in the URL must exist for the user
    SIGNED_IN = "signed_in"  # any signed-in user
    HISTORY = "history"  # a feature's change history
    MANAGE = "manage"  # accounts administration
    CASE = "case"  # a case route: the collection must exist for the user, writes signed in


@dataclass(frozen=True)
class Denial:
    """Why a request is refused: 401 (sign in), 403 (not allowed) or 404 (no such thing)."""

    status: int
    message: str


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _unknown(collection_id: str) -> Denial:
    return Denial(404, f"未知集合 / unknown collection {collection_id!r}")


def _sign_in(principal: Principal, what: str) -> Denial:
    if principal.anonymous:
        return Denial(401, f"请先登录 / sign in to {what}")
    return Denial(403, f"无权限 / {principal.login} may not {what}")


def check(
    principal: Principal,
    rule: Rule,
    method: str,
    layer: Layer | None,
    collection_id: str | None,
) -> Denial | None:
    """None when ``principal`` may make this request, else the :class:`Denial`.

    ``layer`` is the registry layer named by the URL's collection id (None when the URL names
    none, or names one the API does not serve).
    """
    if rule is Rule.OPEN:
        return None
    if rule is Rule.SIGNED_IN:
        return _sign_in(principal, "use this") if principal.anonymous else None
    if rule is Rule.MANAGE:
        return None if principal.may_manage_accounts() else _sign_in(principal, "manage accounts")
    if collection_id is None:
        return None  # the collections list, filtered per user by its view
    if layer is None or not may_read(principal, layer):
        return _unknown(collection_id)
    if rule is Rule.HISTORY:
        ok = may_see_history(principal, layer)
        return None if ok else _sign_in(principal, f"read the history of {layer.id}")
    if rule is Rule.CASE:
        # which transition this user may make is may_act's answer, per case and transition
        if method in WRITE_METHODS and principal.anonymous:
            return _sign_in(principal, f"change {layer.id}")
        return None
    if method in WRITE_METHODS and write_scope(principal, layer) is None:
        if layer.case and not principal.anonymous:
            return Denial(
                403,
                f"{layer.id} 只能通过办理流程修改 / {layer.id} change through their transitions: "
                "POST .../items/{id}/transitions",
            )
        return _sign_in(principal, f"write {layer.id}")
    return None


#: The permission targets of the reports (Jiangsu 8.1) and of the park's public notices (7.8.3):
#: ``read:reports`` (or ``read:*``) reads every report run; a run marked public (the annual
#: environmental quality report) is anyone's, signed in or not. ``write:public_notices`` (or
#: ``write:*``) publishes and withdraws notices. ``:own`` grants give neither: a report is the
#: park's, not an enterprise's (the performance ranking names every enterprise).
REPORTS = "reports"
NOTICES = "public_notices"


def may_read_report(principal: Principal, public: bool) -> bool:
    """Whether ``principal`` reads a report run (``public``: one marked for /public)."""
    return public or any(not g.own for g in principal.grants("read", REPORTS))


def may_publish_notices(principal: Principal) -> bool:
    """Whether ``principal`` publishes and withdraws the park's public notices."""
    return any(not g.own for g in principal.grants("write", NOTICES))


def refusal(principal: Principal, what: str) -> Denial:
    """The denial of something ``principal`` may not do: 401 signed out, else 403."""
    return _sign_in(principal, what)
