"""numberMatched: exact and fresh on small tables; on large ones counted up to the cap and reused
for the same query for a while (geoapi.query's rule), never stopping a client's paging early."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from geoapi import features
from geoapi.query import parse_items
from layers import REGISTRY

NODES = next(layer for layer in REGISTRY if layer.id == "sewer_nodes")
BASE = "http://127.0.0.1:5000/ogcapi"


def _add_nodes(engine: Engine, first: int, count: int) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sewer_nodes (code, kind, geom) SELECT 'N-' || g, 'manhole', "
            "ST_SetSRID(ST_MakePoint(120 + g * 1e-5, 32), 4326) "
            f"FROM generate_series({first}, {first + count - 1}) g"
        )
        connection.exec_driver_sql("ANALYZE sewer_nodes")


def _matched(engine: Engine, **args: str) -> int | None:
    q = parse_items(NODES, args, 4549)
    return features.query_page(engine, q, BASE)[2]


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cap of 10 rows, so a table of a few dozen rows counts as large."""
    monkeypatch.setattr(features, "EXACT_COUNT_MAX", 10)
    monkeypatch.setattr(features, "_ESTIMATE_TTL_S", 0.0)
    features._counts.clear()


def test_a_small_table_is_counted_afresh_on_every_first_page(engine: Engine) -> None:
    _add_nodes(engine, 1, 5)
    assert _matched(engine, limit="2") == 5
    _add_nodes(engine, 6, 1)
    assert _matched(engine, limit="2") == 6


@pytest.mark.usefixtures("small_cap")
def test_a_large_table_reuses_its_count_for_the_same_query(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_nodes(engine, 1, 10)  # planner estimate 10 = the cap: a large table
    assert _matched(engine, limit="2") == 10  # counted: 10 matches, not over the cap
    _add_nodes(engine, 11, 1)
    assert _matched(engine, limit="2") == 10  # reused (the rule allows 30 s of staleness)
    assert _matched(engine, limit="3") == 10  # the same filters: the same count
    # another query (a filter) is counted on its own: 11 matches, over the cap → omitted
    assert _matched(engine, limit="2", kind="manhole") is None
    monkeypatch.setattr(features, "COUNT_REUSE_S", 0)
    assert _matched(engine, limit="2") is None  # expired: counted afresh, 11 > cap


@pytest.mark.usefixtures("small_cap")
def test_paging_past_a_reused_count_recounts_instead_of_stopping(engine: Engine) -> None:
    _add_nodes(engine, 1, 10)
    assert _matched(engine, limit="5") == 10
    _add_nodes(engine, 11, 5)
    assert _matched(engine, limit="5") == 10  # reused
    # a full page ending at the reused count: rows may have come since, so count again
    q = parse_items(NODES, {"limit": "5", "offset": "5"}, 4549)
    text, returned, matched = features.query_page(engine, q, BASE)
    assert returned == 5 and matched is None  # 15 rows now, over the cap of 10: omitted
    body = features.collection_text(q, text, returned, matched, BASE)
    assert b'"rel": "next"' in body or b'"rel":"next"' in body
