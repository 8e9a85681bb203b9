"""serial, lot, trace, stock and the ledger export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, ok
from tracking_core.core import Tracking
from tracking_core.ledger_feed import COLUMNS as LEDGER_COLUMNS
from web_mobile.cli_stock import MOVE_HEADERS

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def shipped(cli: Cli, live: Tracking) -> tuple[str, str]:
    """One laptop and 6 milk (from the oldest lot) shipped to C-BETA: (serial, lot)."""
    for item, location, qty in (("LAPTOP-14", "A-01-01", "1"), ("MILK-1L", "A-01-02", "6")):
        ok(
            cli(
                "ship",
                "--item",
                item,
                "--location",
                location,
                "--quantity",
                qty,
                "--partner",
                "C-BETA",
            )
        )
    serial = live.document("SH-000001", detail=True).lines[0].serials[0]
    lot = live.document("SH-000002", detail=True).lines[0].lots[0][0]
    return serial, lot


def test_serial_status_and_history(cli: Cli, live: Tracking, shipped: tuple[str, str]) -> None:
    serial, _ = shipped
    info = live.serial(serial)
    lines = ok(cli("serial", serial)).splitlines()
    assert lines[0] == f"LAPTOP-14 {serial}: shipped"
    assert lines[1] == f"warranty until {info.warranty_until}, cost 640.00"
    assert lines[3].split() == MOVE_HEADERS
    assert [ln.split()[3:5] for ln in lines[5:]] == [
        ["RC-000001", "receipt"],
        ["SH-000001", "shipment"],
    ]
    data = json.loads(ok(cli("serial", serial, "--item", "LAPTOP-14", "--json")))
    assert (data["status"], data["cost"], len(data["history"])) == ("shipped", "640.0000", 2)
    r = cli("serial", "NOPE", "--item", "LAPTOP-14")
    assert (r.exit_code, r.stderr) == (
        1,
        "error: unknown_serial: Serial NOPE of LAPTOP-14 is not known\n",
    )


def test_lot_status_stock_and_history(cli: Cli, live: Tracking, shipped: tuple[str, str]) -> None:
    _, lot = shipped
    expiry = live.lot(lot, item="MILK-1L").expiry
    out = ok(cli("lot", "MILK-1L", lot))
    head, stock, history = out.split("\n\n")
    assert head.splitlines()[0] == f"MILK-1L lot {lot}: available, 34 on hand, expiry {expiry}"
    assert stock.splitlines()[1:] == [
        "--------  -------  ---------",
        "A-01-02        34          0",
    ]
    assert [ln.split()[3] for ln in history.splitlines()[2:]] == ["RC-000001", "SH-000002"]
    data = json.loads(ok(cli("lot", "MILK-1L", lot, "--json")))
    assert [(r["location"], r["on_hand"]) for r in data["stock"]] == [("A-01-02", 34)]


def test_trace_forward_and_backward(cli: Cli, shipped: tuple[str, str]) -> None:
    serial, lot = shipped
    out = ok(cli("trace", "--item", "MILK-1L", "--lot", lot))
    lines = out.splitlines()
    assert lines[0] == f"forward trace of MILK-1L {lot}: partners C-BETA"
    assert len(lines) == 4 and lines[3].split()[1:] == [
        "SH-000002",
        "shipment",
        "C-BETA",
        "customer",
        lot,
        "6",
        "A-01-02",
    ]
    out = ok(cli("trace", "--item", "LAPTOP-14", "--serial", serial, "--backward"))
    assert out.splitlines()[0] == f"backward trace of LAPTOP-14 {serial}: partners V-ACME"
    data = json.loads(ok(cli("trace", "--item", "09506000134352", "--serial", serial, "--json")))
    assert (data["direction"], [h["partner"] for h in data["hits"]]) == ("forward", ["C-BETA"])


def test_stock_table_filters_and_json(cli: Cli, live: Tracking) -> None:
    lots = [r.lot for r in live.stock(item="MILK-1L")]
    expiries = [str(r.expiry) for r in live.stock(item="MILK-1L")]
    assert ok(cli("stock", "--location", "A-01-02")).splitlines() == [
        "item     location  lot     on hand  allocated  available  expiry      value",
        "-------  --------  ------  -------  ---------  ---------  ----------  -----",
        f"MILK-1L  A-01-02   {lots[0]}       40          0         40  {expiries[0]}  32.00",
        f"MILK-1L  A-01-02   {lots[1]}       24          0         24  {expiries[1]}  19.20",
        "total value 51.20",
    ]
    data = json.loads(ok(cli("stock", "--item", "LAPTOP-14", "--json")))
    assert data == [
        {
            "item": "LAPTOP-14",
            "location": "A-01-01",
            "lot": None,
            "on_hand": 5,
            "allocated": 0,
            "expiry": None,
            "value": "3200.0000",
        }
    ]
    assert ok(cli("stock", "--item", "CABLE-USB")).count("\n") == 3  # headers and total only


def _parse(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == LEDGER_COLUMNS
    return list(reader)


def test_ledger_export_parses_back(
    cli: Cli, live: Tracking, shipped: tuple[str, str], tmp_path: Path
) -> None:
    serial, lot = shipped
    rows = _parse(ok(cli("ledger", "export")))
    # one sequence in commit order: the demo's records, then the two shipments
    assert [int(r["seq"]) for r in rows] == list(range(1, 10))
    seqs = {(m.kind, m.id): m.seq for m in live.ledger()}
    assert [seqs[(r["kind"], int(r["id"]))] for r in rows] == list(range(1, 10))
    assert sorted(r["kind"] for r in rows) == ["lot"] * 3 + ["serial"] * 6
    assert [r["document"] for r in rows[-2:]] == ["SH-000001", "SH-000002"]
    last_serial = rows[-2]
    assert {k: last_serial[k] for k in ("document", "doc_type", "item", "serial", "lot")} == {
        "document": "SH-000001",
        "doc_type": "shipment",
        "item": "LAPTOP-14",
        "serial": serial,
        "lot": "",
    }
    assert (last_serial["from_location"], last_serial["partner"], last_serial["cost"]) == (
        "A-01-01",
        "C-BETA",
        "640.0000",
    )
    lots = [r for r in rows if r["kind"] == "lot"]
    assert {(r["item"], r["lot"], r["quantity"]) for r in lots} >= {("MILK-1L", lot, "6")}
    assert all(r["posted_at"].endswith("+00:00") for r in rows)

    out = tmp_path / "ledger.csv"
    assert (
        ok(cli("ledger", "export", "--output", str(out), "--since-id", "2", "--kind", "lot")) == ""
    )
    rows = _parse(out.read_text())
    assert [(r["id"], r["document"], r["quantity"]) for r in rows] == [("3", "SH-000002", "6")]
    # the cursor: the last seq one has
    since = _parse(ok(cli("ledger", "export", "--since", "7")))
    assert [(r["seq"], r["document"]) for r in since] == [("8", "SH-000001"), ("9", "SH-000002")]
    assert [
        r["seq"] for r in _parse(ok(cli("ledger", "export", "--since", "7", "--kind", "lot")))
    ] == ["9"]
    assert _parse(ok(cli("ledger", "export", "--since", "9"))) == []
    both = cli("ledger", "export", "--since", "1", "--since-id", "1")
    assert both.exit_code == 2 and "not both" in both.output


def test_ledger_export_of_a_reversal_names_items_and_reversed_records(
    cli: Cli, shipped: tuple[str, str]
) -> None:
    ok(cli("reverse", "SH-000002"))
    rows = _parse(ok(cli("ledger", "export", "--kind", "lot", "--since-id", "3")))
    assert [(r["document"], r["item"], r["quantity"], r["reversal_of"]) for r in rows] == [
        ("SH-000003", "MILK-1L", "6", "3")
    ]
