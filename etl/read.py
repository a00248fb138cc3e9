"""Input files to a table of rows, exactly as they were written.

Vector files (GeoJSON, GeoPackage, Shapefile, a zipped Shapefile, anything else GDAL reads) go
through pyogrio and keep their declared CRS; CSV (also gzipped) and XLSX are read as text,
cell by cell, so a rejected row can be written back verbatim. Chinese CSVs come in UTF-8 (with
or without BOM) or GBK/GB18030: a file that does not decode as UTF-8 is read as GB18030, the
superset of GBK. Shapefiles without a ``.cpg`` are decoded the same way.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyogrio
import pyproj

from etl.errors import UnreadableFileError
from etl.headers import LATITUDE_HEADERS, LONGITUDE_HEADERS, fold_header, header_lookup
from layers.spec import Layer

TABLE_SUFFIXES = (".csv", ".csv.gz", ".txt", ".tsv", ".xlsx", ".xlsm")
#: Rows looked at for the header row, where a title or notes sit above the headers.
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class RawInput:
    """The rows of one input file as read.

    ``frame`` holds the attribute columns under their original headers (no geometry);
    ``geometry`` the features' shapely geometries in the file's CRS (vector files only);
    ``crs`` the CRS the file declares, if any; ``row_numbers`` the number a user sees for each
    row: its line in the spreadsheet (the header being line 1), or its feature number.
    """

    frame: pd.DataFrame
    geometry: npt.NDArray[np.object_] | None
    crs: pyproj.CRS | None
    is_table: bool
    row_numbers: npt.NDArray[np.int64]


def _unreadable(path: Path, why: object) -> UnreadableFileError:
    first_line = str(why).strip().splitlines()[0] if str(why).strip() else type(why).__name__
    return UnreadableFileError(f"无法读取 {path} / cannot read {path}: {first_line}")


def is_table(path: Path) -> bool:
    """Whether ``path`` is a plain table (CSV/XLSX) rather than a vector file."""
    return path.name.lower().endswith(TABLE_SUFFIXES)


def read_input(path: str | Path, layer: Layer) -> RawInput:
    """Read ``path`` for loading into ``layer``; :class:`UnreadableFileError` when impossible."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFileError(f"文件不存在 {path} / no such file: {path}")
    name = path.name.lower()
    if name.endswith(".xls"):
        raise UnreadableFileError(
            f"不支持旧版 .xls 文件 {path}，请另存为 .xlsx / old .xls is not supported: "
            "save it as .xlsx"
        )
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(path, layer)
    if is_table(path):
        return _read_csv(path, layer)
    return _read_vector(path, layer)


# --- CSV and XLSX -----------------------------------------------------------------------------


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (a BOM is dropped) or else GB18030, the superset of GBK that Chinese Excel writes;
    UTF-16 when the text starts with its byte-order mark."""
    encodings: tuple[str, ...] = ("utf-8-sig", "gb18030")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export is UTF-16
        encodings = ("utf-16", *encodings)
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(path, "neither UTF-8 nor GBK/GB18030 text")


def _header_score(layer: Layer, cells: list[object]) -> int:
    known = set(header_lookup(layer)) | {
        fold_header(h) for h in (*LONGITUDE_HEADERS, *LATITUDE_HEADERS)
    }
    return sum(1 for c in cells if c is not None and fold_header(c) in known)


def _header_row(layer: Layer, rows: list[list[object]]) -> int:
    """The row among the first few that names the most fields (the first row on a tie)."""
    scores = [_header_score(layer, row) for row in rows[:_HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0:
        return 0
    return scores.index(max(scores))


def _read_csv(path: Path, layer: Layer) -> RawInput:
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise _unreadable(path, exc) from None
    text = decode_text(data, path)
    if not text.strip():
        raise _unreadable(path, "the file is empty")
    head = text[:65536].splitlines()[:_HEADER_SEARCH_ROWS]
    # The delimiter most used on one line: the header line, even below a title line.
    delimiter = max(
        (",", "\t", ";", "|"), key=lambda d: max((line.count(d) for line in head), default=0)
    )
    head_rows: list[list[object]] = [list(row) for row in csv.reader(head, delimiter=delimiter)]
    skip = _header_row(layer, head_rows)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skiprows=skip,
            skip_blank_lines=True,
        )
        if not isinstance(frame.index, pd.RangeIndex):
            # Rows with more cells than the header (e.g. a delimiter at the end of every line):
            # pandas would silently take their first cells as the index and shift every column.
            width = frame.index.nlevels + len(frame.columns)
            header = head_rows[skip] if skip < len(head_rows) else []
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_values=[],
                skiprows=skip + 1,
                header=None,
                names=_padded_names(header, width),
                index_col=False,
                skip_blank_lines=True,
            )
            frame = _drop_empty_unnamed(frame, len(header))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    frame = _drop_blank(frame)
    numbers = _line_numbers(frame, skip)
    return RawInput(frame.reset_index(drop=True), None, None, True, numbers)


def _padded_names(header: list[object], width: int) -> list[str]:
    """Unique column names for ``width`` columns: the header's, then one per extra cell, named
    so the load report lists them as ignored columns rather than dropping what they hold."""
    names: list[str] = []
    for i in range(width):
        name = str(header[i]).strip() if i < len(header) else ""
        base = name or f"未命名列{i + 1} / unnamed column {i + 1}"
        unique, n = base, 1
        while unique in names:
            unique, n = f"{base}.{n}", n + 1
        names.append(unique)
    return names


def _drop_empty_unnamed(frame: pd.DataFrame, named: int) -> pd.DataFrame:
    """Without the columns past the header that hold nothing (trailing delimiters)."""
    extra = [c for c in frame.columns[named:] if frame[c].fillna("").str.strip().eq("").all()]
    return frame.drop(columns=extra)


def _read_xlsx(path: Path, layer: Layer) -> RawInput:
    try:
        heads = pd.read_excel(
            path, sheet_name=None, header=None, dtype=str, nrows=_HEADER_SEARCH_ROWS
        )
    except Exception as exc:  # openpyxl raises many types for a corrupt workbook
        raise _unreadable(path, exc) from None
    if not heads:
        raise _unreadable(path, "the workbook has no sheets")
    best_sheet, best_row, best_score = next(iter(heads)), 0, -1
    for sheet, head in heads.items():
        rows = [list(r) for r in head.itertuples(index=False)]
        row = _header_row(layer, rows)
        score = _header_score(layer, rows[row]) if rows else 0
        if score > best_score:
            best_sheet, best_row, best_score = sheet, row, score
    try:
        frame = pd.read_excel(path, sheet_name=best_sheet, header=best_row, dtype=str)
    except Exception as exc:
        raise _unreadable(path, exc) from None
    frame.columns = [str(c) for c in frame.columns]
    frame = _drop_blank(frame)
    numbers = _line_numbers(frame, best_row)
    return RawInput(frame.reset_index(drop=True), None, None, True, numbers)


def _drop_blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Without rows whose every cell is empty or white space (spreadsheets end with some)."""
    if not len(frame.columns):
        return frame
    blank = frame.apply(lambda c: c.isna() | c.astype(str).str.isspace() | c.eq(""))
    return frame[~blank.to_numpy().all(axis=1)]


