"""Scan sessions end to end: raw scans in, feedback out, the core changed (or not)."""

from __future__ import annotations

import datetime as dt

import pytest

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from scanner_gateway.session.gateway import ScanRequest
from tests.conftest import Clock
from tests.gateway.handheld import Hand
from tracking_core.core import Actor, Tracking
from tracking_core.values import LineSpec

SUPERVISOR = Actor(token="hh-test", role="setup")
GS = "\x1d"
GTIN_LAP = "09506000134352"
GTIN_MILK = "09506000134376"


@pytest.fixture
def gw(core: Tracking, clock: Clock) -> Gateway:
    for code in ("DOCK", "A1"):
        core.create_location(code=code)
    core.create_partner(code="V1", kind="vendor")
    core.create_partner(code="C1", kind="customer")
    core.create_item(sku="LAP", tracking="serial", gtins=[GTIN_LAP], serial_mask="SN%%%%")
    core.create_item(sku="MILK", tracking="lot", gtins=[GTIN_MILK], shelf_life_days=10)
    core.create_item(sku="CABLE", tracking="none")
    # a supervisor's handheld: these tests make ad-hoc documents (operators may not)
    return Gateway(core, interpret, double_read_window=1.0, caller=SUPERVISOR)


@pytest.fixture
def hand(gw: Gateway, clock: Clock) -> Hand:
    return Hand(gw, clock)


def test_receive_against_a_document(gw: Gateway, hand: Hand, core: Tracking) -> None:
    doc = core.create_document(
        "receipt", partner="V1", lines=[LineSpec("LAP", 2, "DOCK"), LineSpec("MILK", 10, "DOCK")]
    )
    assert hand("CMD:MODE:RECEIVE").code == "mode"
    fb = hand(f"DOC:{doc.number}")
    assert (fb.status, fb.prompt) == ("ok", "Scan an item")
    assert fb.data["progress"]["open"] == 12
    # one GS1 label: item and serial at once
    fb = hand(f"]C101{GTIN_LAP}21SER-1")
    assert (fb.status, fb.code, fb.prompt) == (
        "ok",
        "generated",
        "Scan serial 2 of 2 for LAP at DOCK",
    )
    # a plain serial for the current item
    fb = hand("SER-2")
    assert (fb.status, fb.data["assignment"]) == ("ok", {"line": 1, "assigned": 2, "quantity": 2})
    # a lot label with quantity and expiry in one scan
    fb = hand(f"]C101{GTIN_MILK}17270131{GS}10LOT-7{GS}3006")
    assert fb.status == "ok" and "MILK lot LOT-7 x 6" in fb.message
    assert core.lot("LOT-7", item="MILK").expiry == dt.date(2027, 1, 31)
    hand("CMD:QUANTITY:4")
    assert hand("LOT-8").status == "ok"
    fb = hand("CMD:CONFIRM")
    assert (fb.status, fb.code) == ("ok", "posted")
    assert core.serial("SER-1").status == "in_stock"
    assert core.document(doc.number).status == "posted"


def test_ad_hoc_pick_and_undo(gw: Gateway, hand: Hand, core: Tracking) -> None:
    core.receive(item="LAP", location="A1", quantity=3, serials=["P1", "P2", "P3"], partner="V1")
    hand("CMD:MODE:PICK")
    hand("LOC:A1")
    hand("PTN:C1")  # the customer of the ad-hoc shipment
    hand("LAP")
    assert hand("P1").code == "allocated"
    assert hand("P2").code == "allocated"
    fb = hand("CMD:UNDO")
    assert (fb.code, fb.message) == ("undone", "Undone: LAP serial P2")
    assert core.serial("P2").status == "in_stock"
    fb = hand("CMD:CONFIRM")
    assert fb.code == "posted"
    assert [core.serial(s).status for s in ("P1", "P2", "P3")] == [
        "shipped",
        "in_stock",
        "in_stock",
    ]


def test_bad_scans_change_nothing(gw: Gateway, hand: Hand, core: Tracking) -> None:
    core.receive(item="LAP", location="A1", quantity=1, serials=["X1"], partner="V1")
    doc = core.create_document("receipt", lines=[LineSpec("LAP", 1, "DOCK")], partner="V1")
    hand("CMD:MODE:RECEIVE")
    before = (core.stock(), core.ledger(), core.document(doc.number))
    cases = {
        "\x07garbage": "invalid_barcode",  # control character
        "SER-9": "item_expected",  # a serial before an item
        "DOC:NOPE": "unknown_document",
        "CMD:QUANTITY:0": "invalid_quantity",
        "CMD:MODE:DANCE": "invalid_barcode",  # the interpreter knows the modes
        f"]C101{GTIN_LAP[:-1]}9": "invalid_barcode",  # bad GTIN check digit
    }
    for raw, code in cases.items():
        fb = hand(raw)
        assert (fb.status, fb.code) == ("error", code), raw
        assert fb.message
    hand(f"DOC:{doc.number}")
    hand("LAP")
    fb = hand("X1")  # already in stock
    assert (fb.status, fb.code, fb.data["error"]["serial"]) == ("error", "serial_exists", "X1")
    fb = hand("CMD:CONFIRM")
    assert (fb.status, fb.code) == ("error", "line_incomplete")
    assert (core.stock(), core.ledger(), core.document(doc.number)) == before


