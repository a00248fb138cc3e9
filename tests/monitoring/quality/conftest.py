"""The judging tests that need a hand-built park use the analyses' one (tests/analytics)."""

from __future__ import annotations

from tests.analytics.conftest import conn, world

__all__ = ["conn", "world"]
