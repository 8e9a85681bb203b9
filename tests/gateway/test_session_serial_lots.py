"""Scans of units with a serial and a lot: the lot is kept in, checked out, in every mode."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Feedback, Gateway
from scanner_gateway.session.gateway import ScanRequest
from tests.conftest import Clock
from tracking_core.core import Actor, Tracking
from tracking_core.values import LineSpec

GS = "\x1d"
GTIN = "09506000134352"
EXP = dt.date(2027, 6, 30)
# a supervisor's handheld: these tests make ad-hoc documents (operators may not)
SUPERVISOR = Actor(token="hh-test", role="setup")


def unit(serial: str, lot: str = "LOT42", expiry: str = "270630") -> str:
    """One GS1 label: (01) GTIN, (17) expiry, (10) lot, (21) serial."""
    return f"]C101{GTIN}17{expiry}10{lot}{GS}21{serial}"


def lot_label(lot: str = "LOT42", expiry: str = "270630") -> str:
    """The lot barcode of a two-barcode label: (01), (17), (10), no serial."""
    return f"]C101{GTIN}17{expiry}10{lot}"


@pytest.fixture
def gw(core: Tracking) -> Gateway:
    for code in ("DOCK", "A1", "A2"):
        core.create_location(code=code)
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    core.create_item(sku="LAP", tracking="serial", gtins=[GTIN], serial_mask="SN%%%%")
    core.create_item(sku="CABLE", tracking="none")
    return Gateway(core, interpret, double_read_window=1.0, caller=SUPERVISOR)


class Hand:
    def __init__(self, gw: Gateway, clock: Clock) -> None:
        self.gw, self.clock, self.ids = gw, clock, itertools.count(1)

    def __call__(self, raw: str) -> Feedback:
        self.clock.advance(seconds=2)
        return self.gw.scan(ScanRequest("HH-1", f"s{next(self.ids)}", raw))


@pytest.fixture
def hand(gw: Gateway, clock: Clock) -> Hand:
    return Hand(gw, clock)


def stock(core: Tracking) -> tuple[Any, ...]:
    return (core.stock(), core.ledger(), core.documents(), core.lot("LOT42", item="LAP"))


def test_a_gs1_unit_label_in_receive_mode_keeps_serial_lot_and_expiry(
    hand: Hand, core: Tracking
) -> None:
    hand("CMD:MODE:RECEIVE")
    hand("PTN:V1")
    hand("LOC:DOCK")
    fb = hand(unit("SER-1"))
    assert (fb.status, fb.code) == ("ok", "generated")
    assert "LAP serial SER-1 (lot LOT42) received" in fb.message
    assert hand("CMD:CONFIRM").code == "posted"
    info = core.serial("SER-1", item="LAP")
    assert (info.lot, info.expiry, info.status) == ("LOT42", EXP, "in_stock")
    assert [u.serial for u in core.lot("LOT42", item="LAP").serials] == ["SER-1"]
    assert [h.serial for h in core.trace(item="LAP", lot="LOT42", forward=False).hits] == ["SER-1"]


def test_a_lot_label_then_serials_and_generated_serials_carry_the_lot(
    hand: Hand, core: Tracking
) -> None:
    doc = core.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 4, "DOCK")])
    hand("CMD:MODE:RECEIVE")
    hand("PTN:V1")
    hand(f"DOC:{doc.number}")
    fb = hand(lot_label())
    assert (fb.status, fb.code, fb.data["lot"]) == ("ok", "lot", "LOT42")
    assert fb.prompt == "Scan serial 1 of 4 for LAP at DOCK (lot LOT42)"
    assert core.document(doc.number).lines[0].assigned == 0  # nothing stored for a lot label
    assert hand("SER-1").code == "generated"  # the plain serial barcode beside it
    fb = hand("CMD:GENERATE:2")
    assert (fb.code, fb.message) == (
        "generated",
        "LAP: 2 serials of lot LOT42 generated, labels queued",
    )
    made = fb.data["numbers"]
    job = core.outbox.jobs()[0]  # newest first
    assert (job.payload["serials"], job.payload["lot"], job.payload["expiry"]) == (
        made,
        "LOT42",
        "2027-06-30",
    )
    # another lot label on the unit itself wins over the pending one
    assert hand(unit("SER-9", lot="LOT43", expiry="280101")).code == "generated"
    assert hand("CMD:CONFIRM").code == "posted"
    assert [(u.serial, u.expiry) for u in core.lot("LOT42", item="LAP").serials] == [
        (sn, EXP) for sn in sorted(["SER-1", *made])
    ]
    assert core.serial("SER-9").lot == "LOT43"


def test_the_pending_lot_goes_with_its_item_and_document(hand: Hand, core: Tracking) -> None:
    hand("CMD:MODE:RECEIVE")
    hand("PTN:V1")
    hand("LOC:DOCK")
    hand(lot_label())
    hand("CABLE")  # another item: the lot label was not for what comes next
    hand("LAP")
    hand("SER-1")
    hand("CMD:CONFIRM")
    assert core.serial("SER-1").lot is None


@pytest.mark.parametrize("mode", ["pick", "vendor_return", "transfer"])
def test_a_label_naming_another_lot_is_refused_on_allocation(
    hand: Hand, core: Tracking, mode: str
) -> None:
    core.receive(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=1,
        serials=["SER-1"],
        lot="LOT42",
        expiry=EXP,
    )
    hand(f"CMD:MODE:{mode.upper()}")
    if mode != "transfer":
        hand("PTN:V1" if mode == "vendor_return" else "PTN:C1")
    hand("LOC:A1")
    if mode == "transfer":
        hand("LOC:A2")
    before = stock(core)
    fb = hand(unit("SER-1", lot="LOT43"))
    assert (fb.status, fb.code) == ("error", "serial_lot_mismatch")
    assert (fb.data["error"]["lot"], fb.data["error"]["label_lot"]) == ("LOT42", "LOT43")
    assert stock(core) == before
    fb = hand(unit("SER-1"))
    assert (fb.status, fb.code) == ("ok", "allocated")


def test_ship_check_refuses_a_label_of_another_lot(hand: Hand, core: Tracking) -> None:
    core.receive(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=1,
        serials=["SER-1"],
        lot="LOT42",
        expiry=EXP,
    )
    doc = core.create_document("shipment", partner="C1", lines=[LineSpec("LAP", 1, "A1")])
    core.allocate_serials(doc.number, line=1, serials=["SER-1"])
    hand("CMD:MODE:SHIP")
    hand(f"DOC:{doc.number}")
    fb = hand(unit("SER-1", lot="LOT43"))
    assert (fb.status, fb.code) == ("error", "serial_lot_mismatch")
    assert hand(unit("SER-1")).code == "verified"


def test_a_recalled_lot_is_not_picked_by_scan(hand: Hand, core: Tracking) -> None:
    core.receive(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=1,
        serials=["SER-1"],
        lot="LOT42",
        expiry=EXP,
    )
    core.recall_lot(item="LAP", lot="LOT42", recall_number="RC-1")
    hand("CMD:MODE:PICK")
    hand("PTN:C1")
    hand("LOC:A1")
    before = stock(core)
    fb = hand(unit("SER-1"))
    assert (fb.status, fb.code, fb.data["error"]["recall_number"]) == (
        "error",
        "lot_recalled",
        "RC-1",
    )
    assert stock(core) == before


def test_a_customer_return_keeps_the_lot_and_refuses_another(hand: Hand, core: Tracking) -> None:
    core.receive(
        partner="V1",
        item="LAP",
        location="A1",
        quantity=1,
        serials=["SER-1"],
        lot="LOT42",
        expiry=EXP,
    )
    core.ship(item="LAP", location="A1", quantity=1, serials=["SER-1"], partner="C1")
    hand("CMD:MODE:CUSTOMER_RETURN")
    hand("PTN:C1")
    hand("LOC:A1")
    before = stock(core)
    assert hand(unit("SER-1", lot="LOT43")).code == "serial_lot_mismatch"
    assert stock(core) == before
    assert hand(unit("SER-1")).code == "generated"
    assert hand("CMD:CONFIRM").code == "posted"
    assert [(u.serial, u.status) for u in core.lot("LOT42", item="LAP").serials] == [
        ("SER-1", "in_stock")
    ]


def test_a_lot_label_for_a_serialized_item_outbound_asks_for_the_serial(
    hand: Hand, core: Tracking
) -> None:
    hand("CMD:MODE:PICK")
    hand("PTN:C1")
    hand("LOC:A1")
    fb = hand(lot_label())
    assert (fb.status, fb.code) == ("error", "serial_expected")
