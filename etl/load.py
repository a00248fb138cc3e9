"""Load one file into one layer: read, map headers, validate, upsert, report.

Every row is either loaded or written to the rejects file with its reasons; all valid rows go
in one transaction. With ``strict``, one bad row keeps the whole file out.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import psycopg
import sqlalchemy as sa
from tqdm import tqdm

from accounts import policy
from accounts.audit import set_actor
from etl import observations_wide
from etl.crs import WGS84, SourceCrs, parse_crs
from etl.dates import configured_timezone
from etl.errors import DatabaseError, EtlError, MissingColumnError, ReadOnlyLayerError
from etl.geometry import geometries_from_wkt, points_from_columns, transform_geometries
from etl.headers import (
    LATITUDE_HEADERS,
    LONGITUDE_HEADERS,
    WKT_HEADERS,
    ColumnMapping,
    field_title,
    map_columns,
)
from etl.read import RawInput, read_input
from etl.rejects import default_rejects_path, remove_stale_rejects, write_rejects
from etl.rows import add_geometries, check_references, parse_values
from etl.upsert import upsert
from etl.validate import Reasons, natural_key_duplicates
from layers import get_layer
from layers.partitions import MonthlyTable, ensure_months_of
from layers.schema import brin_index_names
from layers.spec import Layer, input_fields

#: A progress bar is shown for files at least this long, when stderr is a terminal.
PROGRESS_MIN_ROWS = 50_000


@dataclass(frozen=True)
class LoadReport:
    """What loading one file did. ``rejects_path`` is set when some rows were rejected."""

    path: str
    layer: str
    read: int
    inserted: int
    updated: int
    rejected: int
    rejects_path: str | None
    ignored_columns: tuple[str, ...]


def loadable_layer(layer_id: str) -> Layer:
    """The declaration of a layer files may be loaded into; :class:`ReadOnlyLayerError` for a
    layer the database computes (``Layer.view``), :class:`layers.UnknownLayerError` for none."""
    layer = get_layer(layer_id)
    if layer.view is not None:
        raise ReadOnlyLayerError(
            f"{layer.id} 由数据库计算，不能导入 / {layer.id} is computed by the database (a view);"
            " load the observations it is computed from"
        )
    return layer


def load_file(
    path: str | Path,
    layer_id: str,
    engine: sa.Engine,
    *,
    crs: str | None = None,
    rejects_path: str | None = None,
    strict: bool = False,
    actor: str | None = None,
) -> LoadReport:
    """Load ``path`` into layer ``layer_id``.

    Parameters
    ----------
    path : str or Path
        A GeoJSON, GeoPackage, Shapefile (or zipped Shapefile), CSV (or .csv.gz) or XLSX file.
    layer_id : str
        The registry id of the target layer.
    engine : sqlalchemy.Engine
        The database to load into; all valid rows go in one transaction.
    crs : str, optional
        The coordinate system of a CSV/XLSX or of a file declaring none (EPSG code, PROJ
        string, ``gcj02`` or ``bd09``); default WGS84. ``gcj02``/``bd09`` may also refine a file
        declared as WGS84/CGCS2000 lon/lat; any other disagreement with the file is an error.
    rejects_path : str, optional
        Where rejected rows go; default ``<input stem>.rejects.csv`` beside the input. An old
        file there is removed when no row is rejected.
    strict : bool
        Load nothing when any row is rejected.
    actor : str, optional
        Who loads, as the audit trail records it (``cli:USER``); default the database role.

    Returns
    -------
    LoadReport
        Rows read, inserted, updated (changed) and rejected; unchanged rows count in none.

    Raises
    ------
    layers.UnknownLayerError, EtlError
        When the input cannot be used at all.
    """
    layer = loadable_layer(layer_id)
    override = parse_crs(crs) if crs is not None else None
    zone = configured_timezone()
    source_path = Path(path)
    raw = read_input(source_path, layer)
    if raw.is_table and {"parameter", "value"} <= set(layer.field_names):
        raw = observations_wide.to_long(raw, layer)  # a wide export: one column per factor
    mapping = map_columns(layer, raw.frame.columns, table=raw.is_table)
    _require_columns(layer, mapping, raw, source_path)
    source = _source_crs(raw, override, source_path)

    n_rows = len(raw.frame)
    reasons = Reasons(n_rows)
    columns = {name: raw.frame[column] for name, column in mapping.fields.items()}
    values = parse_values(layer, columns, n_rows, reasons, zone)
    if layer.geometry is not None:
        add_geometries(layer, values, _geometries(raw, mapping, source, reasons), reasons)
    # a declared layer's rows loaded on the server are the office's: accepted as loaded
    office = policy.WriteScope(layer, None)
    for name, value in policy.review_on_write(office, None, actor or "onemap load", None).items():
        values[name] = pd.Series([value] * n_rows, index=values.index, dtype=object)

    inserted = updated = 0
    try:
        if layer.partitioned_by is not None and layer.partitioned_by in values:
            _ensure_months(engine, layer, values[layer.partitioned_by])
        with engine.begin() as connection:
            if actor is not None:
                set_actor(connection, actor)
            check_references(connection, layer, values, reasons)
            _check_duplicates(layer, values, raw.row_numbers, reasons)
            good = ~reasons.bad
            if not (strict and reasons.bad.any()):
                with _progress_bar(int(good.sum()), source_path, layer) as bar:
                    inserted, updated = upsert(
                        connection, layer, values[good], bar.update, in_time_order=True
                    )
        if inserted or updated:
            # Fresh planner statistics after a bulk change: the API's count estimate
            # (pg_class.reltuples) and the analyses' plans depend on them.
            with engine.begin() as connection:
                connection.execute(sa.text(f'ANALYZE "{layer.id}"'))
                # BRIN ranges filled by this load answer queries only once summarised
                # (autosummarize would leave that to autovacuum, a minute or so later)
                # (a partitioned index is summarised partition by partition)
                leaves = (
                    "SELECT brin_summarize_new_values(relid) FROM "
                    "pg_partition_tree(CAST(:i AS regclass)) WHERE isleaf"
                    if _is_partitioned(connection, layer.id)
                    else "SELECT brin_summarize_new_values(CAST(:i AS regclass))"
                )
                for name in brin_index_names(layer):
                    connection.execute(sa.text(leaves), {"i": name})
    except (sa.exc.SQLAlchemyError, psycopg.Error) as exc:
        raise _database_error(exc, layer) from None

    bad = reasons.bad
    target = Path(rejects_path) if rejects_path is not None else default_rejects_path(source_path)
    if bad.any():
        write_rejects(target, raw.frame, raw.geometry, reasons.texts())
    else:
        remove_stale_rejects(target)
    return LoadReport(
        path=str(source_path),
        layer=layer.id,
        read=n_rows,
        inserted=inserted,
        updated=updated,
        rejected=int(bad.sum()),
        rejects_path=str(target) if bad.any() else None,
        ignored_columns=mapping.ignored,
    )


def _require_columns(layer: Layer, mapping: ColumnMapping, raw: RawInput, path: Path) -> None:
    for f in input_fields(layer):  # derived fields are the platform's, never a file's
        if (f.required or f.name in layer.natural_key) and f.name not in mapping.fields:
            raise MissingColumnError(
                f"{path.name} 缺少必填列 {field_title(f)} / required column {f.name!r} is missing "
                f"(headers accepted: {', '.join(f.headers)})"
            )
    if layer.geometry is None:
        return
    if raw.is_table:
        has_points = mapping.longitude is not None and mapping.latitude is not None
        if not has_points and mapping.wkt is None:
            raise MissingColumnError(
                f"{path.name} 缺少经度/纬度列 / no longitude and latitude columns "
                f"(longitude: {'/'.join(LONGITUDE_HEADERS)}; latitude: "
                f"{'/'.join(LATITUDE_HEADERS)}; or WKT: {'/'.join(WKT_HEADERS)})"
            )
    elif raw.geometry is None:
        raise MissingColumnError(f"{path.name} 没有几何 / the file has no geometry column")


def _source_crs(raw: RawInput, override: SourceCrs | None, path: Path) -> SourceCrs:
    """The file's declared CRS; else ``--crs``; else WGS84 (RFC 7946 for GeoJSON)."""
    declared = parse_crs(raw.crs) if raw.crs is not None else None
    if declared is None:
        return override or parse_crs(WGS84)
    if override is None:
        return declared
    if override.obfuscation is not None and declared.is_geographic_wgs84_like:
        return override  # GCJ-02/BD-09 files can only label themselves as WGS84 lon/lat
    if override.crs is not None and override.crs.equals(declared.crs, ignore_axis_order=True):
        return declared
    raise EtlError(
        f"{path.name} 自带坐标系 {declared.label}，与 --crs {override.label} 不一致 / the file "
        f"declares {declared.label} but --crs says {override.label}: drop --crs or fix the file"
    )


