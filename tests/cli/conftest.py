"""The command line against real database files: ``cli(...)`` runs ``scantrack`` in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tracking_core.core import Tracking
from web_mobile.cli import main

Cli = Callable[..., Result]


@pytest.fixture
def cli(db_url: str) -> Cli:
    """``cli("stock", "--json")`` against the test's migrated database."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(main, ["--database-url", db_url, *args], input=input, env=env)

    return invoke



@pytest.fixture
def demo(cli: Cli) -> None:
    r = cli("demo", "load")
    assert r.exit_code == 0, r.output


def snapshot(core: Tracking) -> tuple[Any, ...]:
    """Everything a failed command must leave as it was."""
    return (
        core.items(),
        core.locations(),
        core.partners(),
        core.documents(),
        core.stock(),
        core.ledger(),
        core.settings(),
        core.tokens(),
    )


def ok(r: Result) -> str:
    """The stdout of a command that must succeed (its output shown when it did not)."""
    assert r.exit_code == 0, (r.exit_code, r.output, r.exception)
    return r.stdout
