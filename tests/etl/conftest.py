"""Fixtures of the ETL tests: valid credit codes and the `onemap load` command on the test's
own database (the `db_url` and `engine` fixtures come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner, Result

from layers.credit_code import check_character
from onemap.commands.load import load
from onemap.database import ENV_URL, engine_for, normalise_url


@pytest.fixture
def credit_code() -> Callable[[int], str]:
    """The ``i``-th valid unified social credit code (GB 32100 check character appended)."""

    def make(i: int) -> str:
        first17 = f"91320500MA1M{i:05d}"
        return first17 + check_character(first17)

    return make


@pytest.fixture
def onemap_load(db_url: str) -> Iterator[Callable[..., Result]]:
    """Run ``onemap load ARGS...`` against the test's database; returns click's Result."""
    runner = CliRunner()

    def run(*args: object) -> Result:
        return runner.invoke(
            load, [str(a) for a in args], env={ENV_URL: db_url}, catch_exceptions=False
        )

    yield run
    engine_for(normalise_url(db_url)).dispose()
