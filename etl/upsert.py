"""Valid rows into a layer's table: COPY into a staging table, then one upsert.

The upsert is keyed on the layer's natural key (its UNIQUE constraint) and changes a row only
when some loaded column differs (``IS DISTINCT FROM``), so loading the same file twice leaves
every row, and its ``xmin``, untouched. ``RETURNING (xmax = 0)`` tells inserted rows (no prior
version) from updated ones. Columns the file does not have are left as they are on update.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd
import psycopg
import shapely
import sqlalchemy as sa
from psycopg import sql

from layers.schema import GEOMETRY_COLUMN
from layers.spec import FieldType, Layer

#: Rows per COPY chunk (and per progress-bar step).
COPY_CHUNK_ROWS = 25_000


def existing_values(
    connection: sa.Connection, layer_id: str, field: str, candidates: Iterable[object]
) -> set[object]:
    """Which of ``candidates`` already occur in ``layer_id.field``."""
    values = sorted({c for c in candidates if c is not None}, key=str)
    if not values:
        return set()
    query = sa.text(f'SELECT DISTINCT "{field}" FROM "{layer_id}" WHERE "{field}" = ANY(:values)')
    return {row[0] for row in connection.execute(query, {"values": values})}


def geometry_ewkb_hex(geometries: npt.NDArray[np.object_], srid: int) -> npt.NDArray[np.object_]:
    """Hex EWKB with the SRID embedded, as PostGIS reads it in COPY."""
    with_srid = shapely.set_srid(geometries, srid)
    hex_strings: npt.NDArray[np.object_] = shapely.to_wkb(
        with_srid, hex=True, include_srid=True, output_dimension=2
    )
    return hex_strings


def _array_literal(elements: object) -> object:
    """A PostgreSQL text[] literal: ``{"a21026","a21004"}``."""
    if not isinstance(elements, list):
        return None
    quoted = ('"' + str(e).replace("\\", "\\\\").replace('"', '\\"') + '"' for e in elements)
    return "{" + ",".join(quoted) + "}"


def _timestamp_text(column: pd.Series) -> npt.NDArray[np.object_]:
    """ISO 8601 text of tz-aware times, NaT as None (NULL): each distinct time is formatted
    once (a batch of device values holds few distinct times), where ``to_csv`` formats every
    cell, the largest cost of a live batch's COPY."""
    codes, uniques = pd.factorize(column)
    texts = np.array([t.isoformat() for t in uniques] + [None], dtype=object)
    out: npt.NDArray[np.object_] = texts[codes]  # NaT's code -1 takes the last: None
    return out


def copy_frame(layer: Layer, values: pd.DataFrame) -> pd.DataFrame:
    """``values`` with each column in the text form PostgreSQL's COPY (CSV) reads."""
    out = pd.DataFrame(index=values.index)
    for name in values.columns:
        column = values[name]
        kind = layer.field(name).type if name != GEOMETRY_COLUMN else None
        if kind is FieldType.DATE:
            out[name] = column.dt.strftime("%Y-%m-%d")
        elif kind is FieldType.TEXT_LIST:
            out[name] = column.map(_array_literal)
        elif kind is FieldType.TIMESTAMPTZ and isinstance(column.dtype, pd.DatetimeTZDtype):
            out[name] = _timestamp_text(column)
        else:
            out[name] = column
    return out


def upsert(
    connection: sa.Connection,
    layer: Layer,
    values: pd.DataFrame,
    progress: Callable[[int], object] | None = None,
    in_time_order: bool = False,
) -> tuple[int, int]:
    """Upsert ``values`` (field columns and, for geometric layers, ``geom`` as hex EWKB) into
    the layer's table inside ``connection``'s transaction; returns (inserted, updated).

    ``in_time_order`` appends new rows sorted by the layer's time field: a file exported station
    by station would otherwise leave every block range of the BRIN index on time spanning the
    whole year (live HJ 212 batches arrive in time order already)."""
    if values.empty:
        return 0, 0
    columns = list(values.columns)
    key = list(layer.natural_key)
    others = [c for c in columns if c not in key]
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    stage = sql.Identifier(f"onemap_stage_{layer.id}")
    table = sql.Identifier(layer.id)
    column_list = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    with raw.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "
                "SELECT {columns} FROM {table} WITH NO DATA"
            ).format(stage=stage, columns=column_list, table=table)
        )
        if layer.partitioned_by is not None:
            _number_staged_rows(cursor, stage, layer.id)
        text_frame = copy_frame(layer, values)
        copy_sql = sql.SQL("COPY {stage} ({columns}) FROM STDIN (FORMAT csv)").format(
            stage=stage, columns=column_list
        )
        with cursor.copy(copy_sql) as copy:
            for start in range(0, len(text_frame), COPY_CHUNK_ROWS):
                chunk = text_frame.iloc[start : start + COPY_CHUNK_ROWS]
                copy.write(chunk.to_csv(header=False, index=False, lineterminator="\n"))
                if progress is not None:
                    progress(len(chunk))
        order_by = layer.time_field if in_time_order and layer.time_field in columns else None
        numbered = layer.partitioned_by is not None
        cursor.execute(_upsert_sql(layer.id, stage, columns, key, others, order_by, numbered))
        counts = cursor.fetchone()
    assert counts is not None
    return int(counts[0]), int(counts[1])


