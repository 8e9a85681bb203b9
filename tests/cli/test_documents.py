"""receive, ship, post, cancel, reverse and document against a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli, ok, snapshot
from tracking_core.core import Tracking

pytestmark = pytest.mark.usefixtures("demo")

# the demo's partners: receipts come from a vendor, shipments go to a customer
RECEIVE = ("receive", "--partner", "V-ACME")
SHIP = ("ship", "--partner", "C-BETA")


def test_receive_serials_from_the_mask(cli: Cli, live: Tracking) -> None:
    out = ok(cli(*RECEIVE, "--item", "LAPTOP-14", "--location", "DOCK-1", "--quantity", "2"))
    doc = live.document("RC-000002", detail=True)
    assert doc.status == "posted" and len(doc.lines[0].serials) == 2
    assert out == (
        "receipt RC-000002: posted, partner V-ACME\n"
        "line  item       dir  qty  assigned  location\n"
        "----  ---------  ---  ---  --------  --------\n"
        "   1  LAPTOP-14  in     2         2  DOCK-1\n"
        f"line 1: {', '.join(doc.lines[0].serials)}\n"
    )


def test_receive_given_serials_by_gtin_from_options_and_a_file(
    cli: Cli, live: Tracking, tmp_path: Path
) -> None:
    f = tmp_path / "serials.txt"
    f.write_text("V-3\n\nV-4\n")
    out = ok(
        cli(
            *RECEIVE,
            "--item",
            "09506000134352",
            "--location",
            "DOCK-1",
            "--partner",
            "V-ACME",
            "--serial",
            "V-1",
            "--serial",
            "V-2",
            "--serials-file",
            str(f),
            "--unit-cost",
            "600",
        )
    )
    assert "receipt RC-000002: posted, partner V-ACME" in out
    assert "line 1: V-1, V-2, V-3, V-4" in out
    assert live.serial("V-4").location == "DOCK-1"
    assert live.serial("V-4").cost == 600


def test_receive_a_lot_with_expiry_left_open_then_posted(cli: Cli, live: Tracking) -> None:
    out = ok(
        cli(
            *RECEIVE,
            "--item",
            "MILK-1L",
            "--location",
            "DOCK-1",
            "--quantity",
            "12",
            "--lot",
            "VL-9",
            "--expiry",
            "2031-01-31",
            "--no-post",
        )
    )
    assert out.splitlines()[0] == "receipt RC-000002: open, partner V-ACME"
    assert out.splitlines()[-1] == "line 1: VL-9 (12)"
    assert live.stock(lot="VL-9") == []
    assert ok(cli("post", "RC-000002")) == (
        "receipt RC-000002 posted: 0 serial and 1 lot transaction records\n"
    )
    (row,) = live.stock(lot="VL-9")
    assert (row.location, row.on_hand, str(row.expiry)) == ("DOCK-1", 12, "2031-01-31")


def test_receive_2000_serials_with_a_progress_bar(cli: Cli, live: Tracking) -> None:
    r = cli(*RECEIVE, "--item", "LAPTOP-14", "--location", "DOCK-1", "--quantity", "2000")
    out = ok(r)
    assert "receiving serials" in r.stderr
    assert "   1  LAPTOP-14  in   2000      2000  DOCK-1" in out
    assert out.splitlines()[-1].endswith("... (2000 numbers)")
    (dock,) = live.stock(item="LAPTOP-14", location="DOCK-1")
    assert dock.on_hand == 2000
    assert len(live.document("RC-000002", detail=True).lines[0].serials) == 2000


def test_small_jobs_draw_no_progress_bar(cli: Cli) -> None:
    r = cli(*RECEIVE, "--item", "LAPTOP-14", "--location", "DOCK-1", "--quantity", "3")
    assert (r.exit_code, r.stderr) == (0, "")


def test_ship_suggested_serials_and_lots(cli: Cli, live: Tracking) -> None:
    out = ok(
        cli(
            *SHIP,
            "--item",
            "LAPTOP-14",
            "--location",
            "A-01-01",
            "--quantity",
            "2",
            "--partner",
            "C-BETA",
        )
    )
    assert out.startswith("shipment SH-000001: posted, partner C-BETA\n")
    shipped = live.document("SH-000001", detail=True).lines[0].serials
    assert [live.serial(s).status for s in shipped] == ["shipped", "shipped"]

    (first, second) = (r.lot for r in live.stock(item="MILK-1L"))
    out = ok(cli(*SHIP, "--item", "MILK-1L", "--location", "A-01-02", "--quantity", "45"))
    # FIFO: all of the older lot, then the rest from the newer one
    assert out.splitlines()[-1] == f"line 1: {first} (40), {second} (5)"


def test_ship_given_serials_without_quantity(cli: Cli, live: Tracking) -> None:
    serials = [r.serial for r in live.ledger() if r.serial][:2]
    args = [a for s in serials for a in ("--serial", s)]
    out = ok(cli(*SHIP, "--item", "LAPTOP-14", "--location", "A-01-01", "--no-post", *args))
    assert out.splitlines()[0] == "shipment SH-000001: open, partner C-BETA"
    assert out.splitlines()[-1] == f"line 1: {', '.join(serials)}"
    assert live.serial(serials[0]).held_by == "SH-000001"


def test_document_cancel_and_reverse(cli: Cli, live: Tracking) -> None:
    out = ok(cli("document", "RC-DEMO-1"))
    assert out == (
        "receipt RC-DEMO-1: open, partner V-ACME, reference ASN-ACME-7781\n"
        "line  item       dir  qty  assigned  expected  location\n"
        "----  ---------  ---  ---  --------  --------  --------\n"
        "   1  LAPTOP-14  in     3         0         3  DOCK-1\n"
        "   2  MILK-1L    in    20         0         0  DOCK-1\n"
    )
    assert ok(cli("document", "SH-DEMO-1", "--json")).startswith('{\n  "number": "SH-DEMO-1"')
    out = ok(cli("cancel", "SH-DEMO-1"))
    assert out.startswith("shipment SH-DEMO-1: cancelled, partner C-BETA, reference SO-1001\n")
    assert live.document("SH-DEMO-1").status == "cancelled"

    assert ok(cli("reverse", "RC-000001")) == (
        "receipt RC-000002 reverses RC-000001: 5 serial and 2 lot transaction records\n"
    )
    assert live.stock() == []


def test_bad_input_exits_1_with_the_code_and_changes_nothing(cli: Cli, live: Tracking) -> None:
    before = snapshot(live)
    cases = [
        ("receive --item NOPE --location DOCK-1 --quantity 1", "unknown_item"),
        ("receive --item LAPTOP-14 --location NOPE --quantity 1", "unknown_location"),
        ("receive --item LAPTOP-14 --location DOCK-1 --quantity 0", "invalid_quantity"),
        (
            "receive --item MILK-1L --location DOCK-1 --quantity 1 --unit-cost cheap",
            "invalid_input",
        ),
        ("receive --item LAPTOP-14 --location DOCK-1 --serial S1 --serial S1", "invalid_input"),
        ("ship --item MILK-1L --location A-01-02 --quantity 500", "insufficient_stock"),
        ("ship --item LAPTOP-14 --location A-01-01 --serial NOPE", "unknown_serial"),
        ("post SH-DEMO-1", "line_incomplete"),
        ("cancel RC-000001", "document_not_open"),
        ("reverse RC-DEMO-1", "document_not_posted"),
        ("document XX-1", "unknown_document"),
    ]
    for args, code in cases:
        r = cli(*args.split())
        assert (r.exit_code, r.stdout) == (1, ""), args
        assert r.stderr.startswith(f"error: {code}: ") and r.stderr.count("\n") == 1, r.stderr
    r = cli(*RECEIVE, "--item", "NOPE", "--location", "DOCK-1", "--quantity", "1")
    assert r.stderr == "error: unknown_item: Unknown item 'NOPE'\n"
    assert snapshot(live) == before


def test_receive_needs_a_quantity_or_serials(cli: Cli) -> None:
    r = cli(*RECEIVE, "--item", "LAPTOP-14", "--location", "DOCK-1")
    assert r.exit_code == 2
    assert "give --quantity, or the serials with --serial/--serials-file" in r.stderr


@pytest.mark.slow
def test_receive_100000_serials(cli: Cli, live: Tracking) -> None:
    live.create_item(sku="TAG", tracking="serial", serial_mask="TAG-#######")
    r = cli(*RECEIVE, "--item", "TAG", "--location", "DOCK-1", "--quantity", "100000")
    assert "   1  TAG   in   100000    100000  DOCK-1" in ok(r)
    assert "receiving serials" in r.stderr
    assert [(s.location, s.on_hand) for s in live.stock(item="TAG")] == [("DOCK-1", 100000)]
    assert live.serial("TAG-0100000").status == "in_stock"
