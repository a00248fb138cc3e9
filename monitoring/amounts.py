"""The devices' own amounts (HJ 212-2017 ``Cou`` of hour and day data) into
``monitoring_discharge_amounts``, in the caller's transaction (``monitoring.intake``).

A Cou is stored under the station, the stored (2017) code, the packet's data time and its
interval; a later packet for the same key replaces it, as a value does. Only registered
factors' amounts are kept (an unregistered factor's value is kept apart, its amount is not used
by any load).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

#: HJ 212 packet kind → the interval of its Cou.
INTERVAL_OF_KIND = {"hour": "hour", "day": "day"}

_UPSERT = sa.text(
    "INSERT INTO monitoring_discharge_amounts (station_code, parameter, time, interval, amount)"
    " VALUES (:station, :parameter, :time, :interval, :amount)"
    " ON CONFLICT (station_code, parameter, interval, time)"
    " DO UPDATE SET amount = EXCLUDED.amount"
)

#: One amount: (station code, 2017 code, data time, interval, amount).
AmountRow = tuple[str, str, dt.datetime, str, float]


def store_amounts(connection: sa.Connection, rows: Iterable[AmountRow]) -> int:
    """Upsert ``rows``; the number of distinct keys written."""
    latest: dict[tuple[str, str, dt.datetime, str], float] = {}
    for station, parameter, time, interval, amount in rows:
        latest[(station, parameter, time, interval)] = amount  # a later one replaces
    if not latest:
        return 0
    connection.execute(
        _UPSERT,
        [
            {"station": s, "parameter": p, "time": t, "interval": i, "amount": a}
            for (s, p, t, i), a in latest.items()
        ],
    )
    return len(latest)
