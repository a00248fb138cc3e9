"""Harvesting the parks' OGC APIs into the provincial database, incrementally.

For each park: its collections (``GET /collections``: what its token, or anonymity, may read),
then each collection by the cheapest way that misses nothing:

* **by its changes** (``GET …/changes?after=N``, the park's audit trail, ``geoapi.changes``):
  only the features inserted or updated since the last harvest are read (one request each),
  and the deleted ones are deleted here. Every layer with a per-row trail has one, with or
  without a time (an alert's state changes after its time).
* **by ``datetime``** where there is no feed (the observations, audited by batch): only the
  items at or after the newest time harvested before (``datetime=T/..``).
* **whole** the first time, when the feed cannot say (the park's database was replaced), or
  when more than :data:`MAX_ITEM_REQUESTS` features changed: every item read, upserted (a row
  changed only when its properties or geometry differ), and the rows the park no longer has
  deleted. The feed's position is taken *before* the read, so a change made during it is read
  again next time rather than missed.

Every row carries its ``park_code``. A park that cannot be read (down, or refusing the token)
is reported and left as it was harvested; the other parks go on.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from etl.dates import configured_timezone
from layers import BY_ID
from province.errors import FeedUnavailable, HarvestError
from province.feed import Park

#: Beyond this many changed features a whole read costs less than one request per feature.
MAX_ITEM_REQUESTS = 200
_CHUNK = 1000


@dataclass
class HarvestReport:
    """Features read, rows changed and rows deleted per park and collection; how each was
    harvested (``changes``, ``datetime`` or ``whole``); and the parks that could not be read."""

    read: dict[tuple[str, str], int] = field(default_factory=dict)
    changed: dict[tuple[str, str], int] = field(default_factory=dict)
    deleted: dict[tuple[str, str], int] = field(default_factory=dict)
    how: dict[tuple[str, str], str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def add_park(connection: sa.Connection, code: str, url: str, token: str | None) -> None:
    """Register (or re-point) a park's API."""
    connection.execute(
        sa.text(
            "INSERT INTO province_parks (code, url, token, added_utc) VALUES (:c, :u, :t, now())"
            " ON CONFLICT (code) DO UPDATE SET url = EXCLUDED.url, token = EXCLUDED.token"
        ),
        {"c": code, "u": url.rstrip("/"), "t": token},
    )


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
_DELETE = sa.text(
    "DELETE FROM province_features WHERE park_code = :park AND collection = :collection"
    " AND feature_id = ANY(:ids)"
)
_DELETE_OTHERS = sa.text(
    "DELETE FROM province_features WHERE park_code = :park AND collection = :collection"
    " AND NOT feature_id = ANY(:ids)"
)
_STATE = sa.text(
    "SELECT latest_time, changes_position FROM province_harvests"
    " WHERE park_code = :p AND collection = :c"
)
_RECORD = sa.text(
    "INSERT INTO province_harvests (park_code, collection, harvested_utc, latest_time, features,"
    " changes_position) VALUES (:p, :c, now(), :t, :n, :pos)"
    " ON CONFLICT (park_code, collection) DO UPDATE SET harvested_utc = now(),"
    " latest_time = EXCLUDED.latest_time, features = EXCLUDED.features,"
    " changes_position = EXCLUDED.changes_position"
)


def _instant(value: object) -> str | None:
    """A feature's time as an instant with its offset: a date (a time field of type date, as
    daily means have) is that day's first instant in the parks' zone (``ONEMAP_TIMEZONE``)."""
    if value is None:
        return None
    text = str(value).replace("Z", "+00:00")
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(), configured_timezone()).isoformat()
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None  # not a time: the feature is kept, without one
    return text if stamp.tzinfo is not None else None


def _row(feature: dict[str, Any], time_field: str | None) -> dict[str, Any]:
    properties = feature.get("properties") or {}
    geometry = feature.get("geometry")
    return {
        "id": str(feature.get("id")),
        "time": _instant(properties.get(time_field)) if time_field else None,
        "properties": properties,
        "geometry": json.dumps(geometry) if geometry else None,
    }


def _newest(rows: Iterable[dict[str, Any]], since: dt.datetime | None) -> dt.datetime | None:
    latest = since
    for row in rows:
        if row["time"] is not None:
            stamp = dt.datetime.fromisoformat(row["time"])
            latest = stamp if latest is None or stamp > latest else latest
    return latest


def _upsert(connection: sa.Connection, park: str, collection: str, rows: list[Any]) -> int:
    changed = 0
    for start in range(0, len(rows), _CHUNK):
        chunk = json.dumps(rows[start : start + _CHUNK], ensure_ascii=False)
        changed += connection.execute(
            _UPSERT, {"park": park, "collection": collection, "rows": chunk}
        ).rowcount
    return changed


def _collection(
    connection: sa.Connection, park: Park, collection: str, report: HarvestReport
) -> None:
    """Harvest one collection of ``park`` in ``connection``'s transaction."""
    layer = BY_ID.get(collection)
    time_field = layer.time_field if layer is not None else None
    key = (park.code, collection)
    names = {"park": park.code, "collection": collection}
    state = connection.execute(_STATE, {"p": park.code, "c": collection}).one_or_none()
    previous, position = (state[0], state[1]) if state is not None else (None, None)
    rows: list[dict[str, Any]] = []
    deleted, how = 0, "whole"
    changes = None
    if position is not None:
        try:
            changes = park.changes(collection, position)
        except FeedUnavailable:
            changes = None  # the trail does not reach that far (a new database): read whole
    if changes is not None and len(changes[0]) <= MAX_ITEM_REQUESTS:
        last, position = changes
        how, gone = "changes", []
        for fid, action in last.items():
            feature = park.item(collection, fid) if action != "delete" else None
            if feature is None:
                gone.append(fid)
            else:
                rows.append(_row(feature, time_field))
        if gone:
            deleted = connection.execute(_DELETE, {**names, "ids": gone}).rowcount
    else:
        position = park.position(collection)  # before the read: what changes during it is read
        how = "datetime" if position is None and time_field is not None else "whole"
        since = previous if how == "datetime" else None
        rows = [_row(f, time_field) for f in park.items(collection, since)]
        if how == "whole":
            ids = [row["id"] for row in rows]
            deleted = connection.execute(_DELETE_OTHERS, {**names, "ids": ids}).rowcount
    changed = _upsert(connection, park.code, collection, rows)
    newest = _newest(rows, previous) if time_field else None
    connection.execute(
        _RECORD, {"p": park.code, "c": collection, "t": newest, "n": len(rows), "pos": position}
    )
    report.read[key], report.changed[key], report.deleted[key] = len(rows), changed, deleted
    report.how[key] = how


def harvest(engine: sa.Engine) -> HarvestReport:
    """Harvest every registered park; one transaction per park and collection."""
    report = HarvestReport()
    with engine.connect() as connection:
        parks = connection.execute(sa.text("SELECT code, url, token FROM province_parks")).all()
    for code, base, token in parks:
        park = Park(code, base, token)
        try:
            for collection in park.collections():
                with engine.begin() as connection:
                    _collection(connection, park, collection, report)
        except HarvestError as exc:
            report.failed[code] = str(exc)
    return report
