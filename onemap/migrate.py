"""Schema migrations with Alembic, run programmatically against any database URL.

The migration scripts in ``onemap/migrations/versions`` are generated from the registry-derived
metadata (``layers.schema``) with :func:`autogenerate` and reviewed before they are committed; a
test checks that the migrated schema and the registry agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from onemap.database import normalise_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    config.attributes["database_url"] = normalise_url(url)
    return config


def ensure_postgis(url: str) -> None:
    """Create the postgis extension when missing (needs a role allowed to create it)."""
    dsn = (
        make_url(normalise_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def upgrade(url: str, revision: str = "head") -> None:
    """Create the postgis extension and migrate the schema to ``revision``."""
    ensure_postgis(url)
    command.upgrade(alembic_config(url), revision)


def current(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def autogenerate(url: str, message: str) -> None:
    """Write a new migration script for the difference between the database and the registry."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


def schema_drift(url: str) -> list[object]:
    """Differences between the migrated database and the registry; empty when they agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from geoalchemy2 import alembic_helpers
    from sqlalchemy import create_engine

    from accounts.schema import metadata as accounts_metadata
    from cases.schema import metadata as cases_metadata
    from layers import partitions
    from layers.schema import metadata
    from monitoring.schema import metadata as monitoring_metadata
    from notifier.schema import metadata as notifier_metadata
    from province.schema import metadata as province_metadata
    from reports.schema import metadata as reports_metadata

    def include(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        if type_ == "table" and name in {"spatial_ref_sys", "alembic_version"}:
            return False
        if type_ == "table" and partitions.is_partition_name(name):  # months, defaults
            return False
        return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)

    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": include, "compare_type": True}
            )
            return view_drift(conn) + list(
                compare_metadata(
                    context,
                    [
                        metadata,
                        accounts_metadata,
                        monitoring_metadata,
                        cases_metadata,
                        notifier_metadata,
                        reports_metadata,
                        province_metadata,
                    ],
                )
            )
    finally:
        engine.dispose()


def view_drift(conn: Any) -> list[object]:
    """``("view", id, why)`` for each declared view (``layers.VIEWS``) missing from the
    database or defined otherwise than its declaration: the declared text is made a temporary
    view and the server's normalised definitions of the two are compared."""
    from sqlalchemy import text

    from layers import VIEWS

    drift: list[object] = []
    for layer in VIEWS:
        assert layer.view is not None
        stored = conn.execute(
            text("SELECT definition FROM pg_views WHERE schemaname = 'public' AND viewname = :v"),
            {"v": layer.id},
        ).scalar()
        if stored is None:
            drift.append(("view", layer.id, "missing"))
            continue
        probe = f"onemap_drift_{layer.id}"
        with conn.begin_nested():
            conn.execute(text(f'CREATE TEMPORARY VIEW "{probe}" AS {layer.view}'))
            declared = conn.execute(
                text("SELECT pg_get_viewdef(CAST(:v AS regclass))"), {"v": probe}
            ).scalar()
            conn.execute(text(f'DROP VIEW "{probe}"'))
        if declared != stored:
            drift.append(("view", layer.id, "defined otherwise than its declaration"))
    return drift


def head_revision() -> str:
    """The newest migration's revision id."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("postgresql://")).get_current_head()
    assert head is not None
    return head
