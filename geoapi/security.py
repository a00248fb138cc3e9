"""Security headers on every response, and a Content-Security-Policy the page works under.

Every response: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
``X-Frame-Options: SAMEORIGIN`` and a CSP that allows only the app's own origin
(``default-src 'self'``, ``frame-ancestors 'self'``, ``object-src 'none'``, ``base-uri 'self'``,
``form-action 'self'``). Images may also be ``data:`` URIs and, when ``ONEMAP_TILE_URL`` is set,
come from that tile server.

The page is folium's HTML, whose map is drawn by inline ``<script>`` and ``<style>`` elements;
pygeoapi's HTML pages have some too. Rather than allowing inline code (``'unsafe-inline'``) the
policy names a nonce drawn afresh for each response, and the inline elements of the HTML the app
itself generates get that nonce. Only generated HTML is stamped, and both generators escape
every value they insert (jinja's autoescape in pygeoapi's templates; the page's JSON config has
``</`` escaped), so no ``<script>`` can come from data. Inline ``style=""`` attributes stay
forbidden: the page's scripts set colours through the DOM (``webmap/static/service.js``).
"""

from __future__ import annotations

import os
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g

NONCE_BYTES = 16
_INLINE = re.compile(rb"<(script|style)(?=[\s>])(?![^>]*\snonce=)", re.IGNORECASE)


def tile_origin() -> str | None:
    """The origin of ``ONEMAP_TILE_URL``'s server, when one is configured."""
    url = os.environ.get("ONEMAP_TILE_URL", "").strip()
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}" in url:  # Leaflet's subdomains: a.tile..., b.tile..., allow them all
        host = "*." + host.split(".", 1)[1] if "." in host else host
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce: str) -> str:
    """The policy of a response whose inline elements carry ``nonce``."""
    images = "'self' data:" + (f" {tile_origin()}" if tile_origin() else "")
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        )
    )


def stamp_nonce(html: bytes, nonce: str) -> bytes:
    """``html`` with ``nonce`` on every ``<script>`` and ``<style>`` element lacking one."""
    return _INLINE.sub(lambda m: m.group(0) + f' nonce="{nonce}"'.encode(), html)


def install(app: Flask) -> None:
    """Add the security headers to every response of ``app``."""

    @app.after_request
    def headers(response: Response) -> Response:
        nonce = g.get("onemap_csp_nonce") or secrets.token_urlsafe(NONCE_BYTES)
        if (
            response.mimetype == "text/html"
            and not response.direct_passthrough
            and not response.is_streamed
        ):
            response.set_data(stamp_nonce(response.get_data(), nonce))
        response.headers["Content-Security-Policy"] = content_security_policy(nonce)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
