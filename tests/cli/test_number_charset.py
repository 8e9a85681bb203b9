"""The CLI refuses serial and lot numbers outside the core's one character set."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli
from tracking_core.core import Tracking


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ("receive --item LAPTOP-14 --location DOCK-1 --serial SN\uff11", "invalid_serial"),
        (
            "receive --item LAPTOP-14 --location DOCK-1 --serial https://x.example/1",
            "invalid_serial",
        ),
        ("receive --item MILK-1L --location DOCK-1 --quantity 1 --lot L\u00e41", "invalid_lot"),
    ],
)
def test_cli_refuses_numbers_outside_the_charset(
    cli: Cli, live: Tracking, demo: None, args: str, code: str
) -> None:
    before = (tuple(live.stock()), tuple(live.ledger()))
    r = cli(*args.split())
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith(f"error: {code}: "), r.stderr
    assert (tuple(live.stock()), tuple(live.ledger())) == before
