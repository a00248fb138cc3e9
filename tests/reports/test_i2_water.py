"""Table I.2's water targets, hand-checked: a river running east from the park's outfall, an
intake 2.8 km downstream (in), another 7.5 km downstream (out) and a wetland upstream (out)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from reports.receptors_i2 import water_targets

CREDIT = "91321283MA25XRUQ2P"


def test_only_targets_within_5_km_downstream_count(engine: sa.Engine) -> None:
    statements = (
        "INSERT INTO park (code, name, geom) VALUES ('P1', '测试园区', ST_Multi("
        "ST_MakeEnvelope(120.0, 32.0, 120.01, 32.01, 4326)))",
        "INSERT INTO enterprises (name, credit_code, geom) VALUES ('测试企业', :c, "
        "ST_SetSRID(ST_MakePoint(120.005, 32.005), 4326))",
        "INSERT INTO rivers (name, reach_code, geom) VALUES ('东河', 'R-1', "
        "ST_GeomFromText('LINESTRING(120.0 32.0, 120.2 32.0)', 4326))",
        "INSERT INTO outfalls (code, credit_code, kind, river_reach, geom) VALUES "
        "('O-1', :c, 'wastewater', 'R-1', ST_SetSRID(ST_MakePoint(120.0, 32.0), 4326))",
        "INSERT INTO receptors (name, category, water_sensitive, geom) VALUES "
        "('近取水口', 'water_intake', true, ST_SetSRID(ST_MakePoint(120.03, 32.0005), 4326)),"
        "('远取水口', 'water_intake', true, ST_SetSRID(ST_MakePoint(120.08, 32.0), 4326)),"
        "('上游湿地', 'ecological', true, ST_SetSRID(ST_MakePoint(119.98, 32.0), 4326))",
    )
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement), {"c": CREDIT})
    with engine.connect() as connection:
        found = water_targets(connection, (120.005, 32.005))
    assert [(d, n) for d, _, n in found] == [("东 E", "近取水口")]
    # 0.03° of longitude at 32° N along the river: 2,832 m
    assert found[0][1] == pytest.approx(2832, abs=30)
