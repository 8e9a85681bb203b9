"""Receive, ship, return, transfer, adjust, post, cancel, reverse: whole values asserted."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import Clock
from tracking_core.core import Tracking
from tracking_core.errors import (
    AlreadyReversed,
    CannotReverse,
    DocumentNotOpen,
    InsufficientLotQuantity,
    InsufficientStock,
    LineIncomplete,
    LineQuantityExceeded,
    LotConflict,
    LotRecalled,
    SerialAlreadyAllocated,
    SerialAmbiguous,
    SerialExists,
    SerialNotAvailable,
    SerialNotShipped,
    SerialUsedByOtherItem,
    StockExpired,
    StockQuarantined,
    UnexpectedSerial,
    UnknownSerial,
)
from tracking_core.values import LineSpec


def receipt(core: Tracking, item: str, qty: int, loc: str = "A1", **kw: object) -> str:
    doc = core.create_document(
        "receipt",
        partner="V1",
        lines=[LineSpec(item=item, quantity=qty, location=loc, **kw)],  # type: ignore[arg-type]
    )
    return doc.number


def stock_in(core: Tracking, serials: list[str], loc: str = "A1") -> None:
    n = receipt(core, "LAP", len(serials), loc, unit_cost=100)
    core.generate_serials(n, line=1, serials=serials)
    core.post(n)


def test_generated_serials_from_mask_get_posted_into_stock(wh: Tracking) -> None:
    n = receipt(wh, "LAP", 3, unit_cost=120)
    a = wh.generate_serials(n, line=1, count=3)
    assert a.serials == ("SN-26-00001", "SN-26-00002", "SN-26-00003")
    assert (a.assigned, a.line_quantity, a.action, a.location) == (3, 3, "generate", "A1")
    assert wh.serial("SN-26-00001").status == "pending"
    r = wh.post(n)
    assert (r.serial_records, r.lot_records) == (3, 0)
    info = wh.serial("SN-26-00002")
    assert (info.status, info.location, info.cost) == ("in_stock", "A1", 120)
    assert [(m.doc_type, m.from_location, m.to_location, m.partner) for m in info.history] == [
        ("receipt", None, "A1", "V1")
    ]
    assert info.warranty_until == dt.date(2027, 11, 24)
    assert wh.stock(item="LAP")[0].on_hand == 3


def test_counter_continues_across_documents(wh: Tracking) -> None:
    wh.generate_serials(receipt(wh, "LAP", 2), line=1, count=2)
    b = wh.generate_serials(receipt(wh, "LAP", 1), line=1, count=1)
    assert b.serials == ("SN-26-00003",)


def test_mask_skips_numbers_received_by_hand(wh: Tracking) -> None:
    stock_in(wh, ["SN-26-00002"])
    a = wh.generate_serials(receipt(wh, "LAP", 2), line=1, count=2)
    assert a.serials == ("SN-26-00001", "SN-26-00003")


def test_ship_allocates_fifo_and_posts(wh: Tracking, clock: Clock) -> None:
    stock_in(wh, ["B"])
    clock.advance(hours=1)
    stock_in(wh, ["A"])
    ship = wh.create_document("shipment", partner="C1", lines=[LineSpec("LAP", 1, "A1")])
    a = wh.allocate_serials(ship.number, line=1, count=1)
    assert a.serials == ("B",)
    assert wh.serial("B").held_by == ship.number
    wh.post(ship.number)
    info = wh.serial("B")
    assert (info.status, info.location, info.held_by) == ("shipped", None, None)
    assert info.history[-1].cost == 100


@pytest.mark.parametrize(
    ("order", "expected"), [("fifo", "S1"), ("lifo", "S3"), ("by_number", "S1"), ("fefo", "S2")]
)
def test_allocation_order(wh: Tracking, clock: Clock, order: str, expected: str) -> None:
    for sn, exp in (("S1", "2027-03-01"), ("S2", "2027-01-01"), ("S3", None)):
        n = receipt(wh, "LAP", 1)
        wh.generate_serials(
            n, line=1, serials=[sn], expiry=dt.date.fromisoformat(exp) if exp else None
        )
        wh.post(n)
        clock.advance(minutes=1)
    wh.update_settings({"allocation_order": order}, actor="t", role="setup")
    ship = wh.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    assert wh.allocate_serials(ship.number, line=1, count=1).serials == (expected,)


def test_two_documents_never_hold_one_serial(wh: Tracking) -> None:
    stock_in(wh, ["X1"])
    s1 = wh.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    s2 = wh.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    wh.allocate_serials(s1.number, line=1, serials=["X1"])
    with pytest.raises(SerialAlreadyAllocated) as e:
        wh.allocate_serials(s2.number, line=1, serials=["X1"])
    assert e.value.details() == {"item": "LAP", "serial": "X1", "document": s1.number}
    with pytest.raises(InsufficientStock) as e2:
        wh.allocate_serials(s2.number, line=1, count=1)
    assert (e2.value.requested, e2.value.available) == (1, 0)


def test_serial_rules_on_receipt(wh: Tracking) -> None:
    stock_in(wh, ["X1"])
    wh.create_item(sku="PHONE", tracking="serial", serial_mask="PH%%%%")
    n = receipt(wh, "LAP", 2)
    with pytest.raises(SerialExists) as e:
        wh.generate_serials(n, line=1, serials=["X1"])
    assert (e.value.serial, e.value.status) == ("X1", "in_stock")
    n2 = receipt(wh, "PHONE", 1)
    with pytest.raises(SerialUsedByOtherItem) as e2:
        wh.generate_serials(n2, line=1, serials=["X1"])
    assert e2.value.other_item == "LAP"
    with pytest.raises(LineQuantityExceeded):
        wh.generate_serials(n, line=1, serials=["Y1", "Y2", "Y3"])
    assert wh.document(n).assigned == 0


def test_duplicate_serials_across_items_when_allowed(wh: Tracking) -> None:
    stock_in(wh, ["X1"])
    wh.create_item(sku="PHONE", tracking="serial")
    wh.update_settings({"allow_duplicate_serials": True}, actor="t", role="setup")
    n = receipt(wh, "PHONE", 1)
    wh.generate_serials(n, line=1, serials=["X1"])
    wh.post(n)
    assert wh.serial("X1", item="PHONE").status == "in_stock"
    with pytest.raises(SerialAmbiguous) as amb:  # not the first item's: which is meant?
        wh.serial("X1")
    assert (amb.value.serial, amb.value.items) == ("X1", ["LAP", "PHONE"])
    assert str(amb.value) == "Serial X1 belongs to several items (LAP, PHONE): name the item"
    with pytest.raises(Exception) as e:
        wh.update_settings({"allow_duplicate_serials": False}, actor="t", role="setup")
    assert getattr(e.value, "code", None) == "duplicate"


def test_post_needs_complete_lines_unless_allowed(wh: Tracking) -> None:
    n = receipt(wh, "LAP", 2)
    wh.generate_serials(n, line=1, count=1)
    with pytest.raises(LineIncomplete) as e:
        wh.post(n)
    assert (e.value.quantity, e.value.assigned) == (2, 1)
    wh.update_settings({"allow_different_quantities": True}, actor="t", role="admin")
    assert wh.post(n).serial_records == 1
    with pytest.raises(DocumentNotOpen):
        wh.post(n)


def test_customer_return_keeps_identity_and_history(wh: Tracking) -> None:
    stock_in(wh, ["R1"])
    ship = wh.ship(item="LAP", location="A1", quantity=1, partner="C1", serials=["R1"])
    ret = wh.create_document("customer_return", partner="C1", lines=[LineSpec("LAP", 1, "QUAR")])
    wh.generate_serials(ret.number, line=1, serials=["R1"])
    wh.post(ret.number)
    info = wh.serial("R1")
    assert (info.status, info.location) == ("in_stock", "QUAR")
    assert [m.doc_type for m in info.history] == ["receipt", "shipment", "customer_return"]
    assert info.history[1].document == ship.number
    ret2 = wh.create_document("customer_return", lines=[LineSpec("LAP", 1, "QUAR")], partner="C1")
    with pytest.raises(SerialNotShipped):
        wh.generate_serials(ret2.number, line=1, serials=["NEVER-SEEN"])
    wh.update_settings({"allow_unknown_returns": True}, actor="t", role="setup")
    wh.generate_serials(ret2.number, line=1, serials=["NEVER-SEEN"])


def test_vendor_return_takes_expired_and_quarantined(wh: Tracking) -> None:
    n = receipt(wh, "LAP", 1)
    wh.generate_serials(n, line=1, serials=["E1"], expiry=dt.date(2026, 1, 1))
    wh.post(n)
    wh.quarantine(item="LAP", serial="E1")
    ship = wh.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    with pytest.raises(StockQuarantined):
        wh.allocate_serials(ship.number, line=1, serials=["E1"])
    wh.release_quarantine(item="LAP", serial="E1")
    with pytest.raises(StockExpired) as e:
        wh.allocate_serials(ship.number, line=1, serials=["E1"])
    assert e.value.expiry == "2026-01-01"
    rtv = wh.create_document("vendor_return", partner="V1", lines=[LineSpec("LAP", 1, "A1")])
    wh.allocate_serials(rtv.number, line=1, serials=["E1"])
    wh.post(rtv.number)
    assert wh.serial("E1").status == "returned_to_vendor"


def test_expired_policy_warn(wh: Tracking) -> None:
    n = receipt(wh, "LAP", 1)
    wh.generate_serials(n, line=1, serials=["E1"], expiry=dt.date(2026, 1, 1))
    wh.post(n)
    wh.update_settings({"expired_stock_policy": "warn"}, actor="t", role="setup")
    ship = wh.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    with pytest.raises(InsufficientStock):  # suggestions never offer expired stock
        wh.allocate_serials(ship.number, line=1, count=1)
    a = wh.allocate_serials(ship.number, line=1, serials=["E1"])
    assert a.warnings == ("LAP E1 expired on 2026-01-01",)


def test_transfer_moves_serial_and_splits_lot(wh: Tracking) -> None:
    stock_in(wh, ["T1"])
    wh.receive(item="MILK", location="A1", quantity=10, lot="LOT1", partner="V1")
    tr = wh.create_document(
        "transfer",
        lines=[
            LineSpec("LAP", 1, "A1", to_location="A2"),
            LineSpec("MILK", 4, "A1", to_location="A2"),
        ],
    )
    wh.allocate_serials(tr.number, line=1, serials=["T1"])
    wh.allocate_lot(tr.number, line=2, lot="LOT1", quantity=4)
    wh.post(tr.number)
    assert wh.serial("T1").location == "A2"
    lot = wh.lot("LOT1", item="MILK")
    assert [(r.location, r.on_hand) for r in lot.stock] == [("A1", 6), ("A2", 4)]


def test_lot_receive_allocate_and_limits(wh: Tracking) -> None:
    doc = wh.receive(
        item="MILK", location="A1", quantity=10, production_date=dt.date(2026, 11, 20), partner="V1"
    )
    lot_no = wh.lot("L261124-01", item="MILK")
    assert doc.status == "posted"
    assert (lot_no.expiry, lot_no.on_hand) == (dt.date(2026, 11, 30), 10)
    s1 = wh.create_document("shipment", partner="C1", lines=[LineSpec("MILK", 8, "A1")])
    wh.allocate_lot(s1.number, line=1, lot="L261124-01", quantity=8)
    s2 = wh.create_document("shipment", lines=[LineSpec("MILK", 5, "A1")], partner="C1")
    with pytest.raises(InsufficientLotQuantity) as e:
        wh.allocate_lot(s2.number, line=1, lot="L261124-01", quantity=5)
    assert (e.value.requested, e.value.available) == (5, 2)
    assert wh.stock(item="MILK")[0].allocated == 8
    wh.post(s1.number)
    row = wh.stock(item="MILK")[0]
    assert (row.on_hand, row.allocated) == (2, 0)
    rec = wh.lot("L261124-01", item="MILK").history
    assert [(m.doc_type, m.quantity, m.from_location, m.to_location) for m in rec] == [
        ("receipt", 10, None, "A1"),
        ("shipment", 8, "A1", None),
    ]


def test_lot_suggestion_splits_across_lots_fefo(wh: Tracking) -> None:
    wh.receive(
        item="MILK", location="A1", quantity=3, lot="LATE", expiry=dt.date(2027, 1, 1), partner="V1"
    )
    wh.receive(
        item="MILK",
        location="A1",
        quantity=3,
        lot="SOON",
        expiry=dt.date(2026, 12, 1),
        partner="V1",
    )
    wh.update_settings({"allocation_order": "fefo"}, actor="t", role="setup")
    s = wh.create_document("shipment", lines=[LineSpec("MILK", 5, "A1")], partner="C1")
    a = wh.allocate_lot(s.number, line=1, quantity=5)
    assert a.lots == (("SOON", 3), ("LATE", 2))


def test_lot_label_conflict_and_recall(wh: Tracking) -> None:
    wh.receive(
        item="MILK", location="A1", quantity=3, lot="L1", expiry=dt.date(2026, 12, 1), partner="V1"
    )
    n = receipt(wh, "MILK", 1)
    with pytest.raises(LotConflict) as e:
        wh.generate_lot(n, line=1, lot="L1", quantity=1, expiry=dt.date(2026, 12, 2))
    assert (e.value.existing, e.value.given) == ("2026-12-01", "2026-12-02")
    wh.recall_lot(item="MILK", lot="L1", recall_number="RC-7", reason="listeria")
    s = wh.create_document("shipment", lines=[LineSpec("MILK", 1, "A1")], partner="C1")
    with pytest.raises(LotRecalled) as e2:
        wh.allocate_lot(s.number, line=1, lot="L1", quantity=1)
    assert e2.value.recall_number == "RC-7"
    with pytest.raises(InsufficientStock):
        wh.allocate_lot(s.number, line=1, quantity=1)
    wh.release_lot(item="MILK", lot="L1")
    assert wh.allocate_lot(s.number, line=1, quantity=1).lots == (("L1", 1),)


def test_cancel_releases_everything(wh: Tracking) -> None:
    stock_in(wh, ["C1"])
    wh.receive(item="MILK", location="A1", quantity=5, lot="L1", partner="V1")
    r = receipt(wh, "LAP", 2)
    wh.generate_serials(r, line=1, count=2)
    s = wh.create_document(
        "shipment", lines=[LineSpec("LAP", 1, "A1"), LineSpec("MILK", 5, "A1")], partner="C1"
    )
    wh.allocate_serials(s.number, line=1, serials=["C1"])
    wh.allocate_lot(s.number, line=2, quantity=5)
    wh.cancel(s.number)
    wh.cancel(r)
    assert wh.serial("C1").status == "in_stock"
    assert wh.stock(item="MILK")[0].allocated == 0
    with pytest.raises(UnknownSerial):
        wh.serial("SN-26-00001")


def test_undo_a_step(wh: Tracking) -> None:
    stock_in(wh, ["U1", "U2"])
    s = wh.create_document("shipment", lines=[LineSpec("LAP", 2, "A1")], partner="C1")
    wh.allocate_serials(s.number, line=1, serials=["U1", "U2"])
    a = wh.unassign_serial(s.number, serial="U2")
    assert (a.action, a.assigned) == ("unassign", 1)
    assert wh.serial("U2").status == "in_stock"


def test_reverse_a_shipment_and_a_receipt(wh: Tracking) -> None:
    stock_in(wh, ["V1S"])
    ship = wh.ship(item="LAP", location="A1", quantity=1, serials=["V1S"], partner="C1")
    rev = wh.reverse(ship.number)
    assert (rev.reverses, rev.serial_records) == (ship.number, 1)
    info = wh.serial("V1S")
    assert (info.status, info.location) == ("in_stock", "A1")
    assert info.history[-1].reversal_of == info.history[-2].id
    with pytest.raises(AlreadyReversed):
        wh.reverse(ship.number)
    # a receipt whose serial has moved on cannot be reversed
    first = wh.documents(doc_type="receipt")[-1]
    ship2 = wh.ship(item="LAP", location="A1", quantity=1, serials=["V1S"], partner="C1")
    with pytest.raises(CannotReverse):
        wh.reverse(first.number)
    # forward trace ignores the reversed shipment
    hits = wh.trace(item="LAP", serial="V1S").hits
    assert [(h.document, h.partner) for h in hits] == [(ship2.number, "C1")]


def test_lot_trace_forward_and_backward(wh: Tracking) -> None:
    wh.receive(item="MILK", location="A1", quantity=10, lot="TR1", partner="V1")
    wh.ship(item="MILK", location="A1", quantity=3, lot="TR1", partner="C1")
    wh.ship(
        item="MILK", location="A1", quantity=4, lot="TR1", doc_type="transfer", to_location="A2"
    )
    wh.ship(item="MILK", location="A2", quantity=2, lot="TR1", partner="C2")
    fwd = wh.trace(item="MILK", lot="TR1", forward=True)
    assert fwd.partners == ("C1", "C2")
    assert [(h.partner, h.quantity, h.location) for h in fwd.hits] == [
        ("C1", 3, "A1"),
        ("C2", 2, "A2"),
    ]
    back = wh.trace(item="MILK", lot="TR1", forward=False)
    assert [(h.partner, h.partner_kind, h.quantity) for h in back.hits] == [("V1", "vendor", 10)]


def test_asn_unexpected_serial(wh: Tracking) -> None:
    doc = wh.create_document(
        "receipt", lines=[LineSpec("LAP", 2, "DOCK", expected_serials=("E-1", "E-2"))], partner="V1"
    )
    assert doc.lines[0].expected == 2
    a = wh.generate_serials(doc.number, line=1, serials=["E-9"])
    assert a.warnings == (f"serial E-9 was not expected on {doc.number}",)
    wh.update_settings({"unexpected_serial_policy": "refuse"}, actor="t", role="setup")
    with pytest.raises(UnexpectedSerial):
        wh.generate_serials(doc.number, line=1, serials=["E-8"])


def test_scrap_and_serial_not_available(wh: Tracking) -> None:
    stock_in(wh, ["Z1"])
    wh.scrap_serial(item="LAP", serial="Z1", reason="dropped")
    assert wh.serial("Z1").status == "scrapped"
    with pytest.raises(SerialNotAvailable):
        wh.scrap_serial(item="LAP", serial="Z1")


def test_quarantine_on_receipt(wh: Tracking, clock: Clock) -> None:
    wh.update_settings({"quarantine_days_on_receipt": 2}, actor="t", role="setup")
    stock_in(wh, ["Q1"])
    s = wh.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    with pytest.raises(StockQuarantined) as e:
        wh.allocate_serials(s.number, line=1, serials=["Q1"])
    assert e.value.until == "2026-11-26"
    clock.advance(days=2)
    wh.allocate_serials(s.number, line=1, serials=["Q1"])


def test_cost_adjustment_of_a_serial_and_a_lot(wh: Tracking) -> None:
    stock_in(wh, ["K1"])
    r = wh.adjust_cost(item="LAP", serial="K1", unit_cost="130", reason="price list 2027")
    assert (r.doc_type, r.serial_records) == ("adjustment", 1)
    info = wh.serial("K1")
    assert (info.cost, info.status, info.location) == (130, "in_stock", "A1")
    last = info.history[-1]
    assert (last.doc_type, last.from_location, last.to_location, last.cost) == (
        "adjustment",
        "A1",
        "A1",
        30,
    )
    wh.reverse(r.document)
    assert wh.serial("K1").cost == 100
    wh.receive(item="MILK", location="A1", quantity=4, lot="LC", partner="V1")
    wh.ship(item="MILK", location="A1", quantity=1, lot="LC", doc_type="transfer", to_location="A2")
    r2 = wh.adjust_cost(item="MILK", lot="LC", unit_cost="2.5")
    assert r2.lot_records == 2
    moves = wh.lot("LC", item="MILK").history[-2:]
    assert [(m.from_location, m.quantity, m.cost) for m in moves] == [
        ("A1", 0, 7.5),
        ("A2", 0, 2.5),
    ]
    assert [r.on_hand for r in wh.lot("LC", item="MILK").stock] == [3, 1]
