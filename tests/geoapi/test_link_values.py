"""Related links carry the referenced value percent-encoded, whatever characters it holds."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine

from geoapi.features import query_page
from geoapi.query import parse_items
from layers import REGISTRY

AWKWARD = "W 1&2#3+4%5/井"


def test_link_hrefs_keep_awkward_codes(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sewer_nodes (code, kind, geom) VALUES "
            "(%(a)s, 'manhole', ST_SetSRID(ST_MakePoint(120.0, 32.0), 4326)), "
            "('N-2', 'manhole', ST_SetSRID(ST_MakePoint(120.001, 32.0), 4326))",
            {"a": AWKWARD},
        )
        connection.exec_driver_sql(
            "INSERT INTO sewer_pipes (code, system, from_node, to_node, geom) VALUES "
            "('P-1', 'sewage', %(a)s, 'N-2', ST_SetSRID(ST_MakeLine("
            "ST_MakePoint(120.0, 32.0), ST_MakePoint(120.001, 32.0)), 4326))",
            {"a": AWKWARD},
        )
    layer = next(layer for layer in REGISTRY if layer.id == "sewer_pipes")
    q = parse_items(layer, {}, 4549)
    text, returned, _ = query_page(engine, q, "http://127.0.0.1:5000/ogcapi")
    [feature] = json.loads(b"[" + text + b"]")
    assert returned == 1
    values = []
    for link in feature["links"]:
        query = parse_qs(urlsplit(link["href"]).query)
        values.extend(query["code"])
    assert sorted(values) == sorted([AWKWARD, "N-2"])
