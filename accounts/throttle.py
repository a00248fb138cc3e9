"""Slowing and then refusing repeated failed sign-ins, per login and per client address.

After :data:`SLOW_AFTER` failures within :data:`WINDOW_S` the next attempt must wait
2^(n - SLOW_AFTER) seconds after the last failure (1 s, 2 s, 4 s, ...); after
:data:`REFUSE_AFTER` failures sign-in is refused until the window has passed since the last
one. Attempts made too early are answered 429 with ``Retry-After`` and are not checked, so a
password guesser gets a handful of tries per quarter hour. The counts live in the database,
so every app server shares them.
"""

from __future__ import annotations

import math

import sqlalchemy as sa

from accounts.errors import Throttled

WINDOW_S = 900
SLOW_AFTER = 3
REFUSE_AFTER = 10


def _wait_s(failures: int, since_last_s: float) -> float:
    if failures >= REFUSE_AFTER:
        return WINDOW_S - since_last_s
    if failures >= SLOW_AFTER:
        return 2.0 ** (failures - SLOW_AFTER) - since_last_s
    return 0.0


def check(engine: sa.Engine, login: str, address: str) -> None:
    """Raise :class:`Throttled` when ``login`` or ``address`` must wait before trying again."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE login = :l), "
                "extract(epoch FROM now() - max(at) FILTER (WHERE login = :l)), "
                "count(*) FILTER (WHERE address = :a), "
                "extract(epoch FROM now() - max(at) FILTER (WHERE address = :a)) "
                "FROM accounts_login_failures WHERE (login = :l OR address = :a) "
                "AND at > now() - make_interval(secs => :w)"
            ),
            {"l": login, "a": address, "w": WINDOW_S},
        ).one()
    waits = [
        _wait_s(int(rows[0]), float(rows[1] or 0)),
        _wait_s(int(rows[2]), float(rows[3] or 0)),
    ]
    wait = max(waits)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise Throttled(
            f"登录失败次数过多，请{seconds}秒后再试 / too many failed sign-ins: "
            f"try again in {seconds} s",
            seconds,
        )


def record_failure(engine: sa.Engine, login: str, address: str) -> None:
    """Count one failed sign-in of ``login`` from ``address``."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "DELETE FROM accounts_login_failures WHERE at < now() - make_interval(secs => :w)"
            ),
            {"w": WINDOW_S},
        )
        connection.execute(
            sa.text("INSERT INTO accounts_login_failures (login, address) VALUES (:l, :a)"),
            {"l": login, "a": address},
        )


def clear(engine: sa.Engine, login: str) -> None:
    """Forget the failures of ``login`` after a successful sign-in."""
    with engine.begin() as connection:
        connection.execute(
            sa.text("DELETE FROM accounts_login_failures WHERE login = :l"), {"l": login}
        )
