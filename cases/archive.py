"""One enterprise, one file (Guangxi Appendix E, Table E.1: 33 items), access-controlled
(4.2.4.2). Each archived document is filed under an item with its issue and expiry dates; an
item is ``present`` when it holds a document in force, ``expired`` when all it holds have
expired, ``missing`` when it holds none. The items are shipped as data (``e1_items.csv``),
from the transcription in the shared standards reference.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import sqlalchemy as sa

from accounts import audit, policy
from accounts.principal import Principal
from cases import documents
from cases.errors import BadCaseInput, CaseNotFound, TransitionForbidden
from cases.values import local_zone


@dataclass(frozen=True)
class Item:
    """One item of Table E.1."""

    number: int
    group_zh: str
    group_en: str
    title_zh: str
    title_en: str


@functools.cache
def items() -> tuple[Item, ...]:
    """The 33 items of E.1, in order."""
    text = resources.files("cases").joinpath("e1_items.csv").read_text("utf-8")
    return tuple(
        Item(int(r["item"]), r["group_zh"], r["group_en"], r["title_zh"], r["title_en"])
        for r in csv.DictReader(text.splitlines())
    )


def parse_date(value: Any, what: str) -> dt.date | None:
    """A form's YYYY-MM-DD date (empty: None); a clear error otherwise."""
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadCaseInput(f"日期格式错误 / {what}: {value!r} is not YYYY-MM-DD") from None


def _enterprise_exists(connection: sa.Connection, credit_code: str) -> bool:
    return bool(
        connection.execute(
            sa.text("SELECT EXISTS (SELECT 1 FROM enterprises WHERE credit_code = :c)"),
            {"c": credit_code},
        ).scalar_one()
    )


def file_document(
    engine: sa.Engine,
    store: documents.DocumentStore,
    principal: Principal,
    credit_code: str,
    fields: dict[str, Any],
    upload: documents.Upload,
) -> int:
    """File one document under an E.1 item of ``credit_code``'s archive; its id.

    ``fields``: ``item`` (1-33), ``title``, ``issued_on``, ``expires_on`` (YYYY-MM-DD).
    """
    if not policy.may_file_documents(principal, credit_code):
        if not policy.may_read_documents(principal, credit_code):
            raise CaseNotFound(f"无此企业档案 / no archive of {credit_code}")
        raise TransitionForbidden(f"无权归档 / {principal.login} may not file documents here")
    try:
        item = int(fields.get("item") or 0)
    except (TypeError, ValueError):
        item = 0
    if not 1 <= item <= len(items()):
        raise BadCaseInput(f"未知档案条目 / item must be one of E.1's 1-{len(items())}")
    issued_on = parse_date(fields.get("issued_on"), "issued_on")
    expires_on = parse_date(fields.get("expires_on"), "expires_on")
    if issued_on and expires_on and expires_on < issued_on:
        raise BadCaseInput("有效期早于发证日期 / expires_on lies before issued_on")
    title = str(fields.get("title") or "").strip() or items()[item - 1].title_zh
    actor = "public" if principal.anonymous else f"user:{principal.login}"
    with engine.begin() as connection:
        audit.set_actor(connection, actor)
        if not _enterprise_exists(connection, credit_code):
            raise CaseNotFound(f"无此企业档案 / no archive of {credit_code}")
        link = {
            "archive_item": item,
            "title": title[:200],
            "issued_on": issued_on,
            "expires_on": expires_on,
        }
        (document_id,) = documents.save(
            connection, store, [upload], actor, owner=credit_code, link=link
        )
    return document_id


def item_state(expiries: list[dt.date | None], today: dt.date) -> str:
    """``present``, ``expired`` or ``missing`` for the expiry dates of an item's documents."""
    if not expiries:
        return "missing"
    in_force = any(e is None or e >= today for e in expiries)
    return "present" if in_force else "expired"


def local_today() -> dt.date:
    """Today in the park's time zone (the expiry dates are local dates)."""
    return dt.datetime.now(local_zone()).date()


def document_summary(row: dict[str, Any]) -> dict[str, Any]:
    """What an archive's listing shows of one document."""
    return {
        "id": row["id"],
        "title": row["title"],
        "filename": row["filename"],
        "media_type": row["media_type"],
        "issued_on": row["issued_on"].isoformat() if row["issued_on"] else None,
        "expires_on": row["expires_on"].isoformat() if row["expires_on"] else None,
    }


def completeness(
    engine: sa.Engine, principal: Principal, credit_code: str, today: dt.date | None = None
) -> dict[str, Any]:
    """The E.1 file of one enterprise: per item its state and documents."""
    if not policy.may_read_documents(principal, credit_code):
        raise CaseNotFound(f"无此企业档案 / no archive of {credit_code}")
    today = today or local_today()
    with engine.connect() as connection:
        name = connection.execute(
            sa.text("SELECT name FROM enterprises WHERE credit_code = :c"), {"c": credit_code}
        ).scalar_one_or_none()
        if name is None:
            raise CaseNotFound(f"无此企业档案 / no archive of {credit_code}")
        rows = connection.execute(
            sa.text(
                "SELECT id, archive_item, title, filename, media_type, issued_on, expires_on "
                "FROM documents WHERE credit_code = :c AND archive_item IS NOT NULL ORDER BY id"
            ),
            {"c": credit_code},
        ).mappings()
        by_item: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_item.setdefault(row["archive_item"], []).append(dict(row))
    out = []
    for item in items():
        held = by_item.get(item.number, [])
        out.append(
            {
                "item": item.number,
                "group_zh": item.group_zh,
                "group_en": item.group_en,
                "title_zh": item.title_zh,
                "title_en": item.title_en,
                "state": item_state([d["expires_on"] for d in held], today),
                "documents": [document_summary(d) for d in held],
            }
        )
    counts = {s: sum(i["state"] == s for i in out) for s in ("present", "expired", "missing")}
    return {
        "credit_code": credit_code,
        "name": name,
        "as_of": today.isoformat(),
        "counts": counts,
        "items": out,
    }


def completeness_table(
    engine: sa.Engine, principal: Principal, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per enterprise the user may see the archive of: how many E.1 items are present, expired
    and missing, the missing and expired item numbers (the staff's table)."""
    owners = policy.document_owners(principal)
    today = today or local_today()
    mine = "" if owners is None else "WHERE e.credit_code = ANY(:owners)"
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT e.credit_code, e.name, d.archive_item, "
                "array_agg(d.expires_on) FILTER (WHERE d.id IS NOT NULL) AS expiries "
                "FROM enterprises e LEFT JOIN documents d ON d.credit_code = e.credit_code "
                f"AND d.archive_item IS NOT NULL {mine} "
                "GROUP BY e.credit_code, e.name, d.archive_item ORDER BY e.name"
            ),
            {"owners": list(owners or ())},
        ).mappings()
        held: dict[str, dict[str, Any]] = {}
        for row in rows:
            entry = held.setdefault(row["credit_code"], {"name": row["name"], "items": {}})
            if row["archive_item"] is not None:
                entry["items"][row["archive_item"]] = list(row["expiries"] or [])
    out = []
    for credit_code, entry in held.items():
        states = {i.number: item_state(entry["items"].get(i.number, []), today) for i in items()}
        out.append(
            {
                "credit_code": credit_code,
                "name": entry["name"],
                "present": sum(s == "present" for s in states.values()),
                "expired": sum(s == "expired" for s in states.values()),
                "missing": sum(s == "missing" for s in states.values()),
                "expired_items": [n for n, s in states.items() if s == "expired"],
                "missing_items": [n for n, s in states.items() if s == "missing"],
            }
        )
    return out
