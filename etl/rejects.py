"""The rejects file: every rejected row as it was read, plus why.

CSV in UTF-8 with a BOM, so Excel opens the Chinese text correctly. The original headers and
cells are kept, so the file can be fixed and loaded again as it is (the loader ignores its
``reject_reason`` column). A vector file's rejected geometry is written as WKT, in the file's
own coordinates, in a ``geometry`` column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from etl.headers import REJECT_REASON_COLUMN

_COMPOUND_SUFFIXES = (".csv.gz", ".shp.zip")


def default_rejects_path(path: str | Path) -> Path:
    """``<input stem>.rejects.csv`` beside the input (``obs.csv.gz`` → ``obs.rejects.csv``)."""
    source = Path(path)
    name = source.name
    for suffix in _COMPOUND_SUFFIXES:
        if name.lower().endswith(suffix):
            return source.with_name(name[: -len(suffix)] + ".rejects.csv")
    return source.with_name(source.stem + ".rejects.csv")


def write_rejects(
    path: Path,
    frame: pd.DataFrame,
    geometry: npt.NDArray[np.object_] | None,
    reasons: pd.Series,
) -> None:
    """Write the rows of ``frame`` at the positions of ``reasons`` (its index) with their
    reasons to ``path``."""
    positions = reasons.index.to_numpy(dtype=np.intp)
    rows = frame.iloc[positions].copy()
    rows = rows.drop(columns=[c for c in rows.columns if str(c) == REJECT_REASON_COLUMN])
    if geometry is not None:
        column = "geometry" if "geometry" not in rows.columns else "geometry_wkt"
        rows[column] = shapely.to_wkt(geometry[positions], rounding_precision=-1)
    rows[REJECT_REASON_COLUMN] = reasons.to_numpy()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def remove_stale_rejects(path: Path) -> None:
    """Remove a rejects file left by an earlier load, so none claims rejects that are gone."""
    path.unlink(missing_ok=True)
