"""The measured requests and the servers answering them."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

#: 2 km x 2 km in the middle of the 20 km x 20 km box: 1 % of the area.
BBOX = "110.29008,25.09098,110.30992,25.10902"


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    table: str
    query: str  # after the collection's items path
    where: str  # the floor's WHERE clause
    limit: int


CASES = (
    Case("l100", "limit=100 (points)", "enterprises", "limit=100", "TRUE", 100),
    Case(
        "bbox",
        "1% bbox, limit=100",
        "enterprises",
        f"limit=100&bbox={BBOX}",
        f"geom && ST_MakeEnvelope({BBOX}, 4326)",
        100,
    ),
    Case("p1000", "limit=1000, points", "enterprises", "limit=1000", "TRUE", 1000),
    Case("l1000", "limit=1000, lines", "sewer_pipes", "limit=1000", "TRUE", 1000),
    # the last page of the 100,000 lines, as a next link gives it (by key: after the last id
    # of the page before) and as an offset would; the floor reads the same rows by id
    Case(
        "lastkey",
        "last page by key, lines",
        "sewer_pipes",
        "limit=1000&after=99000",
        "id > 99000",
        1000,
    ),
    Case(
        "lastoff",
        "last page by offset, lines",
        "sewer_pipes",
        "limit=1000&offset=99000",
        "id > 99000",
        1000,
    ),
)


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes] | None = None
    error: str | None = None

    def url(self, case: Case) -> str:
        base = f"http://127.0.0.1:{self.port}"
        if self.name == "ours":
            return f"{base}/ogcapi/collections/{case.table}/items?f=json&{case.query}"
        if self.name == "pygeoapi":
            return f"{base}/collections/{case.table}/items?f=json&{case.query}"
        # tipg: f=json is a flat non-GeoJSON array; f=geojson is the GeoJSON (peer-benchmark §2).
        return f"{base}/collections/public.{case.table}/items?f=geojson&{case.query}"
