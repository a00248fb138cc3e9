"""Anonymous complaints (Guangxi A.1 item 13, 6.1.6; Jiangsu 7.8.2): anyone files one without an
account (a place, a description), gets a receipt code, and follows its progress by that code.

A complaint is a clue with source ``complaint`` in its initial state, registered by ``public``.
The receipt code is shown once and stored only as its SHA-256, so nobody reading the table (an
enterprise reading clues about itself included) can follow another's complaint. What the code
shows is the state and the dates of each step: no names, comments or enterprise.

Complaints are rate-limited per client address like failed sign-ins (``accounts.throttle``):
at most :data:`PER_WINDOW` accepted complaints per :data:`WINDOW_S` (``ONEMAP_COMPLAINTS_PER_HOUR``
overrides it), counted in the database so that every app server shares the count; the address
is kept only as its SHA-256, and only for the window.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import secrets
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from accounts.principal import ANONYMOUS
from cases.clues import CLUES
from cases.errors import BadCaseInput, CaseNotFound, TooManyComplaints
from cases.history import case_history
from cases.store import Attachments, create_case

WINDOW_S = 3600
PER_WINDOW = 5
#: Overrides PER_WINDOW (a park whose visitors share one address, e.g. behind a proxy).
ENV_PER_WINDOW = "ONEMAP_COMPLAINTS_PER_HOUR"
#: Receipt codes: 12 characters of an alphabet without look-alikes (0/O, 1/I/L), 60 bits.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_RECEIPT = re.compile(r"^[2-9A-HJKMNP-Z]{12}$")
MAX_DESCRIPTION = 2000
MAX_PHOTOS = 3
#: What a complaint may say about itself (the rest is set by the office).
FIELDS = ("clue_type", "occurred_at", "description")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_receipt() -> str:
    """``7KQ4-M2XD-9PRT``: a fresh receipt code."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def receipt_digest(receipt: str) -> str | None:
    """The stored digest of a receipt code as typed (any case, with or without dashes); None
    when it cannot be one."""
    raw = re.sub(r"[\s-]", "", receipt).upper()
    return _sha256(raw) if _RECEIPT.match(raw) else None


def per_window() -> int:
    """Complaints accepted per address and hour (``ONEMAP_COMPLAINTS_PER_HOUR``, default 5)."""
    raw = os.environ.get(ENV_PER_WINDOW, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else PER_WINDOW


def _check_rate(connection: sa.Connection, address_sha256: str) -> None:
    count, oldest_s = connection.execute(
        sa.text(
            "SELECT count(*), extract(epoch FROM now() - min(at)) FROM case_complaint_attempts "
            "WHERE address_sha256 = :a AND at > now() - make_interval(secs => :w)"
        ),
        {"a": address_sha256, "w": WINDOW_S},
    ).one()
    if int(count) >= per_window():
        wait_s = max(1, math.ceil(WINDOW_S - float(oldest_s or 0)))
        raise TooManyComplaints(
            f"投诉过于频繁，请{wait_s}秒后再试 / too many complaints from this address: "
            f"try again in {wait_s} s",
            wait_s,
        )


def file_complaint(
    engine: sa.Engine,
    address: str,
    properties: Mapping[str, Any],
    geometry: Any,
    photos: Attachments = None,
) -> tuple[int, str]:
    """Register an anonymous complaint; ``(clue id, receipt code)``.

    :class:`TooManyComplaints` when ``address`` has filed :data:`PER_WINDOW` within the window;
    :class:`BadCaseInput` without a location or a description; ``photos`` (images only) are
    attached to the complaint's first history entry.
    """
    address_sha256 = _sha256(address)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "DELETE FROM case_complaint_attempts WHERE at < now() - make_interval(secs => :w)"
            ),
            {"w": WINDOW_S},
        )
        _check_rate(connection, address_sha256)
    if geometry is None:
        raise BadCaseInput("缺少位置 / a complaint needs its place: click it on the map")
    description = properties.get("description")
    if not isinstance(description, str) or not description.strip():
        raise BadCaseInput("缺少问题描述 / say what is wrong (description)")
    if len(description) > MAX_DESCRIPTION:
        raise BadCaseInput(
            f"描述过长 / the description is longer than {MAX_DESCRIPTION} characters"
        )
    if photos is not None and len(photos[1]) > MAX_PHOTOS:
        raise BadCaseInput(f"照片过多 / at most {MAX_PHOTOS} photos")
    unknown = sorted(set(properties) - set(FIELDS))
    if unknown:
        raise BadCaseInput(
            f"不能设置的字段 / a complaint cannot set {', '.join(unknown)}; it sets: "
            + ", ".join(FIELDS)
        )
    values = {
        "source": "complaint",
        "clue_type": properties.get("clue_type") or "other",
        "occurred_at": properties.get("occurred_at") or dt.datetime.now(dt.UTC),
        "description": description,
    }
    receipt = new_receipt()
    case_id = create_case(
        engine,
        CLUES,
        ANONYMOUS,
        values,
        geometry,
        receipt_sha256=_sha256(receipt.replace("-", "")),
        attachments=photos,
    )
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO case_complaint_attempts (address_sha256) VALUES (:a)"),
            {"a": address_sha256},
        )
    return case_id, receipt


def complaint_status(engine: sa.Engine, receipt: str) -> dict[str, Any]:
    """What the receipt code shows: the state and when each step was made."""
    digest = receipt_digest(receipt)
    if digest is None:
        raise CaseNotFound(
            "回执码格式错误 / a receipt code is 12 letters and digits (XXXX-XXXX-XXXX)"
        )
    with engine.connect() as connection:
        row = (
            connection.execute(
                sa.text(
                    "SELECT id, case_no, state, registered_at, updated_at FROM clues "
                    "WHERE receipt_sha256 = :d"
                ),
                {"d": digest},
            )
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise CaseNotFound("无此回执码 / no complaint has this receipt code")
        steps = case_history(connection, CLUES, row["id"], private=False)
    return {
        "receipt": receipt.upper(),
        "case_no": row["case_no"],
        "state": row["state"],
        "state_title": CLUES.state_title(row["state"]),
        "registered_at": row["registered_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        "steps": steps,
    }
