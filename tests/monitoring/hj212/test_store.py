"""Storing device values: new ones COPied straight in, a batch holding a stored key upserted."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from monitoring.hj212.store import store_values

COLUMNS = ["station_code", "time", "parameter", "value", "unit", "flag"]


def _frame(values: list[float], start: str = "2025-03-01T00:00+08:00") -> pd.DataFrame:
    times = pd.date_range(start, periods=len(values), freq="h")
    return pd.DataFrame(
        [("AQ-01", t, "a21026", v, "μg/m³", "N") for t, v in zip(times, values, strict=True)],
        columns=COLUMNS,
    )


def _stored(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as c:
        return [
            tuple(r)
            for r in c.execute(
                sa.text("SELECT time, value, xmin::text FROM observations ORDER BY time")
            )
        ]


def test_new_values_go_straight_in_and_a_batch_sent_again_changes_nothing(
    station_engine: sa.Engine,
) -> None:
    with station_engine.begin() as c:
        assert store_values(c, _frame([10.0, 11.0, 12.0])) == (3, 0)
    first = _stored(station_engine)
    with station_engine.begin() as c:  # the same packets again: the COPY fails, the upsert not
        assert store_values(c, _frame([10.0, 11.0, 12.0])) == (0, 0)
    assert _stored(station_engine) == first  # untouched, not rewritten (same xmin)


def test_a_batch_with_one_stored_key_upserts_the_rest_and_the_change(
    station_engine: sa.Engine,
) -> None:
    with station_engine.begin() as c:
        store_values(c, _frame([10.0]))
    with station_engine.begin() as c:
        # the stored hour with a corrected value, and two new hours
        assert store_values(c, _frame([10.5, 11.0, 12.0])) == (2, 1)
        audit = c.execute(
            sa.text(
                "SELECT action, rows FROM audit_log WHERE layer = 'observations'"
                " ORDER BY id DESC LIMIT 2"
            )
        ).all()
    assert [v for _, v, _ in _stored(station_engine)] == [10.5, 11.0, 12.0]
    assert sorted(audit) == [("insert", 2), ("update", 1)]  # the failed COPY left no entry
