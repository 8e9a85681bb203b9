"""``scantrack receive/ship/lot/trace`` with serials that carry a lot."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Cli, ok, snapshot
from tracking_core.core import Tracking

pytestmark = pytest.mark.usefixtures("demo")

LAP = ("--item", "LAPTOP-14", "--location", "DOCK-1")
RECEIVE = ("receive", "--partner", "V-ACME")


def test_received_and_generated_serials_keep_the_lot(cli: Cli, live: Tracking) -> None:
    given = ("--serial", "V-1", "--serial", "V-2", "--lot", "LOT42", "--expiry", "2027-06-30")
    ok(cli(*RECEIVE, *LAP, *given))
    ok(cli(*RECEIVE, *LAP, "--quantity", "2", "--lot", "LOT43"))
    made = live.document("RC-000003", detail=True).lines[0].serials
    assert [live.serial(sn).lot for sn in made] == ["LOT43", "LOT43"]
    job = live.outbox.jobs()[0]  # newest first
    assert (job.payload["serials"], job.payload["lot"]) == (list(made), "LOT43")
    out = ok(cli("lot", "LAPTOP-14", "LOT42"))
    head, _stock, units, _moves = out.split("\n\n")
    assert head == "LAPTOP-14 lot LOT42: available, 2 on hand, expiry 2027-06-30"
    assert units.splitlines()[2:] == [
        "V-1     in_stock  DOCK-1    2027-06-30",
        "V-2     in_stock  DOCK-1    2027-06-30",
    ]
    data = json.loads(ok(cli("lot", "LAPTOP-14", "LOT42", "--json")))
    assert [u["serial"] for u in data["serials"]] == ["V-1", "V-2"]


def test_ship_with_a_lot_other_than_the_serials_changes_nothing(cli: Cli, live: Tracking) -> None:
    ok(cli(*RECEIVE, *LAP, "--serial", "V-1", "--lot", "LOT42"))
    before = snapshot(live)
    r = cli("ship", *LAP, "--partner", "C-BETA", "--serial", "V-1", "--lot", "LOT43")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.startswith("error: serial_lot_mismatch: ")
    assert snapshot(live) == before
    ok(cli("ship", *LAP, "--partner", "C-BETA", "--serial", "V-1", "--lot", "LOT42"))
    out = ok(cli("trace", "--item", "LAPTOP-14", "--lot", "LOT42"))
    assert out.splitlines()[0] == "forward trace of LAPTOP-14 LOT42: partners C-BETA"
    assert "V-1" in out.splitlines()[3]


def test_a_recalled_lot_of_serials_is_not_shipped(cli: Cli, live: Tracking) -> None:
    ok(cli(*RECEIVE, *LAP, "--serial", "V-1", "--lot", "LOT42"))
    live.recall_lot(item="LAPTOP-14", lot="LOT42", recall_number="RC-1")
    before = snapshot(live)
    r = cli("ship", *LAP, "--partner", "C-BETA", "--serial", "V-1")
    assert r.stderr.startswith("error: lot_recalled: ")
    assert snapshot(live) == before
