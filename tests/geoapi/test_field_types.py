"""GDAL types every field as the registry declares it, and reads the values the database holds.

GDAL (and QGIS) type a GeoJSON field from the first features it reads: a ``double precision``
column written ``205`` there would become Integer and truncate ``10.67`` to ``10``. Both GDALs
are asked: Debian 12's 3.6 (``ogrinfo``, ``ogr2ogr``; 10 features a page) and the 3.12 of
pyogrio's wheel (1,000 a page), each in a subprocess talking HTTP to the live server.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from geoapi.query import public_collections, public_fields
from layers import get_layer
from layers.spec import FieldType, Layer

#: The OGR type each storage type must get (GDAL 3.6 ogrinfo's spelling).
OGR_TYPES: dict[FieldType, tuple[str, ...]] = {
    FieldType.TEXT: ("String",),
    FieldType.INTEGER: ("Integer", "Integer64"),
    FieldType.REAL: ("Real",),
    FieldType.BOOLEAN: ("Integer(Boolean)",),
    FieldType.DATE: ("Date",),
    FieldType.TIMESTAMPTZ: ("DateTime",),
    FieldType.TEXT_LIST: ("StringList",),
}
#: ``name: Type (width.precision)`` lines of ``ogrinfo -so``
FIELD_LINE = re.compile(r"^(\w+): (\w+(?:\(\w+\))?) \(\d+\.\d+\)$", re.MULTILINE)
#: observations by one day (at 10 a page the whole table would be 38,000 requests)
DAY = "?datetime=2025-03-01T00:00:00Z/2025-03-01T23:59:59Z"
DAY_SQL = "time BETWEEN '2025-03-01T00:00:00Z' AND '2025-03-01T23:59:59Z'"
REAL_LAYERS = [
    layer.id
    for layer in public_collections()
    if any(f.type is FieldType.REAL for f in layer.fields)
]


def _expected(layer: Layer) -> dict[str, tuple[str, ...]]:
    return {f.name: OGR_TYPES[f.type] for f in public_fields(layer)}


def _gdal36_types(source: str) -> dict[str, str]:
    done = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", source], capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(FIELD_LINE.findall(done.stdout))


def _database_reals(db_url: str, layer: Layer, where: str = "TRUE") -> dict[int, tuple]:
    names = [f.name for f in public_fields(layer) if f.type is FieldType.REAL]
    columns = ", ".join(f'"{n}"' for n in names)
    engine = create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            f'SELECT id, {columns} FROM "{layer.id}" WHERE {where}'
        ).all()
    engine.dispose()
    return {row[0]: tuple(row[1:]) for row in rows}


@pytest.mark.parametrize("layer_id", [layer.id for layer in public_collections()])
def test_gdal36_types_every_field_as_declared(api_url: str, layer_id: str) -> None:
    source = f"OAPIF:{api_url}/collections/{layer_id}" + (DAY if layer_id == "observations" else "")
    got, expected = _gdal36_types(source), _expected(get_layer(layer_id))
    assert set(got) == set(expected)
    assert {n: t for n, t in got.items() if t not in expected[n]} == {}


@pytest.mark.parametrize("layer_id", REAL_LAYERS)
def test_gdal36_reads_the_database_reals(
    api_url: str, demo_db_url: str, layer_id: str, tmp_path: Path
) -> None:
    layer = get_layer(layer_id)
    observations = layer_id == "observations"
    source = f"OAPIF:{api_url}/collections/{layer_id}" + (DAY if observations else "")
    out = tmp_path / f"{layer_id}.gpkg"
    done = subprocess.run(
        ["ogr2ogr", "-f", "GPKG", "-preserve_fid", str(out), source, "-nln", layer_id],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "GDAL_HTTP_TIMEOUT": "60"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    names = [f.name for f in public_fields(layer) if f.type is FieldType.REAL]
    with sqlite3.connect(out) as gpkg:
        declared = {row[1]: row[2] for row in gpkg.execute(f'PRAGMA table_info("{layer_id}")')}
        columns = ", ".join(f'"{n}"' for n in names)
        rows = gpkg.execute(f'SELECT fid, {columns} FROM "{layer_id}"').fetchall()
    assert all(declared[n] == "REAL" for n in names), declared
    expected = _database_reals(demo_db_url, layer, DAY_SQL if observations else "TRUE")
    assert {row[0]: tuple(row[1:]) for row in rows} == expected


#: Run apart (pyogrio holds the GIL while GDAL fetches; the test server is a thread here):
#: each layer's OGR field types, and the id and real values of the layers that have them.
PYOGRIO_TYPES = """
import json, sys
import pyogrio
base, reals = sys.argv[1], set(sys.argv[3].split(","))
out = {"gdal": pyogrio.__gdal_version_string__, "layers": {}}
for layer in sys.argv[2].split(","):
    source = base + ("/collections/observations" + sys.argv[4] if layer == "observations" else "")
    info = pyogrio.read_info(source, layer=layer)
    types = [t[3:] + ("(Boolean)" if s == "OFSTBoolean" else "")
             for t, s in zip(info["ogr_types"], info["ogr_subtypes"])]
    entry = {"types": dict(zip(info["fields"].tolist(), types))}
    if layer in reals:
        frame = pyogrio.read_dataframe(source, layer=layer, fid_as_index=True, read_geometry=False)
        names = [n for n, t in entry["types"].items() if t == "Real"]
        entry["values"] = {str(i): [None if v != v else v for v in row]
                           for i, row in zip(frame.index, frame[names].itertuples(index=False))}
        entry["real_names"] = names
    out["layers"][layer] = entry
print(json.dumps(out))
"""


def test_gdal312_types_every_field_and_reads_the_database_reals(
    api_url: str, demo_db_url: str
) -> None:
    layers = [layer.id for layer in public_collections()]
    done = subprocess.run(
        [sys.executable, "-c", PYOGRIO_TYPES, f"OAPIF:{api_url}", ",".join(layers),
         ",".join(REAL_LAYERS), DAY],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert tuple(int(v) for v in result["gdal"].split(".")[:2]) >= (3, 8), result["gdal"]
    for layer_id in layers:
        layer = get_layer(layer_id)
        got = result["layers"][layer_id]
        expected = _expected(layer)
        assert set(got["types"]) == set(expected), layer_id
        wrong = {n: t for n, t in got["types"].items() if t not in expected[n]}
        assert not wrong, (layer_id, wrong)
        if layer_id in REAL_LAYERS:
            where = DAY_SQL if layer_id == "observations" else "TRUE"
            database = _database_reals(demo_db_url, layer, where)
            read = {int(i): tuple(v) for i, v in got["values"].items()}
            assert read == database, layer_id
