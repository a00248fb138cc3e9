"""Reading one park's OGC API: its collections, a collection's items page by page, one item,
and the collection's change feed (``geoapi.changes``), with the park's token when it has one."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from province.errors import FeedUnavailable, HarvestError

PAGE_LIMIT = 1000
TIMEOUT_S = 60


@dataclass(frozen=True)
class Park:
    """Where a park's API lands, and the token it issued the province (or None)."""

    code: str
    base: str
    token: str | None

    def get(self, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
        """``GET`` of ``path`` under the API as JSON; a refusal or failure is a HarvestError
        (a 400 or 404 a :class:`FeedUnavailable`, that the caller may work around)."""
        url = f"{self.base}{path}?{urllib.parse.urlencode({'f': 'json', **(query or {})})}"
        return self.get_url(url)

    def get_url(self, url: str) -> dict[str, Any]:
        """``GET`` of a full ``url`` (a ``next`` link) as JSON."""
        request = urllib.request.Request(url, headers={"Accept": "application/geo+json"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as exc:
            said = _description(exc)
            if exc.code in (400, 404):
                raise FeedUnavailable(exc.code, f"{url}: {exc.code} {said}") from None
            hint = ""
            if exc.code in (401, 403):
                hint = " — 令牌无效或已撤销 / the park refused the token: ask it for a new one"
            raise HarvestError(
                f"园区 {self.code} 拒绝 / park {self.code} refused {url}: {exc.code} {said}{hint}"
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise HarvestError(f"园区 {self.code} 接口不可用 / cannot read {url}: {exc}") from None

    def collections(self) -> list[str]:
        """The ids of the collections this park lets the province read."""
        return [str(entry["id"]) for entry in self.get("/collections").get("collections", [])]

    def items(self, collection: str, since: dt.datetime | None) -> Iterator[dict[str, Any]]:
        """Every feature of ``collection`` (from ``since`` on, by ``datetime``), page by page."""
        query = {"limit": str(PAGE_LIMIT)}
        if since is not None:
            query["datetime"] = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + "/.."
        page = self.get(f"/collections/{collection}/items", query)
        while True:
            yield from page.get("features", [])
            url = next((ln["href"] for ln in page.get("links", []) if ln["rel"] == "next"), None)
            if url is None:
                return
            page = self.get_url(url)

    def item(self, collection: str, feature_id: str) -> dict[str, Any] | None:
        """One feature, or None when the park no longer has it (or no longer shows it)."""
        try:
            return self.get(f"/collections/{collection}/items/{urllib.parse.quote(feature_id)}")
        except FeedUnavailable:
            return None

    def position(self, collection: str) -> int | None:
        """The change feed's position now; None when the collection has no feed."""
        try:
            return int(self.get(f"/collections/{collection}/changes")["latest"])
        except FeedUnavailable:
            return None

    def changes(self, collection: str, after: int) -> tuple[dict[str, str], int]:
        """``({feature id: last action}, new position)`` of the changes after ``after``."""
        last: dict[str, str] = {}
        while True:
            page = self.get(f"/collections/{collection}/changes", {"after": str(after)})
            for change in page["changes"]:
                last[str(change["id"])] = str(change["action"])
            after = int(page["latest"])
            if not page.get("more"):
                return last, after


def _description(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("description", exc.reason))
    except (ValueError, OSError, AttributeError):
        return str(exc.reason)
