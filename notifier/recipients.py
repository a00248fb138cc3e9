"""Who is told where: each user's configured channels (``notification_recipients``), the users
of an enterprise, and the enterprises' environmental contacts from a CSV file.

Targets are kept as ``{channel: (target, ...)}``; :func:`merged` joins several without repeats.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

import sqlalchemy as sa

from notifier.channels import CHANNELS, check_target
from notifier.errors import NotifierConfigError

Targets = dict[str, tuple[str, ...]]
#: credit code → that enterprise's contact targets
Contacts = Mapping[str, Targets]


def merged(*parts: Mapping[str, Iterable[str]]) -> Targets:
    """The union of ``parts`` per channel, in order of first appearance."""
    out: dict[str, list[str]] = {channel: [] for channel in CHANNELS}
    for part in parts:
        for channel, targets in part.items():
            for target in targets:
                if target not in out[channel]:
                    out[channel].append(target)
    return {channel: tuple(targets) for channel, targets in out.items() if targets}


def targets_of_users(connection: sa.Connection, logins: Iterable[str]) -> Targets:
    """The enabled channels of the enabled users among ``logins``."""
    wanted = sorted(set(logins))
    if not wanted:
        return {}
    rows = connection.execute(
        sa.text(
            "SELECT r.channel, r.target FROM notification_recipients r "
            "JOIN accounts_users u ON u.login = r.login "
            "WHERE r.login = ANY(:logins) AND r.enabled AND NOT u.disabled "
            "ORDER BY r.login, r.channel, r.target"
        ),
        {"logins": wanted},
    )
    return merged(*({channel: (target,)} for channel, target in rows))


def users_of_enterprise(connection: sa.Connection, credit_code: str) -> list[str]:
    """The logins of the enabled users acting for the enterprise ``credit_code``."""
    return list(
        connection.execute(
            sa.text(
                "SELECT login FROM accounts_users WHERE :c = ANY(enterprises) AND NOT disabled "
                "ORDER BY login"
            ),
            {"c": credit_code},
        ).scalars()
    )


def existing_logins(connection: sa.Connection, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that are users' logins (a case's handler may name one, or a person)."""
    wanted = sorted({n.strip() for n in names if n and n.strip()})
    if not wanted:
        return []
    return list(
        connection.execute(
            sa.text("SELECT login FROM accounts_users WHERE login = ANY(:n) ORDER BY login"),
            {"n": wanted},
        ).scalars()
    )


def set_targets(connection: sa.Connection, login: str, channel: str, targets: Iterable[str]) -> int:
    """Make ``targets`` the user's only ``channel`` targets; how many. Each is checked
    (:class:`NotifierConfigError`), and the user must exist."""
    checked = sorted({check_target(channel, t) for t in targets})
    exists = connection.execute(
        sa.text("SELECT 1 FROM accounts_users WHERE login = :l"), {"l": login}
    ).scalar_one_or_none()
    if exists is None:
        raise NotifierConfigError(f"无此用户 / no user {login!r}")
    connection.execute(
        sa.text("DELETE FROM notification_recipients WHERE login = :l AND channel = :c"),
        {"l": login, "c": channel},
    )
    for target in checked:
        connection.execute(
            sa.text(
                "INSERT INTO notification_recipients (login, channel, target) VALUES (:l, :c, :t)"
            ),
            {"l": login, "c": channel, "t": target},
        )
    return len(checked)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def load_contacts(path: str | None) -> dict[str, Targets]:
    """The contacts file ``credit_code,email,webhook`` (several targets comma-separated inside
    quotes); empty without a path; :class:`NotifierConfigError` when unreadable."""
    if not path:
        return {}
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as stream:
            return {
                row["credit_code"].strip(): merged(
                    {
                        "email": _split(row.get("email")),
                        "webhook": _split(row.get("webhook")),
                    }
                )
                for row in csv.DictReader(stream)
                if row.get("credit_code")
            }
    except (OSError, KeyError) as exc:
        raise NotifierConfigError(
            f"无法读取联系人文件 / cannot read contacts {path}: {exc}"
        ) from None
