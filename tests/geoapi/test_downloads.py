"""Downloads as an analyst opens them: GeoPackage 1.2 read by GDAL 3.6 without a warning, CSV
with times in the park's zone and list values joined as text."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
from pathlib import Path

from flask.testing import FlaskClient

ITEMS = "/ogcapi/collections/{}/items"


def test_geopackage_is_version_1_2_and_gdal36_reads_it_quietly(
    client: FlaskClient, tmp_path: Path, demo_counts: dict[str, int]
) -> None:
    response = client.get(ITEMS.format("outfalls") + "?f=gpkg")
    assert response.status_code == 200
    path = tmp_path / "outfalls.gpkg"
    path.write_bytes(response.data)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
    done = subprocess.run(
        ["ogrinfo", "-ro", "-so", str(path), "outfalls"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr
    assert f"Feature Count: {demo_counts['outfalls']}" in done.stdout


def test_csv_times_in_the_park_zone_and_lists_joined(client: FlaskClient) -> None:
    events = client.get(ITEMS.format("exceedances") + "?f=csv&limit=5")
    rows = list(csv.DictReader(io.StringIO(events.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows and all(row["start_time"].endswith("+08:00") for row in rows)
    outfalls = client.get(ITEMS.format("outfalls") + "?f=csv")
    rows = list(csv.DictReader(io.StringIO(outfalls.get_data(as_text=True).lstrip("\ufeff"))))
    listed = [row["pollutants"] for row in rows if ";" in row["pollutants"]]
    assert listed and all(not p.startswith("[") for p in listed)
