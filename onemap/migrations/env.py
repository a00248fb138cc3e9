"""Alembic environment: the target metadata is derived from the layer registry, plus the
accounts and audit tables."""

from __future__ import annotations

from alembic import context
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

# Tables PostGIS and its companions own; they are not part of the park model.
FOREIGN_TABLES = {"spatial_ref_sys"}


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    if type_ == "table" and partitions.is_partition_name(name):  # months, default partitions
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def run_migrations_online() -> None:
    url = context.config.attributes["database_url"]
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=[
                metadata,
                accounts_metadata,
                monitoring_metadata,
                cases_metadata,
                notifier_metadata,
                reports_metadata,
                province_metadata,
            ],
            include_object=include_object,
            process_revision_directives=alembic_helpers.writer,
            render_item=alembic_helpers.render_item,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
