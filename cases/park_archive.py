"""The park's environmental management archive (Guangxi Appendix E, Table E.2: 7 items),
access-controlled (4.2.4.2). Item 1 is the enterprises' one-enterprise-one-file records
(:mod:`cases.archive`, Table E.1): its state sums theirs. Items 2-7 hold the park's own
documents (infrastructure, overall management files and maps, rules, plans, surveys, mandatory
lists), filed here with their issue and expiry dates and judged as E.1's items are. The items
are shipped as data (``e2_items.csv``), transcribed from the standard's Table E.2.
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
from cases import archive, documents
from cases.errors import BadCaseInput, CaseNotFound, TransitionForbidden

#: E.2's item that is not filed here: the enterprises' E.1 files.
ENTERPRISE_FILES = 1


@dataclass(frozen=True)
class ParkItem:
    """One item of Table E.2."""

    number: int
    title_zh: str
    title_en: str
    content_zh: str


@functools.cache
def items() -> tuple[ParkItem, ...]:
    """The 7 items of E.2, in order."""
    text = resources.files("cases").joinpath("e2_items.csv").read_text("utf-8")
    return tuple(
        ParkItem(int(r["item"]), r["title_zh"], r["title_en"], r["content_zh"])
        for r in csv.DictReader(text.splitlines())
    )


def _refuse_unless(allowed: bool, principal: Principal) -> None:
    """The park's archive is the park's: others are told it is not there for them."""
    if not allowed:
        if policy.may_read_documents(principal, None):
            raise TransitionForbidden(f"无权归档 / {principal.login} may not file park documents")
        raise CaseNotFound("无此档案 / no park archive for this account")


def file_park_document(
    engine: sa.Engine,
    store: documents.DocumentStore,
    principal: Principal,
    fields: dict[str, Any],
    upload: documents.Upload,
) -> int:
    """File one document under an E.2 item (2-7) of the park's archive; its id.

    ``fields``: ``item``, ``title``, ``issued_on``, ``expires_on`` (YYYY-MM-DD).
    """
    _refuse_unless(policy.may_file_documents(principal, None), principal)
    try:
        item = int(fields.get("item") or 0)
    except (TypeError, ValueError):
        item = 0
    if item == ENTERPRISE_FILES:
        raise BadCaseInput(
            "第1项为入驻企业一企一档，请归入企业档案 / item 1 is the enterprises' E.1 files: "
            "file them at /archive/{credit_code}"
        )
    if not 2 <= item <= len(items()):
        raise BadCaseInput(f"未知档案条目 / item must be one of E.2's 2-{len(items())}")
    issued_on = archive.parse_date(fields.get("issued_on"), "issued_on")
    expires_on = archive.parse_date(fields.get("expires_on"), "expires_on")
    if issued_on and expires_on and expires_on < issued_on:
        raise BadCaseInput("有效期早于发证日期 / expires_on lies before issued_on")
    title = str(fields.get("title") or "").strip() or items()[item - 1].title_zh
    actor = f"user:{principal.login}"
    link = {
        "park_item": item,
        "title": title[:200],
        "issued_on": issued_on,
        "expires_on": expires_on,
    }
    with engine.begin() as connection:
        audit.set_actor(connection, actor)
        (document_id,) = documents.save(connection, store, [upload], actor, owner=None, link=link)
    return document_id


def _enterprise_files_state(table: list[dict[str, Any]]) -> tuple[str, dict[str, int]]:
    """Item 1's state from the E.1 table: missing while any enterprise misses an item, else
    expired while any holds only expired documents for one, else present."""
    counts = {
        "enterprises": len(table),
        "complete": sum(not r["missing"] and not r["expired"] for r in table),
        "with_missing": sum(bool(r["missing"]) for r in table),
        "with_expired": sum(bool(r["expired"]) for r in table),
    }
    if counts["with_missing"]:
        return "missing", counts
    return ("expired" if counts["with_expired"] else "present"), counts


def park_completeness(
    engine: sa.Engine, principal: Principal, today: dt.date | None = None
) -> dict[str, Any]:
    """The park's E.2 archive: per item its state and documents (item 1: the enterprises')."""
    _refuse_unless(policy.may_read_documents(principal, None), principal)
    today = today or archive.local_today()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT id, park_item, title, filename, media_type, issued_on, expires_on "
                "FROM documents WHERE park_item IS NOT NULL ORDER BY id"
            )
        ).mappings()
        by_item: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_item.setdefault(row["park_item"], []).append(dict(row))
    first_state, first_counts = _enterprise_files_state(
        archive.completeness_table(engine, principal, today)
    )
    out = []
    for item in items():
        entry: dict[str, Any] = {
            "item": item.number,
            "title_zh": item.title_zh,
            "title_en": item.title_en,
            "content_zh": item.content_zh,
        }
        if item.number == ENTERPRISE_FILES:
            entry |= {"state": first_state, "enterprises": first_counts, "documents": []}
        else:
            held = by_item.get(item.number, [])
            entry |= {
                "state": archive.item_state([d["expires_on"] for d in held], today),
                "documents": [archive.document_summary(d) for d in held],
            }
        out.append(entry)
    counts = {s: sum(i["state"] == s for i in out) for s in ("present", "expired", "missing")}
    return {"as_of": today.isoformat(), "counts": counts, "items": out}
