"""The page where a new user meets it first: on an empty database, and zoomed out to the world or
across the antimeridian. Nothing the page asks for may fail, and nothing may be logged as an error.

The empty database is a fresh migrated one served by ``onemap serve`` in a process of its own (the
session's app is the demo park's, and pygeoapi's configuration is process-global).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from onemap.database import ENV_URL

TIMEOUT_MS = 30_000
START_TIMEOUT_S = 90
#: Every layer on the map has finished its load for the current view.
ALL_LOADED = (
    "window.onemap && window.onemap.map.getContainer().dataset.ready && !window.onemap.moving"
    " && Object.values(window.onemap.layers).every((s) => !s.loading)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def empty_site(
    server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of ``onemap serve`` on a migrated database with nothing loaded."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"onemap_test_empty_{os.getpid()}"
    libpq = make_url(server_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    url = make_url(server_url).set(database=name).render_as_string(False)
    port = _free_port()
    onemap = Path(sys.executable).with_name("onemap")
    env = {**os.environ, ENV_URL: url}
    env.pop("ONEMAP_PUBLIC_URL", None)
    log = tmp_path_factory.mktemp("empty-site") / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(onemap), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:  # wait for the server to answer (a condition, polled)
            assert server.poll() is None, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(root + "/ogcapi?f=json", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:  # refused, reset, or no answer yet within the timeout (a busy machine)
                pass
            assert time.monotonic() < deadline, "onemap serve did not answer"
            time.sleep(0.2)
        yield root
    finally:
        server.terminate()
        server.wait(30)
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Watched:
    """A page with every request, failure and console error it produced."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.url} {r.status}") if r.status >= 400 else None,
        )
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.set_default_timeout(TIMEOUT_MS)


@pytest.fixture
def watched(browser_context: Any) -> Iterator[Watched]:
    page = browser_context.new_page()
    yield Watched(page)
    page.close()


def _bboxes(requests: list[str]) -> list[list[float]]:
    out = []
    for url in requests:
        query = parse_qs(urlsplit(url).query)
        if "/items" in url and "bbox" in query:
            out.append([float(v) for v in query["bbox"][0].split(",")])
    return out


def _valid(box: list[float]) -> bool:
    west, south, east, north = box
    return -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90


def test_the_page_on_an_empty_database_fails_nothing(empty_site: str, watched: Watched) -> None:
    page = watched.page
    page.goto(empty_site + "/")
    page.wait_for_function(ALL_LOADED)
    shown = page.evaluate(
        "Object.values(window.onemap.layers).filter((s) => window.onemap.map.hasLayer(s.holder))"
        ".map((s) => s.cfg.id)"
    )
    assert shown, "the default layers are on"
    statuses = page.evaluate("Object.values(window.onemap.layers).map((s) => [s.count, s.status])")
    failed = page.evaluate("window.onemap.t('failed')")
    assert all(count == 0 and status != failed for count, status in statuses), statuses
    boxes = _bboxes(watched.requests)
    assert boxes and all(_valid(b) for b in boxes), boxes
    assert watched.failed == []
    assert watched.errors == []


def _view(page: Any, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"void window.onemap.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_function(ALL_LOADED)


def test_a_world_wide_view_asks_only_valid_boxes(site_url: str, watched: Watched) -> None:
    page = watched.page
    page.goto(site_url + "/")
    page.wait_for_function(ALL_LOADED)
    before = len(watched.requests)
    _view(page, 20, 120, 1)  # the world, wrapped more than once across the window
    boxes = _bboxes(watched.requests[before:])
    assert boxes and all(b[0] == -180 and b[2] == 180 for b in boxes), boxes
    assert all(_valid(b) for b in boxes)
    assert page.evaluate("window.onemap.layers.enterprises.count") > 0
    assert watched.failed == []
    assert watched.errors == []


def test_a_view_across_the_antimeridian_draws_what_lies_in_it(
    site_url: str, watched: Watched
) -> None:
    page = watched.page
    page.goto(site_url + "/")
    page.wait_for_function(ALL_LOADED)
    before = len(watched.requests)
    # centred on 180°: the view (padded by half) reaches west past the park at 120°E
    _view(page, 32, 180, 5)
    boxes = _bboxes(watched.requests[before:])
    assert boxes and all(_valid(b) for b in boxes), boxes
    assert all(b[0] > b[2] for b in boxes), "west > east: a box across the antimeridian"
    assert all(b[0] < 120 for b in boxes)
    assert page.evaluate("window.onemap.layers.enterprises.count") > 0
    assert watched.failed == []
    assert watched.errors == []
