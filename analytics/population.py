"""Population within an area, from a population raster (persons per cell), by zonal sum.

The raster is ``ONEMAP_POPULATION_RASTER`` when set, else the demo park's
``data/demo/population.tif``. Cells count when their centre lies inside the area (rasterio's
``all_touched=False``); nodata cells count as nothing. A missing or unreadable raster is said
so in the result, never a failure: the receptor table is still useful without it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

ENV_RASTER = "ONEMAP_POPULATION_RASTER"
DEFAULT_RASTER = Path(__file__).resolve().parents[1] / "data" / "demo" / "population.tif"


def raster_path(override: Path | str | None = None) -> Path:
    """The population raster in use: the override, else ``$ONEMAP_POPULATION_RASTER``, else the
    demo's."""
    if override is not None:
        return Path(override)
    if os.environ.get(ENV_RASTER):
        return Path(os.environ[ENV_RASTER])
    return DEFAULT_RASTER


def population_within(area: BaseGeometry, raster: Path) -> dict[str, Any]:
    """The zonal sum of ``raster`` over ``area`` (lon/lat), with the raster named."""
    import rasterio
    from rasterio.errors import RasterioIOError
    from rasterio.mask import mask
    from rasterio.warp import transform_geom

    report: dict[str, Any] = {"raster": str(raster), "available": False, "population": None}
    if not raster.is_file():
        report["note"] = (
            f"未找到人口栅格 {raster}，未统计人口 / population raster {raster} not found, so the "
            f"population within the radius is not given; set {ENV_RASTER}"
        )
        return report
    try:
        with rasterio.open(raster) as dataset:
            shape = transform_geom("EPSG:4326", dataset.crs, mapping(area))
            left, bottom, right, top = dataset.bounds
            covered = shapely.box(left, bottom, right, top).contains(shapely.geometry.shape(shape))
            try:
                cells, _ = mask(dataset, [shape], crop=True, filled=False, indexes=1)
            except ValueError:  # the area does not overlap the raster at all
                total, counted = 0.0, 0
            else:
                values = cells.compressed().astype(np.float64)
                values = values[np.isfinite(values)]
                total, counted = float(values.sum()), int(values.size)
            report.update(
                available=True,
                population=round(total),
                cells=counted,
                crs=dataset.crs.to_string() if dataset.crs else None,
                covers_area=bool(covered),
                method="zonal sum of cells whose centre is inside the buffer",
            )
            if not covered:
                report["note"] = (
                    "人口栅格未完全覆盖统计范围，人口偏少 / the raster does not cover the whole "
                    "buffer, so the population is an underestimate"
                )
    except RasterioIOError as exc:
        report["note"] = f"人口栅格无法读取 / the population raster cannot be read: {exc}"
    return report