def test_double_read_and_replay(gw: Gateway, hand: Hand, core: Tracking, clock: Clock) -> None:
    doc = core.create_document("receipt", lines=[LineSpec("LAP", 5, "DOCK")], partner="V1")
    hand("CMD:MODE:RECEIVE")
    hand(f"DOC:{doc.number}")
    hand("LAP")
    first = gw.scan(ScanRequest("HH-1", "r1", "D1"))
    clock.advance(seconds=0.2)
    dup = gw.scan(ScanRequest("HH-1", "r2", "D1"))  # the scanner read the label twice
    assert (first.code, dup.status, dup.code) == ("generated", "warn", "duplicate_read")
    again = gw.scan(ScanRequest("HH-1", "r1", "D1"))  # the handheld retried its request
    assert again == first
    assert core.document(doc.number).assigned == 1


def test_inquiry_answers_anything(gw: Gateway, hand: Hand, core: Tracking) -> None:
    core.receive(item="LAP", location="A1", quantity=1, serials=["Q1"], partner="V1")
    core.receive(item="MILK", location="A1", quantity=5, lot="LQ", partner="V1")
    hand("CMD:MODE:INQUIRY")
    fb = hand("Q1")
    assert (fb.code, fb.message) == ("serial", "LAP serial Q1: in_stock at A1")
    fb = hand(f"]C101{GTIN_MILK}10LQ")
    assert fb.code == "lot" and "5 on hand" in fb.message
    assert hand("LOC:A1").message == "A1: 6 on hand"
    assert hand("CABLE").code == "item"
    assert hand("NOTHING-KNOWN").status == "error"


def test_generate_n_queues_labels(gw: Gateway, hand: Hand, core: Tracking) -> None:
    hand("CMD:MODE:RECEIVE")
    hand("LOC:DOCK")
    hand("LAP")
    fb = hand("CMD:GENERATE:3")
    assert (fb.code, fb.data["numbers"]) == ("generated", ["SN0001", "SN0002", "SN0003"])
    (job,) = core.outbox.jobs()
    assert (job.kind, job.labels, job.device) == ("serial", 3, "HH-1")


def test_count_mode_reports_differences(gw: Gateway, hand: Hand, core: Tracking) -> None:
    core.receive(item="LAP", location="A1", quantity=2, serials=["C1", "C2"], partner="V1")
    hand("CMD:MODE:COUNT")
    hand("LOC:A1")
    hand("LAP")
    hand("C1")
    hand("C9")
    fb = hand("CMD:CONFIRM")
    assert (fb.status, fb.data["count"]["missing"], fb.data["count"]["unexpected"]) == (
        "warn",
        ["C2"],
        ["C9"],
    )


def test_picking_shows_the_suggested_lot_and_warns_on_another(
    gw: Gateway, hand: Hand, core: Tracking
) -> None:
    core.update_settings({"allocation_order": "fefo"}, actor="t", role="setup")
    core.receive(
        item="MILK", location="A1", quantity=5, lot="LATE", expiry=dt.date(2027, 3, 1), partner="V1"
    )
    core.receive(
        item="MILK", location="A1", quantity=5, lot="SOON", expiry=dt.date(2027, 1, 1), partner="V1"
    )
    doc = core.create_document("shipment", lines=[LineSpec("MILK", 4, "A1")], partner="C1")
    hand("CMD:MODE:PICK")
    hand(f"DOC:{doc.number}")
    fb = hand("MILK")
    assert fb.prompt == "Scan lot SOON for MILK at A1 (4 open)"
    hand("CMD:QTY:2")
    fb = hand("LATE")
    assert (fb.status, fb.data["warnings"]) == (
        "warn",
        ["lot LATE picked; the allocation order suggests SOON"],
    )
    hand("CMD:QTY:2")
    assert hand("SOON").status == "ok"


def test_a_document_of_the_wrong_kind_is_refused(gw: Gateway, hand: Hand, core: Tracking) -> None:
    ship = core.create_document("shipment", lines=[LineSpec("LAP", 1, "A1")], partner="C1")
    hand("CMD:MODE:RECEIVE")
    fb = hand(f"DOC:{ship.number}")
    assert (fb.status, fb.code, fb.data["error"]["expected"]) == (
        "error",
        "wrong_document_type",
        "receipt",
    )
    assert gw.state("HH-1").document is None


def test_progress_counts_expected_serials(gw: Gateway, hand: Hand, core: Tracking) -> None:
    doc = core.create_document(
        "receipt", lines=[LineSpec("LAP", 2, "DOCK", expected_serials=("E1", "E2"))], partner="V1"
    )
    hand("CMD:MODE:RECEIVE")
    hand(f"DOC:{doc.number}")
    hand("LAP")
    fb = hand("E1")
    (line,) = fb.data["progress"]["lines"]
    assert (line["expected"], line["done"], line["open"]) == (2, 1, 1)
    fb = hand("E7")
    assert (fb.status, fb.data["warnings"]) == (
        "warn",
        [f"serial E7 was not expected on {doc.number}"],
    )