def _geometries(
    raw: RawInput, mapping: ColumnMapping, source: SourceCrs, reasons: Reasons
) -> npt.NDArray[np.object_]:
    if not raw.is_table:
        assert raw.geometry is not None
        return transform_geometries(raw.geometry, source)
    if mapping.longitude is not None and mapping.latitude is not None:
        return points_from_columns(
            raw.frame[mapping.longitude], raw.frame[mapping.latitude], source, reasons
        )
    assert mapping.wkt is not None
    return geometries_from_wkt(raw.frame[mapping.wkt], source, reasons)


def _check_duplicates(
    layer: Layer, values: pd.DataFrame, row_numbers: npt.NDArray[np.int64], reasons: Reasons
) -> None:
    """Later rows repeating the natural key of an earlier good row are rejected."""
    repeated, first_row = natural_key_duplicates(layer, values, ~reasons.bad, row_numbers)
    if not repeated.any():
        return
    messages = pd.Series("", index=values.index, dtype=object)
    key = ", ".join(layer.natural_key)
    for p in np.flatnonzero(repeated).tolist():
        shown = ", ".join(str(values.at[p, k]) for k in layer.natural_key)
        messages.iat[p] = (
            f"与第{first_row[p]}行重复（{shown}）/ duplicates row {first_row[p]} "
            f"on the natural key ({key}) = ({shown})"
        )
    reasons.add_each(repeated, messages)