def append(connection: sa.Connection, layer: Layer, values: pd.DataFrame) -> int:
    """COPY ``values`` straight into the layer's table (no staging table, no conflict check)
    inside ``connection``'s transaction; rows written. A row whose natural key is taken makes
    the whole COPY fail (``psycopg.errors.UniqueViolation``): run it in a savepoint and fall
    back to :func:`upsert`, as :func:`monitoring.hj212.store.store_values` does."""
    if values.empty:
        return 0
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in values.columns)
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN (FORMAT csv)").format(
        table=sql.Identifier(layer.id), columns=columns
    )
    text_frame = copy_frame(layer, values)
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(text_frame), COPY_CHUNK_ROWS):
            chunk = text_frame.iloc[start : start + COPY_CHUNK_ROWS]
            copy.write(chunk.to_csv(header=False, index=False, lineterminator="\n"))
    return len(values)


#: The staged rows' own ids, on a partitioned table (see :func:`_number_staged_rows`).
STAGED_ID = "onemap_staged_id"


def _number_staged_rows(
    cursor: psycopg.Cursor[tuple[object, ...]], stage: sql.Identifier, table: str
) -> None:
    """Give each staged row the id it gets if inserted. A partitioned table cannot return the
    system column ``xmax`` that tells an inserted row from an updated one, but an inserted row
    keeps its staged id and an updated one keeps its old id. (An upsert draws an id for every
    proposed row anyway, so this costs no extra numbers.)"""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
    row = cursor.fetchone()
    assert row is not None and row[0], f"{table}.id has no sequence"
    cursor.execute(
        sql.SQL("ALTER TABLE {stage} ADD COLUMN {staged} bigint DEFAULT nextval({seq})").format(
            stage=stage, staged=sql.Identifier(STAGED_ID), seq=sql.Literal(row[0])
        )
    )


def _upsert_sql(
    table_name: str,
    stage: sql.Identifier,
    columns: list[str],
    key: list[str],
    others: list[str],
    order_by: str | None = None,
    numbered: bool = False,
) -> sql.Composed:
    table = sql.Identifier(table_name)
    column_list = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    key_list = sql.SQL(", ").join(sql.Identifier(c) for c in key)
    conflict: sql.Composable
    if others:
        assignments = sql.SQL(", ").join(
            sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c)) for c in others
        )
        target_row = sql.SQL(", ").join(
            sql.SQL("target.{c}").format(c=sql.Identifier(c)) for c in others
        )
        excluded_row = sql.SQL(", ").join(
            sql.SQL("EXCLUDED.{c}").format(c=sql.Identifier(c)) for c in others
        )
        conflict = sql.SQL(
            "DO UPDATE SET {assignments} WHERE ROW({target_row}) IS DISTINCT FROM ROW({excluded})"
        ).format(assignments=assignments, target_row=target_row, excluded=excluded_row)
    else:
        conflict = sql.SQL("DO NOTHING")
    if numbered:
        return sql.SQL(
            "WITH upserted AS ("
            " INSERT INTO {table} AS target (id, {columns}) SELECT {staged}, {columns}"
            " FROM {stage}{order} ON CONFLICT ({key}) {conflict} RETURNING id)"
            " SELECT count(s.{staged}), count(*) - count(s.{staged})"
            " FROM upserted u LEFT JOIN {stage} s ON s.{staged} = u.id"
        ).format(
            table=table,
            columns=column_list,
            staged=sql.Identifier(STAGED_ID),
            stage=stage,
            order=sql.SQL(" ORDER BY {}").format(sql.Identifier(order_by))
            if order_by
            else sql.SQL(""),
            key=key_list,
            conflict=conflict,
        )
    return sql.SQL(
        "WITH upserted AS ("
        " INSERT INTO {table} AS target ({columns}) SELECT {columns} FROM {stage}{order}"
        " ON CONFLICT ({key}) {conflict} RETURNING (xmax = 0) AS inserted)"
        " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)"
        " FROM upserted"
    ).format(
        table=table,
        columns=column_list,
        stage=stage,
        order=sql.SQL(" ORDER BY {}").format(sql.Identifier(order_by)) if order_by else sql.SQL(""),
        key=key_list,
        conflict=conflict,
    )
