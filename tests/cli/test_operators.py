"""``scantrack operators``, and who the CLI's movements are recorded for."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli.conftest import Cli, ok, snapshot
from tracking_core.core import Tracking


def test_operators_add_list_deactivate(cli: Cli, live: Tracking) -> None:
    assert ok(cli("operators", "add", "0042", "--name", "Ann")) == "operator 0042 (Ann) added\n"
    ok(cli("operators", "add", "JS-7", "--name", "Jo Smith"))
    listed = json.loads(ok(cli("operators", "list", "--json")))
    assert [(o["badge"], o["name"], o["active"]) for o in listed] == [
        ("0042", "Ann", True),
        ("JS-7", "Jo Smith", True),
    ]
    assert "deactivated" in ok(cli("operators", "deactivate", "0042"))
    assert [o.active for o in live.operators()] == [False, True]
    text = ok(cli("operators", "list"))
    assert text.splitlines()[0].split() == ["badge", "name", "active", "created"]


def test_bad_operators_exit_1_and_change_nothing(cli: Cli, live: Tracking) -> None:
    ok(cli("operators", "add", "0042", "--name", "Ann"))
    before = (snapshot(live), live.operators())
    for args, code in (
        (("add", "00\u200b43", "--name", "X"), "invalid_input"),
        (("add", "B" * 33, "--name", "X"), "invalid_input"),
        (("add", "0042", "--name", "Again"), "duplicate"),
        (("deactivate", "NOPE"), "unknown_operator"),
    ):
        r = cli("operators", *args)
        assert r.exit_code == 1, args
        assert r.stderr.startswith(f"error: {code}:"), (args, r.stderr)
    assert (snapshot(live), live.operators()) == before


def test_the_ledger_names_the_cli_or_its_actor(cli: Cli, demo: None, live: Tracking) -> None:
    ok(
        cli(
            "receive",
            "--partner",
            "V-ACME",
            "--item",
            "LAPTOP-14",
            "--location",
            "DOCK-1",
            "--serial",
            "K-1",
        )
    )
    ok(
        cli(
            "--actor",
            "ann",
            "ship",
            "--partner",
            "C-BETA",
            "--item",
            "LAPTOP-14",
            "--location",
            "DOCK-1",
            "--serial",
            "K-1",
        )
    )
    rows = list(csv.DictReader(io.StringIO(ok(cli("ledger", "export")))))
    mine = [(r["doc_type"], r["token"], r["operator"]) for r in rows if r["serial"] == "K-1"]
    assert mine == [("receipt", "cli", ""), ("shipment", "ann", "")]
    history = ok(cli("serial", "K-1"))
    assert "who" in history and "ann" in history
    r = cli(
        "--actor",
        "x" * 65,
        "receive",
        "--partner",
        "V-ACME",
        "--item",
        "LAPTOP-14",
        "--location",
        "DOCK-1",
        "--serial",
        "K-2",
    )
    assert (r.exit_code, r.stderr.split(":")[1].strip()) == (1, "invalid_input")


def test_receive_without_a_partner_is_refused(cli: Cli, demo: None, live: Tracking) -> None:
    before = snapshot(live)
    r = cli("receive", "--item", "LAPTOP-14", "--location", "DOCK-1", "--serial", "K-3")
    assert (r.exit_code, r.stderr.split(":")[1].strip()) == (1, "partner_required")
    r = cli(
        "receive",
        "--partner",
        "C-BETA",
        "--item",
        "LAPTOP-14",
        "--location",
        "DOCK-1",
        "--serial",
        "K-3",
    )
    assert (r.exit_code, r.stderr.split(":")[1].strip()) == (1, "wrong_partner_kind")
    assert snapshot(live) == before


def test_the_gateway_refuses_a_station_partner_that_does_not_exist(
    cli: Cli, demo: None, tmp_path: Path
) -> None:
    config = tmp_path / "stations.toml"
    config.write_text(
        '[stations.dock-1]\nsource = "loop://"\nmode = "receive"\npartner = "V-NOPE"\n'
    )
    r = cli("gateway", "--config", str(config), "--no-print")
    assert r.exit_code == 1
    assert "stations.dock-1.partner: no partner 'V-NOPE'" in r.stderr
