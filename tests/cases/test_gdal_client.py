"""GDAL's OAPIF driver (Debian's ogrinfo) reads the clues collection as the policy allows: staff
every clue, an enterprise its own, nobody else any."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from typing import Any

from flask.testing import FlaskClient


def _ogrinfo(url: str, token: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "60"}
    if token:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: {token}"
    return subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", f"OAPIF:{url}/ogcapi/collections/clues"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_gdal_reads_clues_per_the_policy(
    client: FlaskClient, demo_accounts: dict[str, Any], live_site: tuple[str, Any]
) -> None:
    headers, codes = demo_accounts["headers"], demo_accounts["codes"]
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=5)).isoformat()
    numbers = {}
    for who in ("ent_a", "ent_b"):
        body = {
            "properties": {
                "source": "patrol",
                "clue_type": "water",
                "occurred_at": "2026-11-30T09:00:00+08:00",
                "description": f"GDAL {who}",
                "credit_code": codes[who],
                "deadline": deadline,
            }
        }
        created = client.post(
            "/ogcapi/collections/clues/cases", json=body, headers=headers["staff"]
        )
        fid = created.get_json()["id"]
        numbers[who] = created.get_json()["properties"]["case_no"]
        url = f"/ogcapi/collections/clues/items/{fid}/transitions"
        assigned = client.post(url, json={"transition": "assign"}, headers=headers["staff"])
        assert assigned.status_code == 200
    root = live_site[0]
    staff = _ogrinfo(root, headers["staff"]["Authorization"])
    assert staff.returncode == 0, staff.stderr[-2000:]
    assert numbers["ent_a"] in staff.stdout and numbers["ent_b"] in staff.stdout
    own = _ogrinfo(root, headers["ent_a"]["Authorization"])
    assert own.returncode == 0, own.stderr[-2000:]
    assert numbers["ent_a"] in own.stdout and numbers["ent_b"] not in own.stdout
    anonymous = _ogrinfo(root, None)
    assert anonymous.returncode != 0 and numbers["ent_a"] not in anonymous.stdout