def _line_numbers(frame: pd.DataFrame, header_row: int) -> npt.NDArray[np.int64]:
    # pandas' index counts data rows from 0 after the header line (1-based: header_row + 1).
    numbers: npt.NDArray[np.int64] = frame.index.to_numpy(dtype=np.int64) + header_row + 2
    return numbers


# --- vector files -----------------------------------------------------------------------------


def _shapefile_encoding(path: Path) -> str | None:
    """GB18030 for a Shapefile whose ``.dbf`` has no ``.cpg`` and is not UTF-8; else ``None``."""
    name = path.name.lower()
    if name.endswith(".shp"):
        if path.with_suffix(".cpg").exists() or path.with_suffix(".CPG").exists():
            return None
        dbf = next(
            (p for p in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if p.exists()), None
        )
        data = dbf.read_bytes() if dbf else b""
    elif name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n.lower() for n in archive.namelist()]
                if any(n.endswith(".cpg") for n in names):
                    return None
                dbfs = [n for n in archive.namelist() if n.lower().endswith(".dbf")]
                data = archive.read(dbfs[0]) if dbfs else b""
        except (zipfile.BadZipFile, OSError) as exc:
            raise _unreadable(path, exc) from None
    else:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return None


def _choose_layer(path: Path, layer: Layer) -> str | None:
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio/GDAL errors for unknown or corrupt formats
        raise _unreadable(path, exc) from None
    names = [str(n) for n in layers[:, 0]]
    if len(names) <= 1:
        return None
    for wanted in (layer.id, layer.zh):
        for n in names:
            if fold_header(n) == fold_header(wanted):
                return n
    raise _unreadable(
        path,
        f"含多个图层 {', '.join(names)}，请将图层命名为 {layer.id} / several layers "
        f"({', '.join(names)}): name the one to load {layer.id!r}",
    )


def _declares_crs(path: Path) -> bool:
    """GeoJSON without a ``crs`` member is WGS84 by RFC 7946 but declares nothing itself."""
    if path.suffix.lower() not in {".geojson", ".json"}:
        return True
    with path.open("rb") as stream:
        return b'"crs"' in stream.read(65536)


def _read_vector(path: Path, layer: Layer) -> RawInput:
    chosen = _choose_layer(path, layer)
    encoding = _shapefile_encoding(path)
    try:
        frame = pyogrio.read_dataframe(path, layer=chosen, encoding=encoding)
    except Exception as exc:  # pyogrio/GDAL errors for unknown or corrupt formats
        raise _unreadable(path, exc) from None
    crs: pyproj.CRS | None = None
    geometry: npt.NDArray[np.object_] | None = None
    if "geometry" in frame.columns and hasattr(frame, "geometry"):
        geometry = np.asarray(frame.geometry.array, dtype=object)
        if frame.crs is not None and _declares_crs(path):
            crs = pyproj.CRS.from_user_input(frame.crs)
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    frame = frame.reset_index(drop=True)
    numbers = np.arange(1, len(frame) + 1, dtype=np.int64)
    return RawInput(frame, geometry, crs, False, numbers)
