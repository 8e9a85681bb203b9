"""settings, token and masks commands, and the table formatter."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from tests.cli.conftest import Cli, ok, snapshot
from tracking_core.core import Tracking
from web_mobile.cli_common import table


def test_settings_show_and_set(cli: Cli, live: Tracking) -> None:
    out = ok(cli("settings", "show"))
    assert out.splitlines()[:3] == [
        "setting                     value",
        "--------------------------  --------------",  # as wide as urn:scantrack:
        "allocation_order            fifo",
    ]
    assert json.loads(ok(cli("settings", "show", "--json"))) == live.settings().as_dict()

    # VALUE is JSON when it parses (a bool, a number), else text
    assert ok(cli("settings", "set", "allocation_order", "fefo", "--actor", "ann")) == (
        'allocation_order: "fifo" -> "fefo"\n'
    )
    assert ok(cli("settings", "set", "allow_different_quantities", "true", "--actor", "ann")) == (
        "allow_different_quantities: false -> true\n"
    )
    assert ok(cli("settings", "set", "quarantine_days_on_receipt", "3", "--actor", "ann")) == (
        "quarantine_days_on_receipt: 0 -> 3\n"
    )
    s = live.settings()
    assert (s.allocation_order, s.allow_different_quantities, s.quarantine_days_on_receipt) == (
        "fefo",
        True,
        3,
    )


def test_bad_settings_exit_1_and_change_nothing(cli: Cli, live: Tracking) -> None:
    before = snapshot(live)
    for args, code in [
        (("allocation_order", "random"), "invalid_input"),
        (("use_lots", "maybe"), "invalid_input"),
        (("no_such_thing", "1"), "invalid_input"),
        (("default_serial_mask", "SN{"), "invalid_mask"),
    ]:
        r = cli("settings", "set", *args, "--actor", "ann")
        assert (r.exit_code, r.stderr.split(":")[:2]) == (1, ["error", f" {code}"]), args
    assert cli("settings", "set", "use_lots", "false").exit_code == 2  # --actor is required
    assert snapshot(live) == before


def test_token_create_authenticate_list_revoke(cli: Cli, live: Tracking) -> None:
    r = cli("token", "create", "--name", "erp", "--role", "integration")
    token = ok(r).strip()
    assert "\n" not in token and r.stderr.startswith("token 1 'erp' (integration) created")
    info = live.authenticate(token)
    assert info is not None and (info.id, info.name, info.role) == (1, "erp", "integration")

    lines = ok(cli("token", "list")).splitlines()
    assert lines[0].split() == ["id", "name", "role", "created", "revoked"]
    assert lines[2].split()[:3] == ["1", "erp", "integration"] and lines[2].endswith("no")
    assert ok(cli("token", "revoke", "1")) == "token 1 'erp' revoked\n"
    assert live.authenticate(token) is None
    assert [t["revoked"] for t in json.loads(ok(cli("token", "list", "--json")))] == [True]

    r = cli("token", "revoke", "7")
    assert (r.exit_code, r.stderr) == (1, "error: not_found: Unknown token '7'\n")
    assert cli("token", "create", "--name", "x", "--role", "king").exit_code == 2


def test_masks_preview(cli: Cli, live: Tracking) -> None:
    year = f"{dt.datetime.now(dt.UTC):%y}"
    assert ok(cli("masks", "preview", "SN-{YY}-#####", "--count", "3")).split() == [
        f"SN-{year}-00001",
        f"SN-{year}-00002",
        f"SN-{year}-00003",
    ]
    ok(cli("demo", "load"))  # uses SN-000001..5: the preview goes on from there
    assert ok(cli("masks", "preview", "SN-%%%%%%", "--count", "1")) == "SN-000006\n"
    r = cli("masks", "preview", "SN-{YY")
    assert (r.exit_code, r.stderr.split(":")[:2]) == (1, ["error", " invalid_mask"])


def test_table_aligns_text_left_and_numbers_right() -> None:
    rows = [("LAPTOP-14", 5, Decimal("640.0000"), None), ("MILK", 120, Decimal("0.8"), True)]
    assert table(rows, ["item", "qty", "cost", "flag"]).splitlines() == [
        "item       qty    cost  flag",
        "---------  ---  ------  ----",
        "LAPTOP-14    5  640.00",
        "MILK       120    0.80  yes",
    ]
    assert table([], ["a", "b"]) == "a  b\n-  -"
