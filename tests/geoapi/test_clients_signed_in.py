"""Real clients signed in: GDAL (Debian's ogrinfo with GDAL_HTTP_HEADERS; pyogrio's GDAL with
GDAL_HTTP_BEARER) reads an enterprise's phone number with a token and not without; OWSLib's
OGC API Features client creates, replaces and deletes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from owslib.ogcapi.features import Features

from onemap.database import engine_for

PYOGRIO_PHONES = """
import sys
import pyogrio
frame = pyogrio.read_dataframe(sys.argv[1], layer="enterprises")
print("phone" in frame.columns, frame["phone"].notna().sum() if "phone" in frame.columns else 0)
"""


def _ogrinfo(api_url: str, headers: str | None) -> str:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "60"}
    if headers:
        env["GDAL_HTTP_HEADERS"] = headers
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", f"OAPIF:{api_url}/collections/enterprises"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_gdal_reads_phones_with_a_token_only(
    api_url: str, demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    with engine_for(demo_db_url).connect() as connection:
        phone = connection.exec_driver_sql(
            "SELECT phone FROM enterprises WHERE phone IS NOT NULL ORDER BY id LIMIT 1"
        ).scalar_one()
    token = demo_accounts["headers"]["staff"]["Authorization"]
    assert phone in _ogrinfo(api_url, f"Authorization: {token}")
    assert phone not in _ogrinfo(api_url, None)
    env = {**os.environ, "GDAL_HTTP_AUTH": "BEARER", "GDAL_HTTP_BEARER": token.split()[1]}
    newer = subprocess.run(
        [sys.executable, "-c", PYOGRIO_PHONES, f"OAPIF:{api_url}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert newer.returncode == 0, newer.stderr[-2000:]
    has_phone, count = newer.stdout.split()
    assert has_phone == "True" and int(count) > 0


def test_owslib_creates_replaces_and_deletes(
    api_url: str, demo_accounts: dict[str, Any], demo_db_url: str
) -> None:
    code = demo_accounts["codes"]["ent_a"]
    headers = dict(demo_accounts["headers"]["ent_a"])
    api = Features(api_url, headers=headers)
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [120.02, 32.03]},
        "properties": {
            "credit_code": code,
            "name": "液氨",
            "cas_no": "7664-41-7",
            "storage_place": "TEST-R-7",
            "max_quantity_t": 8.5,
        },
    }
    try:
        assert api.collection_item_create("hazardous_chemicals", feature)
        fid = api.response_headers["Location"].rsplit("/", 1)[1]
        read = api.collection_item("hazardous_chemicals", fid)
        assert read["properties"]["cas_no"] == "7664-41-7"
        feature["properties"]["max_quantity_t"] = 9.0
        api.headers["Content-Type"] = "application/geo+json"
        assert api.collection_item_update("hazardous_chemicals", fid, json.dumps(feature))
        assert api.collection_item("hazardous_chemicals", fid)["properties"]["max_quantity_t"] == 9
        assert api.collection_item_delete("hazardous_chemicals", fid)
        items = api.collection_items("hazardous_chemicals", storage_place="TEST-R-7")
        assert items["numberMatched"] == 0
    finally:
        with engine_for(demo_db_url).begin() as connection:
            connection.exec_driver_sql(
                "DELETE FROM hazardous_chemicals WHERE starts_with(storage_place, 'TEST-')"
            )
