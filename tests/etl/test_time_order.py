"""Observations loaded from files land in time order with their BRIN index summarised, so a
``datetime`` filter reads one month's partition and a few of its block ranges, not the table
(etl.upsert's ``in_time_order``)."""

from __future__ import annotations

import sqlalchemy as sa


def test_loaded_observations_are_in_time_order_and_summarised(demo_db_url: str) -> None:
    engine = sa.create_engine(demo_db_url)
    with engine.connect() as connection:
        left = connection.execute(
            sa.text(
                "SELECT sum(brin_summarize_new_values(relid)) FROM "
                "pg_partition_tree('ix_observations_time'::regclass) WHERE isleaf"
            )
        ).scalar_one()
        march_index = connection.execute(
            sa.text(
                "SELECT i.relname FROM pg_partition_tree('ix_observations_time'::regclass) t "
                "JOIN pg_class i ON i.oid = t.relid JOIN pg_index x ON x.indexrelid = i.oid "
                "WHERE x.indrelid = 'observations_y2025m03'::regclass"
            )
        ).scalar_one()
        correlation = connection.execute(
            sa.text(
                "SELECT correlation FROM pg_stats "
                "WHERE tablename = 'observations_y2025m03' AND attname = 'time'"
            )
        ).scalar_one()
        total = connection.execute(sa.text("SELECT count(*) FROM observations")).scalar_one()
        plan = "\n".join(
            row[0]
            for row in connection.execute(
                sa.text(
                    "EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM observations "
                    "WHERE time >= '2025-03-01T00:00:00Z' AND time < '2025-03-02T00:00:00Z'"
                )
            )
        )
    engine.dispose()
    assert left == 0  # every range the load filled was summarised by the load itself
    assert correlation > 0.99  # the demo files are by station; the rows are by time
    assert march_index in plan
    assert "observations_y2025m02" not in plan  # the other months are pruned
    removed = [line for line in plan.splitlines() if "Rows Removed by Index Recheck" in line]
    # a day's rows plus the rest of their block ranges: a few ranges, not the whole table
    assert not removed or int(removed[0].split(":")[1]) < 0.1 * total
