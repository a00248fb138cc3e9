"""Harvesting the parks' OGC APIs into the provincial database.

For each park: its collections (``GET /collections``, what its token, or anonymity, may read),
then each collection's items page by page (``limit`` and the ``next`` links, GeoJSON). A
collection with a temporal extent is harvested incrementally: only items whose ``datetime`` is
at or after the newest one harvested before (``datetime=T/..``); the others are read whole and
upserted, a row changed only when its properties or geometry differ. Every row carries its
``park_code``.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from layers import BY_ID
from province.errors import HarvestError

PAGE_LIMIT = 1000
TIMEOUT_S = 60


@dataclass
class HarvestReport:
    """Features read and rows changed, per park and collection."""

    read: dict[tuple[str, str], int] = field(default_factory=dict)
    changed: dict[tuple[str, str], int] = field(default_factory=dict)


def add_park(connection: sa.Connection, code: str, url: str, token: str | None) -> None:
    """Register (or re-point) a park's API."""
    connection.execute(
        sa.text(
            "INSERT INTO province_parks (code, url, token, added_utc) VALUES (:c, :u, :t, now())"
            " ON CONFLICT (code) DO UPDATE SET url = EXCLUDED.url, token = EXCLUDED.token"
        ),
        {"c": code, "u": url.rstrip("/"), "t": token},
    )


def _get(url: str, token: str | None) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return dict(json.loads(response.read()))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise HarvestError(f"园区接口不可用 / cannot read {url}: {exc}") from None


def _items(base: str, collection: str, since: dt.datetime | None, token: str | None):  # type: ignore[no-untyped-def]
    query = {"f": "json", "limit": str(PAGE_LIMIT)}
    if since is not None:
        query["datetime"] = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "/.."
    url: str | None = f"{base}/collections/{collection}/items?{urllib.parse.urlencode(query)}"
    while url:
        page = _get(url, token)
        yield from page.get("features", [])
        url = next((link["href"] for link in page.get("links", []) if link["rel"] == "next"), None)


_UPSERT = sa.text(
    "INSERT INTO province_features AS f (park_code, collection, feature_id, time, properties, geom)"
    " SELECT :park, :collection, x.id, x.time, x.properties,"
    " ST_SetSRID(ST_GeomFromGeoJSON(x.geometry), 4326)"
    " FROM jsonb_to_recordset(CAST(:rows AS jsonb))"
    " AS x(id text, time timestamptz, properties jsonb, geometry text)"
    " ON CONFLICT (park_code, collection, feature_id) DO UPDATE SET time = EXCLUDED.time,"
    " properties = EXCLUDED.properties, geom = EXCLUDED.geom"
    " WHERE (f.properties, f.geom) IS DISTINCT FROM (EXCLUDED.properties, EXCLUDED.geom)"
)


def harvest(engine: sa.Engine) -> HarvestReport:
    """Harvest every registered park; one transaction per park and collection."""
    report = HarvestReport()
    with engine.connect() as connection:
        parks = connection.execute(sa.text("SELECT code, url, token FROM province_parks")).all()
    for code, base, token in parks:
        collections = _get(f"{base}/collections?f=json", token).get("collections", [])
        for entry in collections:
            collection = str(entry["id"])
            layer = BY_ID.get(collection)
            time_field = layer.time_field if layer is not None else None
            with engine.begin() as connection:
                since = connection.execute(
                    sa.text(
                        "SELECT latest_time FROM province_harvests"
                        " WHERE park_code = :p AND collection = :c"
                    ),
                    {"p": code, "c": collection},
                ).scalar_one_or_none()
                rows, latest = [], since
                for feature in _items(base, collection, since if time_field else None, token):
                    properties = feature.get("properties") or {}
                    moment = properties.get(time_field) if time_field else None
                    if moment is not None:
                        stamp = dt.datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
                        latest = stamp if latest is None or stamp > latest else latest
                    geometry = feature.get("geometry")
                    rows.append(
                        {
                            "id": str(feature.get("id")),
                            "time": moment,
                            "properties": properties,
                            "geometry": json.dumps(geometry) if geometry else None,
                        }
                    )
                changed = 0
                for start in range(0, len(rows), PAGE_LIMIT):
                    chunk = json.dumps(rows[start : start + PAGE_LIMIT], ensure_ascii=False)
                    changed += connection.execute(
                        _UPSERT, {"park": code, "collection": collection, "rows": chunk}
                    ).rowcount
                connection.execute(
                    sa.text(
                        "INSERT INTO province_harvests (park_code, collection, harvested_utc,"
                        " latest_time, features) VALUES (:p, :c, now(), :t, :n)"
                        " ON CONFLICT (park_code, collection) DO UPDATE SET"
                        " harvested_utc = now(), latest_time = EXCLUDED.latest_time,"
                        " features = EXCLUDED.features"
                    ),
                    {"p": code, "c": collection, "t": latest, "n": len(rows)},
                )
            report.read[(code, collection)] = len(rows)
            report.changed[(code, collection)] = changed
    return report
