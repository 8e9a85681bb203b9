"""The supervisor's desk on the command line: ASN, recall, quarantine, scrap, transfer,
returns and the master data lists; every refused command changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import Result

from tests.cli.conftest import Cli, ok, snapshot
from tracking_core.core import Tracking

pytestmark = pytest.mark.usefixtures("demo")


def refused(r: Result, code: str) -> None:
    """The command failed with ``error: <code>: <a message>`` and exit status 1."""
    assert r.exit_code == 1, (r.output, r.exception)
    assert r.stderr.startswith(f"error: {code}: "), r.stderr
    assert r.stdout == ""


def refuses(cli: Cli, live: Tracking, code: str, *args: str) -> None:
    """``args`` fail with ``code`` (exit 1, or 2 for a usage error) and change nothing."""
    before = snapshot(live)
    r = cli(*args)
    if code == "usage":
        assert r.exit_code == 2, (r.output, r.exception)
    else:
        refused(r, code)
    assert snapshot(live) == before, args


def stock_setup(cli: Cli) -> None:
    """V-1, V-2 of LAPTOP-14 and 20 of MILK-1L lot L7 at DOCK-1, as in the README."""
    ok(
        cli(
            "receive",
            "--item",
            "LAPTOP-14",
            "--location",
            "DOCK-1",
            "--serial",
            "V-1",
            "--serial",
            "V-2",
            "--partner",
            "V-ACME",
        )
    )
    ok(
        cli(
            "receive",
            "--item",
            "MILK-1L",
            "--location",
            "DOCK-1",
            "--quantity",
            "20",
            "--lot",
            "L7",
            "--expiry",
            "2027-01-31",
            "--partner",
            "V-ACME",
        )
    )


def as_json(r: Result) -> Any:
    return json.loads(ok(r))


# --- asn -------------------------------------------------------------------------------


def test_asn_lists_received_missing_and_unexpected(cli: Cli, live: Tracking) -> None:
    out = ok(cli("asn", "RC-DEMO-1"))
    assert out.splitlines()[0] == (
        "receipt RC-DEMO-1 (open, partner V-ACME): 0 of 3 expected serials received, "
        "3 missing, 0 unexpected"
    )
    live.generate_serials("RC-DEMO-1", line=1, serials=["ACME-0002", "OTHER-1"])
    data = as_json(cli("asn", "RC-DEMO-1", "--json"))
    line = data["lines"][0]
    assert {
        k: line[k] for k in ("line", "item", "expected", "received", "missing", "unexpected")
    } == {
        "line": 1,
        "item": "LAPTOP-14",
        "expected": 3,
        "received": 1,
        "missing": 2,
        "unexpected": 1,
    }
    assert [(x["serial"], x["state"]) for x in line["serials"]] == [
        ("ACME-0001", "missing"),
        ("ACME-0002", "received"),
        ("ACME-0003", "missing"),
        ("OTHER-1", "unexpected"),
    ]
    assert data["complete"] is False and len(data["lines"]) == 1  # the milk line has no ASN
    text = ok(cli("asn", "RC-DEMO-1", "--state", "missing"))
    assert "ACME-0001  missing" in text and "received" not in text.split("\n\n")[2]
    assert (
        ok(cli("asn", "SH-DEMO-1"))
        == "shipment SH-DEMO-1 (open, partner C-BETA): no expected serials\n"
    )


def test_asn_of_an_unknown_document(cli: Cli, live: Tracking) -> None:
    refuses(cli, live, "unknown_document", "asn", "NOPE-1")
    refuses(cli, live, "usage", "asn", "RC-DEMO-1", "--state", "lost")


# --- lots: recall and release ----------------------------------------------------------


def test_recall_blocks_shipping_and_release_lifts_it(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    out = ok(
        cli("lot", "recall", "MILK-1L", "L7", "--number", "R-1", "--reason", "supplier notice")
    )
    assert out.splitlines()[0] == (
        "MILK-1L lot L7: recalled (recall R-1: supplier notice); on hand 20 at DOCK-1"
    )
    info = live.lot("L7", item="MILK-1L")
    assert (info.status, info.recall_number, info.recall_reason) == (
        "recalled",
        "R-1",
        "supplier notice",
    )
    # the recalled lot cannot be shipped: refused, nothing changed
    refuses(
        cli,
        live,
        "lot_recalled",
        "ship",
        "--item",
        "MILK-1L",
        "--location",
        "DOCK-1",
        "--quantity",
        "2",
        "--lot",
        "L7",
        "--partner",
        "C-BETA",
    )
    # recalled stock may still be moved aside to the quarantine cage
    ok(
        cli(
            "transfer",
            "--item",
            "MILK-1L",
            "--from",
            "DOCK-1",
            "--to",
            "QUAR",
            "--quantity",
            "2",
            "--lot",
            "L7",
        )
    )
    assert ok(cli("lot", "release", "MILK-1L", "L7")) == (
        "MILK-1L lot L7: available; on hand 18 at DOCK-1, 2 at QUAR\n"
    )
    ok(
        cli(
            "ship",
            "--item",
            "MILK-1L",
            "--location",
            "DOCK-1",
            "--quantity",
            "2",
            "--lot",
            "L7",
            "--partner",
            "C-BETA",
        )
    )
    assert live.lot("L7", item="MILK-1L").on_hand == 18
    shown = ok(cli("lot", "MILK-1L", "L7")).splitlines()
    assert next(ln for ln in shown if ln.startswith("DOCK-1")).split() == ["DOCK-1", "16", "0"]


def test_lot_still_shows_a_lot(cli: Cli) -> None:
    stock_setup(cli)
    shown = ok(cli("lot", "MILK-1L", "L7"))
    assert shown.startswith("MILK-1L lot L7: available, 20 on hand, expiry 2027-01-31")
    assert ok(cli("lot", "show", "MILK-1L", "L7")) == shown
    assert json.loads(ok(cli("lot", "MILK-1L", "L7", "--json")))["lot"] == "L7"


def test_recall_and_release_wrong_cases(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    refuses(cli, live, "unknown_lot", "lot", "recall", "MILK-1L", "NOPE", "--number", "R-1")
    refuses(cli, live, "unknown_item", "lot", "recall", "NOPE", "L7", "--number", "R-1")
    refuses(cli, live, "unknown_lot", "lot", "release", "MILK-1L", "NOPE")
    refuses(cli, live, "usage", "lot", "recall", "MILK-1L", "L7")  # --number is required
    refuses(cli, live, "invalid_input", "lot", "recall", "MILK-1L", "L7", "--number", "R" * 65)


# --- quarantine and scrap --------------------------------------------------------------


def test_quarantine_a_lot_until_a_date_and_a_serial(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    out = ok(cli("quarantine", "--item", "MILK-1L", "--lot", "L7", "--until", "2027-01-15"))
    assert out == "MILK-1L lot L7: quarantine until 2027-01-15; on hand 20 at DOCK-1\n"
    refuses(
        cli,
        live,
        "stock_quarantined",
        "ship",
        "--item",
        "MILK-1L",
        "--location",
        "DOCK-1",
        "--quantity",
        "1",
        "--lot",
        "L7",
        "--partner",
        "C-BETA",
    )
    ok(cli("quarantine", "--item", "MILK-1L", "--lot", "L7", "--release"))
    assert live.lot("L7", item="MILK-1L").status == "available"
    assert ok(cli("quarantine", "--item", "LAPTOP-14", "--serial", "V-1")) == (
        "LAPTOP-14 serial V-1: in_stock, in quarantine until released\n"
    )
    assert live.serial("V-1").quarantine
    refuses(
        cli,
        live,
        "stock_quarantined",
        "ship",
        "--item",
        "LAPTOP-14",
        "--location",
        "DOCK-1",
        "--serial",
        "V-1",
        "--partner",
        "C-BETA",
    )
    assert ok(cli("quarantine", "--item", "LAPTOP-14", "--serial", "V-1", "--release")) == (
        "LAPTOP-14 serial V-1: in_stock, not in quarantine\n"
    )


def test_quarantine_wrong_cases(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    refuses(cli, live, "unknown_serial", "quarantine", "--item", "LAPTOP-14", "--serial", "NOPE")
    refuses(cli, live, "unknown_lot", "quarantine", "--item", "MILK-1L", "--lot", "NOPE")
    refuses(cli, live, "unknown_item", "quarantine", "--item", "NOPE", "--lot", "L7")
    refuses(cli, live, "usage", "quarantine", "--item", "MILK-1L")
    refuses(cli, live, "usage", "quarantine", "--item", "MILK-1L", "--lot", "L7", "--serial", "V-1")
    refuses(
        cli,
        live,
        "usage",
        "quarantine",
        "--item",
        "MILK-1L",
        "--lot",
        "L7",
        "--release",
        "--until",
        "2027-01-01",
    )
    refuses(cli, live, "usage", "quarantine", "--item", "MILK-1L", "--lot", "L7", "--until", "soon")
    ok(cli("lot", "recall", "MILK-1L", "L7", "--number", "R-1"))
    refuses(cli, live, "lot_recalled", "quarantine", "--item", "MILK-1L", "--lot", "L7")


def test_scrap_a_serial(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    out = ok(cli("scrap", "--item", "LAPTOP-14", "--serial", "V-2", "--reason", "dropped"))
    assert out == (
        "LAPTOP-14 serial V-2 scrapped on adjustment AD-000001 (1 serial transaction record)\n"
    )
    assert live.serial("V-2").status == "scrapped"
    refuses(cli, live, "serial_not_available", "scrap", "--item", "LAPTOP-14", "--serial", "V-2")
    refuses(cli, live, "unknown_serial", "scrap", "--item", "LAPTOP-14", "--serial", "NOPE")
    refuses(cli, live, "unknown_item", "scrap", "--item", "NOPE", "--serial", "V-1")
    refuses(cli, live, "usage", "scrap", "--item", "LAPTOP-14")


# --- transfers and returns -------------------------------------------------------------


def test_transfer_serials_and_lot_quantities(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    out = ok(
        cli(
            "transfer",
            "--item",
            "LAPTOP-14",
            "--from",
            "DOCK-1",
            "--to",
            "A-01-01",
            "--serial",
            "V-1",
        )
    )
    assert out.startswith("transfer TR-000001: posted\n") and out.endswith("line 1: V-1\n")
    assert live.serial("V-1").location == "A-01-01"
    ok(
        cli(
            "transfer",
            "--item",
            "MILK-1L",
            "--from",
            "DOCK-1",
            "--to",
            "A-01-02",
            "--quantity",
            "5",
            "--lot",
            "L7",
        )
    )
    by_location = {r.location: r.on_hand for r in live.lot("L7", item="MILK-1L").stock}
    assert by_location == {"DOCK-1": 15, "A-01-02": 5}
    opened = ok(
        cli(
            "transfer",
            "--item",
            "MILK-1L",
            "--from",
            "DOCK-1",
            "--to",
            "A-01-02",
            "--quantity",
            "1",
            "--lot",
            "L7",
            "--no-post",
        )
    )
    assert opened.startswith("transfer TR-000003: open\n")


def test_transfer_wrong_cases(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    base = ("transfer", "--item", "LAPTOP-14", "--from", "DOCK-1")
    refuses(cli, live, "invalid_input", *base, "--to", "DOCK-1", "--serial", "V-1")
    refuses(cli, live, "unknown_location", *base, "--to", "NOWHERE", "--serial", "V-1")
    refuses(cli, live, "unknown_serial", *base, "--to", "A-01-01", "--serial", "NOPE")
    refuses(cli, live, "insufficient_stock", *base, "--to", "A-01-01", "--quantity", "3")
    refuses(
        cli,
        live,
        "unknown_item",
        "transfer",
        "--item",
        "NOPE",
        "--from",
        "DOCK-1",
        "--to",
        "A-01-01",
        "--quantity",
        "1",
    )
    refuses(
        cli,
        live,
        "insufficient_lot_quantity",
        "transfer",
        "--item",
        "MILK-1L",
        "--from",
        "DOCK-1",
        "--to",
        "A-01-02",
        "--quantity",
        "21",
        "--lot",
        "L7",
    )
    refuses(cli, live, "usage", *base, "--to", "A-01-01")  # neither quantity nor serials


def test_customer_return_of_shipped_serials_and_lot(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    ok(
        cli(
            "ship",
            "--item",
            "LAPTOP-14",
            "--location",
            "DOCK-1",
            "--serial",
            "V-1",
            "--partner",
            "C-BETA",
        )
    )
    ok(
        cli(
            "ship",
            "--item",
            "MILK-1L",
            "--location",
            "DOCK-1",
            "--quantity",
            "4",
            "--lot",
            "L7",
            "--partner",
            "C-BETA",
        )
    )
    out = ok(
        cli(
            "return",
            "--customer",
            "C-BETA",
            "--item",
            "LAPTOP-14",
            "--location",
            "DOCK-1",
            "--serial",
            "V-1",
        )
    )
    assert out.startswith("customer_return CR-000001: posted, partner C-BETA\n")
    info = live.serial("V-1")
    assert (info.status, info.location) == ("in_stock", "DOCK-1")
    assert [m.doc_type for m in info.history] == ["receipt", "shipment", "customer_return"]
    ok(
        cli(
            "return",
            "--customer",
            "C-BETA",
            "--item",
            "MILK-1L",
            "--location",
            "DOCK-1",
            "--lot",
            "L7",
            "--quantity",
            "2",
        )
    )
    assert live.lot("L7", item="MILK-1L").on_hand == 18


def test_customer_return_wrong_cases(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    base = ("return", "--customer", "C-BETA", "--item", "LAPTOP-14", "--location", "DOCK-1")
    refuses(cli, live, "serial_exists", *base, "--serial", "V-1")  # it never left
    refuses(
        cli,
        live,
        "unknown_partner",
        "return",
        "--customer",
        "C-NOPE",
        "--item",
        "LAPTOP-14",
        "--location",
        "DOCK-1",
        "--serial",
        "V-1",
    )
    refuses(
        cli,
        live,
        "usage",
        "return",
        "--item",
        "LAPTOP-14",
        "--location",
        "DOCK-1",
        "--serial",
        "V-1",
    )  # no customer


def test_vendor_return_of_serials_and_lot(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    out = ok(
        cli(
            "vendor-return",
            "--vendor",
            "V-ACME",
            "--item",
            "LAPTOP-14",
            "--location",
            "DOCK-1",
            "--serial",
            "V-1",
            "--serial",
            "V-2",
        )
    )
    assert out.startswith("vendor_return VR-000001: posted, partner V-ACME\n")
    assert live.serial("V-2").status == "returned_to_vendor"
    ok(
        cli(
            "vendor-return",
            "--vendor",
            "V-ACME",
            "--item",
            "MILK-1L",
            "--location",
            "DOCK-1",
            "--lot",
            "L7",
            "--quantity",
            "3",
        )
    )
    assert live.lot("L7", item="MILK-1L").on_hand == 17


def test_vendor_return_wrong_cases(cli: Cli, live: Tracking) -> None:
    stock_setup(cli)
    lot = ("vendor-return", "--vendor", "V-ACME", "--item", "MILK-1L", "--location", "DOCK-1")
    refuses(cli, live, "insufficient_lot_quantity", *lot, "--lot", "L7", "--quantity", "21")
    refuses(cli, live, "unknown_lot", *lot, "--lot", "NOPE", "--quantity", "1")
    refuses(cli, live, "invalid_quantity", *lot, "--lot", "L7", "--quantity", "0")
    refuses(
        cli,
        live,
        "unknown_serial",
        "vendor-return",
        "--vendor",
        "V-ACME",
        "--item",
        "LAPTOP-14",
        "--location",
        "DOCK-1",
        "--serial",
        "V-1",
        "--serial",
        "NOPE",
    )
    refuses(
        cli,
        live,
        "usage",
        "vendor-return",
        "--item",
        "MILK-1L",
        "--location",
        "DOCK-1",
        "--quantity",
        "1",
    )


# --- master data lists -----------------------------------------------------------------


def test_items_locations_partners(cli: Cli) -> None:
    items = ok(cli("items"))
    assert items.splitlines()[0].split() == [
        "sku",
        "tracking",
        "description",
        "gtins",
        "mask",
        "standard",
        "cost",
    ]
    assert [ln.split()[0] for ln in items.splitlines()[2:]] == ["CABLE-USB", "LAPTOP-14", "MILK-1L"]
    data = as_json(cli("items", "--json"))
    assert {i["sku"]: i["tracking"] for i in data} == {
        "CABLE-USB": "none",
        "LAPTOP-14": "serial",
        "MILK-1L": "lot",
    }
    assert data[1]["standard_cost"] == "640.0000"
    codes = [x["code"] for x in as_json(cli("locations", "--json"))]
    assert {"DOCK-1", "A-01-01", "A-01-02"} <= set(codes)
    assert "DOCK-1   dock" in ok(cli("locations"))
    assert [p["code"] for p in as_json(cli("partners", "--json", "--kind", "vendor"))] == ["V-ACME"]
    assert {p["code"] for p in as_json(cli("partners", "--json"))} >= {"V-ACME", "C-BETA"}
    assert cli("partners", "--kind", "nobody").exit_code == 2
