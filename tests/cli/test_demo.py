"""The demo warehouse: what it loads, once, in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from biip.gtin import Gtin

from tests.cli.conftest import Cli, ok, snapshot
from tests.conftest import Clock
from tracking_core.core import Tracking
from tracking_core.demo import LAPTOP_GTIN, MILK_GTIN, DemoSummary, load_demo
from tracking_core.errors import DuplicateKey, TrackingDisabled
from tracking_core.values import StockRow


@pytest.mark.parametrize("gtin", [LAPTOP_GTIN, MILK_GTIN])
def test_demo_gtins_have_valid_check_digits(gtin: str) -> None:
    assert Gtin.parse(gtin).value == gtin


def test_load_demo(core: Tracking, clock: Clock) -> None:
    summary = load_demo(core)
    assert summary == DemoSummary(
        loaded=True,
        items=3,
        locations=5,
        partners=2,
        serials=tuple(f"SN-00000{i}" for i in range(1, 6)),
        lots=(("L-1001", 40, dt.date(2026, 11, 30)), ("L-1002", 24, dt.date(2026, 12, 3))),
        posted_documents=("RC-000001",),
        open_documents=("RC-DEMO-1", "SH-DEMO-1"),
    )
    assert [(i.sku, i.tracking, i.gtins) for i in core.items()] == [
        ("CABLE-USB", "none", ()),
        ("LAPTOP-14", "serial", (LAPTOP_GTIN,)),
        ("MILK-1L", "lot", (MILK_GTIN,)),
    ]
    laptop, milk = core.item("LAPTOP-14"), core.item("MILK-1L")
    assert (laptop.serial_mask, laptop.warranty_days) == ("SN-%%%%%%", 365)
    assert (milk.lot_mask, milk.shelf_life_days) == ("L{YYMMDD}-##", 10)
    assert [(loc.code, loc.kind) for loc in core.locations()] == [
        ("A-01-01", "bin"),
        ("A-01-02", "bin"),
        ("DOCK-1", "dock"),
        ("QUAR", "quarantine"),
        ("SHIP-1", "shipping"),
    ]
    assert [(p.code, p.kind) for p in core.partners()] == [
        ("C-BETA", "customer"),
        ("V-ACME", "vendor"),
    ]
    assert core.stock() == [
        StockRow("LAPTOP-14", "A-01-01", None, 5, 0, value=Decimal("3200")),
        StockRow("MILK-1L", "A-01-02", "L-1001", 40, 0, dt.date(2026, 11, 30), Decimal(32)),
        StockRow("MILK-1L", "A-01-02", "L-1002", 24, 0, dt.date(2026, 12, 3), Decimal("19.2")),
    ]
    receipt = core.document("RC-DEMO-1")
    assert (receipt.doc_type, receipt.status, receipt.partner) == ("receipt", "open", "V-ACME")
    assert [(ln.item, ln.quantity, ln.expected, ln.location) for ln in receipt.lines] == [
        ("LAPTOP-14", 3, 3, "DOCK-1"),
        ("MILK-1L", 20, 0, "DOCK-1"),
    ]
    shipment = core.document("SH-DEMO-1")
    assert (shipment.doc_type, shipment.status, shipment.partner) == ("shipment", "open", "C-BETA")
    assert [(ln.item, ln.quantity, ln.location) for ln in shipment.lines] == [
        ("LAPTOP-14", 2, "A-01-01"),
        ("MILK-1L", 6, "A-01-02"),
    ]
    # the ASN's serials are accepted on the open receipt
    a = core.generate_serials("RC-DEMO-1", line=1, serials=["ACME-0001"])
    assert (a.serials, a.warnings) == (("ACME-0001",), ())


def test_load_demo_twice_fails_whole_and_if_empty_does_nothing(core: Tracking) -> None:
    load_demo(core)
    before = snapshot(core)
    with pytest.raises(DuplicateKey) as e:
        load_demo(core)
    assert e.value.details() == {"entity": "location", "key": "DOCK-1"}
    assert load_demo(core, if_empty=True) == DemoSummary(False, 3, 5, 2)
    assert snapshot(core) == before


def test_load_demo_leaves_settings_alone_and_loads_nothing_if_it_cannot(core: Tracking) -> None:
    core.update_settings({"use_lots": False}, actor="t", role="setup")
    before = snapshot(core)
    with pytest.raises(TrackingDisabled):
        load_demo(core)
    assert snapshot(core) == before  # one transaction: not even the locations


def test_demo_load_command_is_idempotent_with_if_empty(cli: Cli, live: Tracking) -> None:
    out = ok(cli("demo", "load", "--if-empty"))
    lines = out.splitlines()
    assert lines[0] == "demo warehouse loaded: 3 items, 5 locations, 2 partners"
    assert lines[1].startswith("in stock: LAPTOP-14 SN-")
    assert lines[2] == "open documents: RC-DEMO-1, SH-DEMO-1"
    before = snapshot(live)
    assert ok(cli("demo", "load", "--if-empty")) == (
        "demo not loaded: the database has 3 items already\n"
    )
    r = cli("demo", "load")
    assert (r.exit_code, r.stderr) == (1, "error: duplicate: Location 'DOCK-1' already exists\n")
    assert snapshot(live) == before