def _progress_bar(total: int, path: Path, layer: Layer) -> tqdm[object]:
    show = total >= PROGRESS_MIN_ROWS and sys.stderr.isatty()
    return tqdm(
        total=total,
        disable=not show,
        file=sys.stderr,
        unit="rows",
        desc=f"{path.name} → {layer.id}",
    )


def _ensure_months(engine: sa.Engine, layer: Layer, times: pd.Series) -> None:
    """The monthly partitions of the file's values, in a transaction of their own (see
    :func:`layers.partitions.ensure_months_of`)."""
    utc = times.dropna().dt.tz_convert("UTC")
    months = sorted(set((utc.dt.year * 12 + utc.dt.month - 1).tolist()))
    firsts = [dt.datetime(m // 12, m % 12 + 1, 1, tzinfo=dt.UTC) for m in months]
    if firsts:
        with engine.begin() as connection:
            if _is_partitioned(connection, layer.id):  # (not yet, in a database before 0013)
                spec = MonthlyTable(layer.id, str(layer.partitioned_by))
                ensure_months_of(connection, spec, firsts)


def _is_partitioned(connection: sa.Connection, table: str) -> bool:
    kind = connection.execute(
        sa.text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:t)"), {"t": f'"{table}"'}
    ).scalar_one_or_none()
    return kind == "p"


def _database_error(exc: Exception, layer: Layer) -> DatabaseError:
    original = getattr(exc, "orig", exc)
    if isinstance(original, psycopg.errors.UndefinedTable):
        return DatabaseError(
            f"数据库中没有图层表 {layer.id}，请先升级数据库结构 / table {layer.id!r} does not "
            "exist: migrate the database first"
        )
    if isinstance(original, psycopg.OperationalError):
        first = str(original).strip().splitlines()[0] if str(original).strip() else ""
        return DatabaseError(f"无法连接数据库 / cannot reach the database: {first}")
    first = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    return DatabaseError(f"数据库拒绝了本次导入 / the database refused the load: {first}")
