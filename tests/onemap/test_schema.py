"""The migrated database agrees with the registry and enforces its rules."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

import layers
from onemap import migrate

POINT = "SRID=4326;POINT(120.0 32.0)"


def test_migrations_match_the_registry(db_url: str) -> None:
    assert migrate.schema_drift(db_url) == []
    assert migrate.current(db_url) is not None


@pytest.mark.parametrize("layer", layers.REGISTRY, ids=lambda layer: layer.id)
def test_table_columns_are_the_registry_fields(engine: Engine, layer: layers.Layer) -> None:
    columns = [c["name"] for c in inspect(engine).get_columns(layer.id)]
    expected = ["id", *layer.field_names] + (["geom"] if layer.geometry else [])
    assert sorted(columns) == sorted(expected)


@pytest.mark.parametrize(
    "layer", [layer for layer in layers.REGISTRY if layer.geometry], ids=lambda layer: layer.id
)
def test_geometry_is_4326_with_a_gist_index(engine: Engine, layer: layers.Layer) -> None:
    with engine.connect() as conn:
        srid = conn.execute(text("SELECT Find_SRID('public', :t, 'geom')"), {"t": layer.id})
        assert srid.scalar_one() == 4326
        method = (
            conn.execute(
                text(
                    "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am am ON am.oid = c.relam JOIN pg_attribute a "
                    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = CAST(:t AS regclass) AND a.attname = 'geom'"
                ),
                {"t": layer.id},
            )
            .scalars()
            .all()
        )
        assert "gist" in method


def _insert_enterprise(conn, **overrides: object) -> None:  # type: ignore[no-untyped-def]
    row = {
        "name": "测试化工有限公司",
        "credit_code": "91350100M000100Y43",
        "risk": "general",
        "geom": POINT,
    }
    row.update(overrides)
    conn.execute(
        text(
            "INSERT INTO enterprises (name, credit_code, risk_level, geom) "
            "VALUES (:name, :credit_code, :risk, ST_GeomFromEWKT(:geom))"
        ),
        row,
    )


def test_valid_row_is_accepted(engine: Engine) -> None:
    with engine.begin() as conn:
        _insert_enterprise(conn)
        assert conn.execute(text("SELECT count(*) FROM enterprises")).scalar_one() == 1


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"risk": "huge"}, "ck_enterprises_risk_level_enum"),
        ({"credit_code": "91350100M000100I43"}, "ck_enterprises_credit_code_pattern"),
        ({"geom": "SRID=4326;POLYGON((0 0,1 1,1 0,0 1,0 0))"}, "does not match column type"),
        ({"geom": "SRID=4326;POINT(120 NaN)"}, "ck_enterprises_geom_valid"),
    ],
)
def test_constraints_reject_bad_rows(
    engine: Engine, overrides: dict[str, object], constraint: str
) -> None:
    with pytest.raises(Exception) as info, engine.begin() as conn:
        _insert_enterprise(conn, **overrides)
    assert constraint in str(info.value)


def test_invalid_polygon_is_rejected(engine: Engine) -> None:
    bowtie = "SRID=4326;MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))"
    with pytest.raises(IntegrityError, match="ck_zones_geom_valid"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO zones (kind, name, geom) VALUES ('functional', 'x', "
                "ST_GeomFromEWKT(:g))"
            ),
            {"g": bowtie},
        )


def test_outfall_needs_its_enterprise(engine: Engine) -> None:
    with pytest.raises(IntegrityError, match="fk_outfalls_credit_code"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outfalls (code, credit_code, kind, geom) VALUES "
                "('DA001', '91350100M000100Y43', 'stack', ST_GeomFromEWKT(:g))"
            ),
            {"g": POINT},
        )


def test_receptor_accepts_point_and_polygon_but_not_line(engine: Engine) -> None:
    sql = text(
        "INSERT INTO receptors (name, category, geom) VALUES (:n, 'residential', "
        "ST_GeomFromEWKT(:g))"
    )
    with engine.begin() as conn:
        conn.execute(sql, {"n": "王庄", "g": POINT})
        conn.execute(sql, {"n": "李庄", "g": "SRID=4326;POLYGON((0 0,0 1,1 1,1 0,0 0))"})
    with pytest.raises(IntegrityError, match="ck_receptors_geom_type"), engine.begin() as conn:
        conn.execute(sql, {"n": "河", "g": "SRID=4326;LINESTRING(0 0,1 1)"})
